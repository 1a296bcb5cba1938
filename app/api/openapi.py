"""The OpenAPI 3.1 description of the open data API, as a Python structure.

Schemas are JSON Schema 2020-12 (the OpenAPI 3.1 dialect); values that may be missing are
typed as ``["string", "null"]``. Every object schema lists all its fields as required and
allows no others, so the document doubles as the contract the tests check responses against.
"""
from __future__ import annotations

from app.consultations.models import ConsultationKind, ConsultationStatus, QuestionKind, Scope
from app.contributions.models import Channel, TranslationSource

API_VERSION = "1.0.0"
FILTER_STATUSES = [s.value for s in ConsultationStatus if s is not ConsultationStatus.DRAFT]


def _ref(kind: str, name: str) -> dict:
    return {"$ref": f"#/components/{kind}/{name}"}


def _obj(properties: dict, description: str | None = None) -> dict:
    schema = {"type": "object", "required": list(properties), "properties": properties,
              "additionalProperties": False}
    if description:
        schema = {"description": description, **schema}
    return schema


def _page_of(item_schema: str, description: str) -> dict:
    return _obj({
        "items": {"type": "array", "items": _ref("schemas", item_schema)},
        "next": {"type": ["string", "null"], "format": "uri",
                 "description": "Absolute URL of the next page, or null on the last page."},
        "total": {"type": "integer", "minimum": 0, "description": "Number of items on all pages."},
    }, description)


def _ok(schema_name: str, description: str) -> dict:
    return {
        "description": description,
        "headers": {"Access-Control-Allow-Origin": _ref("headers", "AccessControlAllowOrigin"),
                    "ETag": _ref("headers", "ETag")},
        "content": {"application/json": {"schema": _ref("schemas", schema_name)}},
    }


def _timestamp(description: str) -> dict:
    return {"type": ["string", "null"], "format": "date-time", "description": description}


def _schemas() -> dict:
    translations = {
        "type": "object",
        "description": "A text written by people in several languages: language code → text. "
                       "Languages without a text are left out; German (de) is the source language.",
        "additionalProperties": {"type": "string", "minLength": 1},
        "examples": [{"de": "Spracherwerb", "en": "Language acquisition"}],
    }
    free_text = _obj({
        "question_id": {"type": "integer"},
        "kind": {"type": "string", "const": QuestionKind.FREE_TEXT.value},
        "text": {"type": "string"},
    }, "The answer to a free-text question.")
    scale = _obj({
        "question_id": {"type": "integer"},
        "kind": {"type": "string", "const": QuestionKind.SCALE.value},
        "scale_value": {"type": "integer", "minimum": 1, "maximum": 5,
                        "description": "1 = do not agree at all … 5 = fully agree."},
    }, "The answer to an agreement-scale question.")
    choice = _obj({
        "question_id": {"type": "integer"},
        "kind": {"type": "string", "enum": [QuestionKind.SINGLE_CHOICE.value, QuestionKind.MULTIPLE_CHOICE.value]},
        "option_ids": {"type": "array", "items": {"type": "integer"},
                       "description": "Ids of the chosen options (see the consultation's questions)."},
    }, "The answer to a single- or multiple-choice question.")
    consultation_fields = {
        "slug": {"type": "string"},
        "title": _ref("schemas", "Translations"),
        "summary": _ref("schemas", "Translations"),
        "kind": {"type": "string", "enum": [k.value for k in ConsultationKind]},
        "status": {"type": "string", "enum": [s.value for s in ConsultationStatus],
                   "description": "The status readers see: an open consultation past its closing time is "
                                  "closed. Drafts are shown to administrators only."},
        "scope": {"type": "string", "enum": [s.value for s in Scope]},
        "district": {"type": ["string", "null"], "description": "The district, for scope district."},
        "action_fields": {"type": "array", "items": {"type": "string"},
                          "description": "Slugs of the action fields it belongs to."},
        "department": {"type": ["string", "null"], "description": "Slug of the responsible department."},
        "allow_anonymous": {"type": "boolean", "description": "Whether contributing needs no account."},
        "opens_at": _timestamp("When it opens (UTC), or null."),
        "closes_at": _timestamp("When it closes (UTC), or null for a permanent consultation."),
        "is_permanent": {"type": "boolean", "description": "True when it has no closing time."},
        "url": {"type": "string", "format": "uri", "description": "The consultation's web page."},
        "contributions_url": {"type": "string", "format": "uri",
                              "description": "Its published contributions in this API."},
    }
    return {
        "Translations": translations,
        "ActionField": _obj({
            "slug": {"type": "string"},
            "position": {"type": "integer"},
            "name": _ref("schemas", "Translations"),
            "description": _ref("schemas", "Translations"),
        }, "One of the 13 action fields (Handlungsfelder) of the framework concept."),
        "Consultation": _obj(consultation_fields, "A consultation as shown in lists."),
        "ConsultationDetail": _obj({
            **consultation_fields,
            "body": _ref("schemas", "Translations"),
            "questions": {"type": "array", "items": _ref("schemas", "Question")},
        }, "A consultation with its full text and its questions in order."),
        "Question": _obj({
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "kind": {"type": "string", "enum": [k.value for k in QuestionKind]},
            "required": {"type": "boolean"},
            "prompt": _ref("schemas", "Translations"),
            "help_text": _ref("schemas", "Translations"),
            "options": {"type": "array", "items": _ref("schemas", "QuestionOption"),
                        "description": "The choices of a choice question; empty for other kinds."},
        }),
        "QuestionOption": _obj({
            "id": {"type": "integer"},
            "position": {"type": "integer"},
            "label": _ref("schemas", "Translations"),
        }),
        "Contribution": _obj({
            "id": {"type": "integer"},
            "text": {"type": "string", "description": "The free-text answers joined in question order."},
            "answers": {"type": "array", "items": _ref("schemas", "Answer")},
            "language": {"type": "string", "description": "Language code the contribution is written in "
                                                          "(ISO 639-1, else 639-3; und = undetermined)."},
            "channel": {"type": "string", "enum": [c.value for c in Channel]},
            "created_at": {"type": "string", "format": "date-time"},
            "translations": {"type": "array", "items": _ref("schemas", "Translation"),
                             "description": "Current translations, stored beside the original."},
        }, "A published contribution. Nothing about its author is published."),
        "Translation": _obj({
            "language": {"type": "string", "description": "The language translated into."},
            "text": {"type": "string"},
            "source": {"type": "string", "enum": [t.value for t in TranslationSource],
                       "description": "human (a language mediator or staff) or machine."},
            "provider": {"type": ["string", "null"], "description": "Machine translation provider, if any."},
            "model": {"type": ["string", "null"], "description": "Machine translation model, if any."},
            "reviewed": {"type": "boolean", "description": "Written or checked by a person."},
            "created_at": {"type": "string", "format": "date-time"},
        }, "A translation of a contribution with its provenance."),
        "Answer": {
            "oneOf": [_ref("schemas", "FreeTextAnswer"), _ref("schemas", "ScaleAnswer"),
                      _ref("schemas", "ChoiceAnswer")],
            "discriminator": {"propertyName": "kind", "mapping": {
                QuestionKind.FREE_TEXT.value: "#/components/schemas/FreeTextAnswer",
                QuestionKind.SCALE.value: "#/components/schemas/ScaleAnswer",
                QuestionKind.SINGLE_CHOICE.value: "#/components/schemas/ChoiceAnswer",
                QuestionKind.MULTIPLE_CHOICE.value: "#/components/schemas/ChoiceAnswer",
            }},
        },
        "FreeTextAnswer": free_text,
        "ScaleAnswer": scale,
        "ChoiceAnswer": choice,
        "ActionFieldPage": _page_of("ActionField", "A page of action fields."),
        "ConsultationPage": _page_of("Consultation", "A page of consultations, newest first."),
        "ContributionPage": _page_of("Contribution", "A page of published contributions, newest first."),
        # --- analysis (working group): GET /consultations/{slug}/summary
        "SummaryTheme": _obj({
            "id": {"type": "integer"},
            "label": {"type": "string", "description": "The theme's name (German keywords, or as analysts named it)."},
            "keywords": {"type": "array", "items": {"type": "string"}},
            "size": {"type": "integer", "minimum": 0, "description": "Number of published contributions in it."},
            "contribution_ids": {"type": "array", "items": {"type": "integer"}},
            "representative_ids": {"type": "array", "items": {"type": "integer"}},
            "languages": {"type": "array", "items": {"type": "string"},
                          "description": "Languages of its contributions, the most frequent first."},
            "abstract": {"type": ["string", "null"],
                         "description": "A machine-written summary in German (2–3 sentences), or null: only "
                                        "when the operator configured a summary service; check it against "
                                        "the quotes."},
        }, "A theme of a summary."),
        "Summary": _obj({
            "consultation": {"type": "string", "description": "The consultation's slug."},
            "generated_at": _timestamp("When the latest summary was computed (UTC), or null when never."),
            "stats": {"type": "object", "description": "Counts of the consultation's contributions."},
            "themes": {"type": "array", "items": _ref("schemas", "SummaryTheme")},
            "unassigned_ids": {"type": "array", "items": {"type": "integer"},
                               "description": "Published contributions that fit no theme."},
        }, "The latest computed summary of a consultation, with analysts' edits."),
        "Error": _obj({"error": _obj({
            "status": {"type": "integer", "description": "The HTTP status code."},
            "title": {"type": "string", "description": "Short name of the error (in the request's language)."},
            "detail": {"type": "string", "description": "What went wrong and how to fix the request."},
        })}, "Every error answer of the API has this shape."),
    }


def _parameters(default_per_page: int, max_per_page: int) -> dict:
    return {
        "page": {"name": "page", "in": "query", "required": False,
                 "description": "Page number; a page beyond the last has no items.",
                 "schema": {"type": "integer", "minimum": 1, "default": 1}},
        "per_page": {"name": "per_page", "in": "query", "required": False, "description": "Items per page.",
                     "schema": {"type": "integer", "minimum": 1, "maximum": max_per_page,
                                "default": default_per_page}},
        "slug": {"name": "slug", "in": "path", "required": True, "description": "The consultation's slug.",
                 "schema": {"type": "string"}},
        "action_field": {"name": "action_field", "in": "query", "required": False,
                         "description": "Only consultations in this action field (its slug).",
                         "schema": {"type": "string"}},
        "status": {"name": "status", "in": "query", "required": False,
                   "description": "Only consultations with this status as readers see it "
                                  "(an open consultation past its closing time counts as closed).",
                   "schema": {"type": "string", "enum": FILTER_STATUSES}},
        "scope": {"name": "scope", "in": "query", "required": False, "description": "Only consultations for this area.",
                  "schema": {"type": "string", "enum": [s.value for s in Scope]}},
    }


def _responses() -> dict:
    error = {"content": {"application/json": {"schema": _ref("schemas", "Error")}}}
    return {
        "BadRequest": {"description": "A query parameter has a value that is not allowed.", **error},
        "NotFound": {"description": "No such consultation, or it is not visible to you.", **error},
    }


def _operation(operation_id: str, summary: str, description: str, parameters: list[str], ok: dict,
               errors: tuple[str, ...] = ("BadRequest",)) -> dict:
    responses = {"200": ok}
    codes = {"BadRequest": "400", "NotFound": "404"}
    for name in errors:
        responses[codes[name]] = _ref("responses", name)
    return {"get": {
        "operationId": operation_id, "tags": ["open data"], "summary": summary, "description": description,
        "parameters": [_ref("parameters", p) for p in parameters], "responses": responses,
    }}


def build_document(default_per_page: int, max_per_page: int) -> dict:
    """The complete OpenAPI 3.1.0 document; page sizes come from the configuration."""
    pages = ["page", "per_page"]
    return {
        "openapi": "3.1.0",
        "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
        "info": {
            "title": "Vielstimmig open data API",
            "version": API_VERSION,
            "summary": "Read-only open data of Vielstimmig, the participation platform of the State of Bremen.",
            "description": (
                "Action fields, consultations with their questions, and the published contributions, as "
                "JSON. Only what the web pages show to the same visitor is returned: anonymous requests see "
                "public consultations; invitation-only ones appear after the invitation link was opened in "
                "the same session. Nothing about the authors of contributions is published.\n\n"
                "Lists are paginated with `page` and `per_page`; each page has `items`, `total` and `next` "
                "(the absolute URL of the next page, or null). Times are ISO 8601 in UTC. Texts written by "
                "people are objects mapping language codes to text. Errors are JSON objects of the form "
                "`{\"error\": {\"status\", \"title\", \"detail\"}}`."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "tags": [{"name": "open data", "description": "Everything here is public and read-only."},
                 {"name": "analysis", "description": "For the working group: needs a signed-in session."}],
        "paths": {
            "/action-fields": _operation(
                "listActionFields", "List the action fields",
                "The 13 action fields of the framework concept, in their order.",
                pages, _ok("ActionFieldPage", "A page of action fields.")),
            "/consultations": _operation(
                "listConsultations", "List consultations",
                "The consultations visible to you, newest first, optionally filtered.",
                [*pages, "action_field", "status", "scope"],
                _ok("ConsultationPage", "A page of consultations.")),
            "/consultations/{slug}": _operation(
                "getConsultation", "Get one consultation",
                "A consultation with its text and its questions.", ["slug"],
                _ok("ConsultationDetail", "The consultation."), errors=("NotFound",)),
            "/consultations/{slug}/contributions": _operation(
                "listContributions", "List a consultation's published contributions",
                "Published contributions, newest first. Contributions awaiting moderation or hidden by "
                "moderators are never listed.",
                ["slug", *pages], _ok("ContributionPage", "A page of contributions."),
                errors=("BadRequest", "NotFound")),
            "/consultations/{slug}/summary": {"get": {
                "operationId": "getConsultationSummary", "tags": ["analysis"],
                "summary": "Get a consultation's summary (working group)",
                "description": "The latest computed summary of a consultation: stats, themes with their "
                               "contributions, and the contributions that fit no theme. Only for members of "
                               "the working group and administrators signed in (session cookie); everyone "
                               "else gets 404.",
                "parameters": [_ref("parameters", "slug")],
                "responses": {"200": _ok("Summary", "The summary."), "404": _ref("responses", "NotFound")},
            }},
            "/openapi.json": {"get": {
                "operationId": "getOpenApiDocument", "tags": ["open data"], "summary": "This description",
                "description": "The OpenAPI 3.1 description of this API.",
                "responses": {"200": {
                    "description": "The OpenAPI document.",
                    "content": {"application/json": {"schema": {"type": "object"}}},
                }},
            }},
        },
        "components": {
            "schemas": _schemas(),
            "parameters": _parameters(default_per_page, max_per_page),
            "responses": _responses(),
            "headers": {
                "AccessControlAllowOrigin": {"description": "Open data: any web page may read the answer.",
                                             "schema": {"type": "string", "const": "*"}},
                "ETag": {"description": "Send it back in If-None-Match to get 304 Not Modified when unchanged.",
                         "schema": {"type": "string"}},
            },
        },
    }
