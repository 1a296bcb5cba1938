"""The API endpoints: shapes (checked against the OpenAPI document), pagination, filters, headers."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import ConsultationKind, ConsultationStatus, QuestionKind, Scope
from app.contributions.models import Channel
from app.contributions.services import submit_contribution
from app.core.timeutil import utcnow
from app.extensions import db as _db
from tests.api.conftest import PREFIX
from tests.factories import HOSTILE, make_consultation, make_contribution

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def _fields():
    from app.consultations.queries import action_fields

    return {f.slug: f for f in action_fields()}


# --- action fields -------------------------------------------------------------------------------

def test_action_fields_lists_all_thirteen(api_get, seeded):
    body = api_get(f"{PREFIX}/action-fields", "/action-fields").get_json()
    assert body["total"] == 13 and body["next"] is None and len(body["items"]) == 13
    first = body["items"][0]
    assert first["slug"] == "language" and first["position"] == 1
    assert first["name"]["en"] == "Language acquisition" and first["name"]["de"] == "Spracherwerb"
    assert [i["position"] for i in body["items"]] == sorted(i["position"] for i in body["items"])


def test_action_fields_paginate(api_get, seeded):
    body = api_get(f"{PREFIX}/action-fields?per_page=5&page=3", "/action-fields").get_json()
    assert body["total"] == 13 and len(body["items"]) == 3 and body["next"] is None
    body = api_get(f"{PREFIX}/action-fields?per_page=5", "/action-fields").get_json()
    assert body["next"] == f"http://localhost{PREFIX}/action-fields?per_page=5&page=2"


# --- consultations list --------------------------------------------------------------------------

def test_consultations_list_shape(api_get, seeded):
    from app.consultations.models import Department

    fields = _fields()
    department = _db.session.scalars(sa.select(Department)).first()
    made = make_consultation("sprachkurse", action_fields=[fields["language"], fields["work"]],
                             kind=ConsultationKind.CROSS_CUTTING, scope=Scope.DISTRICT, district="Gröpelingen",
                             department=department, allow_anonymous=False)
    body = api_get(f"{PREFIX}/consultations", "/consultations").get_json()
    assert body["total"] == 1 and body["next"] is None
    item = body["items"][0]
    assert item["slug"] == "sprachkurse"
    assert item["title"] == made.title and item["summary"] == made.summary
    assert item["kind"] == "cross_cutting" and item["status"] == "open"
    assert item["scope"] == "district" and item["district"] == "Gröpelingen"
    assert item["action_fields"] == ["language", "work"]
    assert item["department"] == department.slug
    assert item["allow_anonymous"] is False and item["is_permanent"] is False
    assert ISO_UTC.match(item["opens_at"]) and ISO_UTC.match(item["closes_at"])
    assert item["url"] == "http://localhost/de/consultations/sprachkurse"
    assert item["contributions_url"] == f"http://localhost{PREFIX}/consultations/sprachkurse/contributions"
    assert "invite_token" not in item and "visibility" not in item and "body" not in item


def test_consultation_without_optional_values(api_get, seeded):
    make_consultation("dauerhaft", closes_in=None, opens_at=None)
    item = api_get(f"{PREFIX}/consultations", "/consultations").get_json()["items"][0]
    assert item["closes_at"] is None and item["opens_at"] is None and item["is_permanent"] is True
    assert item["department"] is None and item["district"] is None and item["action_fields"] == []


def test_consultations_newest_first_and_paginated(api_get, seeded):
    for n in range(5):
        made = make_consultation(f"c-{n}")
        made.created_at = utcnow() - timedelta(days=10 - n)
    _db.session.commit()
    body = api_get(f"{PREFIX}/consultations?per_page=2", "/consultations").get_json()
    assert [i["slug"] for i in body["items"]] == ["c-4", "c-3"] and body["total"] == 5
    slugs = [i["slug"] for i in body["items"]]
    url = body["next"]
    while url:
        assert url.startswith("http://localhost/api/v1/consultations?")
        body = api_get(url, "/consultations").get_json()
        slugs += [i["slug"] for i in body["items"]]
        url = body["next"]
    assert slugs == ["c-4", "c-3", "c-2", "c-1", "c-0"]


def test_page_beyond_end_is_empty(api_get, seeded):
    make_consultation()
    body = api_get(f"{PREFIX}/consultations?page=7", "/consultations").get_json()
    assert body == {"items": [], "next": None, "total": 1}


def test_per_page_limits(api_get, seeded):
    make_consultation()
    assert api_get(f"{PREFIX}/consultations?per_page=100", "/consultations").get_json()["total"] == 1
    error = api_get(f"{PREFIX}/consultations?per_page=101", "/consultations", 400).get_json()["error"]
    assert error["status"] == 400 and "per_page" in error["detail"] and "100" in error["detail"]


@pytest.mark.parametrize("query, name", [
    ("page=0", "page"), ("page=-1", "page"), ("page=abc", "page"), ("page=1.5", "page"), ("page=%D9%A3", "page"),
    ("page=9999999999", "page"), ("per_page=0", "per_page"), ("per_page=x", "per_page"),
    ("per_page=%20", "per_page"),
])
def test_bad_pagination_values_are_400(api_get, seeded, query, name):
    for path in ("/action-fields", "/consultations"):
        error = api_get(f"{PREFIX}{path}?{query}", path, 400, headers={"Accept-Language": "en"}).get_json()["error"]
        assert f"“{name}”" in error["detail"]
    german = api_get(f"{PREFIX}/consultations?{query}", "/consultations", 400).get_json()["error"]
    assert f"„{name}“" in german["detail"]  # German is the default language


def test_bad_pagination_on_contributions_is_400(api_get, seeded):
    make_consultation("eins")
    api_get(f"{PREFIX}/consultations/eins/contributions?per_page=500", "/consultations/{slug}/contributions", 400)


def test_error_messages_follow_the_requested_language(api_get, seeded):
    error = api_get(f"{PREFIX}/consultations?status=nope", "/consultations", 400,
                    headers={"Accept-Language": "en"}).get_json()["error"]
    assert error["title"] == "Bad request"
    assert error["detail"] == "The parameter “status” must be one of: open, closed, evaluated."


# --- filters -------------------------------------------------------------------------------------

def test_filters(api_get, seeded):
    fields = _fields()
    make_consultation("alpha", scope=Scope.BREMERHAVEN, action_fields=[fields["work"]])
    make_consultation("beta", scope=Scope.CITY_BREMEN, status=ConsultationStatus.CLOSED)
    make_consultation("gamma", closes_in=timedelta(days=-2))
    make_consultation("delta", status=ConsultationStatus.EVALUATED, action_fields=[fields["work"]])

    def slugs(query: str) -> set[str]:
        body = api_get(f"{PREFIX}/consultations?{query}", "/consultations").get_json()
        assert body["total"] == len(body["items"])
        return {i["slug"] for i in body["items"]}

    assert slugs("") == {"alpha", "beta", "gamma", "delta"}
    assert slugs("scope=bremerhaven") == {"alpha"}
    assert slugs("status=open") == {"alpha"}
    assert slugs("status=closed") == {"beta", "gamma"}  # past its closing time counts as closed
    assert slugs("status=evaluated") == {"delta"}
    assert slugs("action_field=work") == {"alpha", "delta"}
    assert slugs("action_field=work&status=evaluated") == {"delta"}
    assert slugs("action_field=language") == set()
    assert slugs("status=&scope=&action_field=") == {"alpha", "beta", "gamma", "delta"}
    items = api_get(f"{PREFIX}/consultations?status=closed", "/consultations").get_json()["items"]
    assert {i["status"] for i in items} == {"closed"}


def test_next_link_keeps_filters(api_get, seeded):
    fields = _fields()
    for n in range(3):
        make_consultation(f"w-{n}", action_fields=[fields["work"]], scope=Scope.STATE)
    make_consultation("other")
    body = api_get(f"{PREFIX}/consultations?action_field=work&status=open&scope=state&per_page=2&ignored=1",
                   "/consultations").get_json()
    assert body["total"] == 3
    assert body["next"] == (f"http://localhost{PREFIX}/consultations?action_field=work&status=open&scope=state"
                            "&per_page=2&page=2")
    body = api_get(body["next"], "/consultations").get_json()
    assert [i["slug"] for i in body["items"]] == ["w-0"] and body["next"] is None


@pytest.mark.parametrize("query, name", [
    ("action_field=no-such-field", "action_field"), ("status=draft", "status"), ("status=OPEN", "status"),
    ("scope=mars", "scope"), ("scope=%3Cscript%3E", "scope"),
])
def test_bad_filter_values_are_400(api_get, seeded, query, name):
    error = api_get(f"{PREFIX}/consultations?{query}", "/consultations", 400,
                    headers={"Accept-Language": "en"}).get_json()["error"]
    assert f"“{name}”" in error["detail"] and "<script>" not in error["detail"]


# --- one consultation ----------------------------------------------------------------------------

def test_consultation_detail_with_questions(api_get, seeded):
    made = make_consultation("fragen", questions=[
        {"kind": QuestionKind.FREE_TEXT, "required": True},
        {"kind": QuestionKind.SINGLE_CHOICE, "options": ["Ja", {"de": "Nein", "en": "No"}]},
        {"kind": QuestionKind.SCALE},
    ])
    made.questions[0].help_text = {"de": "Hilfe", "en": ""}
    _db.session.commit()
    body = api_get(f"{PREFIX}/consultations/fragen", "/consultations/{slug}").get_json()
    assert body["slug"] == "fragen" and body["body"] == made.body
    questions = body["questions"]
    assert [q["kind"] for q in questions] == ["free_text", "single_choice", "scale"]
    assert [q["position"] for q in questions] == [0, 1, 2]
    assert questions[0]["required"] is True and questions[1]["required"] is False
    assert questions[0]["id"] == made.questions[0].id
    assert questions[0]["prompt"] == made.questions[0].prompt
    assert questions[0]["help_text"] == {"de": "Hilfe"}  # empty translations are left out
    assert questions[0]["options"] == [] and questions[2]["options"] == []
    options = questions[1]["options"]
    assert [o["label"] for o in options] == [{"de": "Ja"}, {"de": "Nein", "en": "No"}]
    assert [o["id"] for o in options] == [o.id for o in made.questions[1].options]


def test_unknown_consultation_is_json_404(api_get, seeded):
    for url, path in ((f"{PREFIX}/consultations/nope", "/consultations/{slug}"),
                      (f"{PREFIX}/consultations/nope/contributions", "/consultations/{slug}/contributions")):
        error = api_get(url, path, 404).get_json()["error"]
        assert error["status"] == 404


# --- contributions -------------------------------------------------------------------------------

def test_contributions_with_every_answer_kind(api_get, seeded):
    made = make_consultation("mix", questions=[
        {"kind": QuestionKind.FREE_TEXT, "required": True},
        {"kind": QuestionKind.SCALE},
        {"kind": QuestionKind.MULTIPLE_CHOICE, "options": ["A", "B", "C"]},
        {"kind": QuestionKind.SINGLE_CHOICE, "options": ["X", "Y"]},
    ])
    text_q, scale_q, multi_q, single_q = made.questions
    contribution = submit_contribution(made, {
        text_q.id: f"Gute Idee {HOSTILE}", scale_q.id: 4,
        multi_q.id: [multi_q.options[0].id, multi_q.options[2].id], single_q.id: [single_q.options[1].id],
    }, language="tr", channel=Channel.WORKSHOP)
    _db.session.commit()
    body = api_get(f"{PREFIX}/consultations/mix/contributions", "/consultations/{slug}/contributions").get_json()
    assert body["total"] == 1 and body["next"] is None
    item = body["items"][0]
    assert item["id"] == contribution.id and item["language"] == "tr" and item["channel"] == "workshop"
    assert item["text"] == f"Gute Idee {HOSTILE}"
    assert ISO_UTC.match(item["created_at"])
    assert item["answers"] == [
        {"question_id": text_q.id, "kind": "free_text", "text": f"Gute Idee {HOSTILE}"},
        {"question_id": scale_q.id, "kind": "scale", "scale_value": 4},
        {"question_id": multi_q.id, "kind": "multiple_choice",
         "option_ids": [multi_q.options[0].id, multi_q.options[2].id]},
        {"question_id": single_q.id, "kind": "single_choice", "option_ids": [single_q.options[1].id]},
    ]


def test_contributions_newest_first_and_paginated(api_get, seeded):
    made = make_consultation("viele")
    for n in range(5):
        contribution = make_contribution(made, text=f"Beitrag {n}")
        contribution.created_at = utcnow() - timedelta(hours=10 - n)
    _db.session.commit()
    path = "/consultations/{slug}/contributions"
    body = api_get(f"{PREFIX}/consultations/viele/contributions?per_page=3", path).get_json()
    assert [i["text"] for i in body["items"]] == ["Beitrag 4", "Beitrag 3", "Beitrag 2"] and body["total"] == 5
    assert body["next"] == f"http://localhost{PREFIX}/consultations/viele/contributions?per_page=3&page=2"
    body = api_get(body["next"], path).get_json()
    assert [i["text"] for i in body["items"]] == ["Beitrag 1", "Beitrag 0"] and body["next"] is None
    assert api_get(f"{PREFIX}/consultations/viele/contributions?page=3&per_page=3", path).get_json() == \
        {"items": [], "next": None, "total": 5}


# --- hostile text and headers --------------------------------------------------------------------

def test_hostile_strings_round_trip_as_data(client, api_get, seeded):
    hostile = '<img src=x onerror=alert(1)>"\'\\\u202e\u200b\x1b\n&amp;{{7*7}}'
    made = make_consultation("feindlich", title={"de": hostile, "ar": "مرحبا " + HOSTILE}, district=hostile,
                             scope=Scope.DISTRICT)
    make_contribution(made, text=hostile)
    item = api_get(f"{PREFIX}/consultations", "/consultations").get_json()["items"][0]
    assert item["title"] == {"de": hostile, "ar": "مرحبا " + HOSTILE} and item["district"] == hostile
    contributions = api_get(f"{PREFIX}/consultations/feindlich/contributions",
                            "/consultations/{slug}/contributions")
    assert contributions.get_json()["items"][0]["text"] == hostile
    assert contributions.mimetype == "application/json"
    assert contributions.headers["X-Content-Type-Options"] == "nosniff"


def test_open_data_headers_and_conditional_requests(client, seeded):
    response = client.get(f"{PREFIX}/action-fields")
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Cache-Control"] == "public, max-age=60"
    etag = response.headers["ETag"]
    again = client.get(f"{PREFIX}/action-fields", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    error = client.get(f"{PREFIX}/consultations/nope")
    assert error.headers["Access-Control-Allow-Origin"] == "*" and "ETag" not in error.headers
    assert "public" not in error.headers.get("Cache-Control", "")


def test_cors_preflight_is_answered(client, seeded):
    response = client.options(f"{PREFIX}/consultations", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match"})
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in response.headers["Access-Control-Allow-Methods"]
    assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    assert client.get(f"{PREFIX}/consultations").headers["Access-Control-Expose-Headers"] == "ETag"


def test_signed_in_answers_are_private(client, login_as, seeded):
    login_as("moderator")
    response = client.get(f"{PREFIX}/consultations")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"] and "public" not in response.headers["Cache-Control"]
    assert "Cookie" in response.headers.get("Vary", "")


def test_html_pages_get_no_api_headers(client, seeded):
    assert "Access-Control-Allow-Origin" not in client.get("/en/consultations").headers


def test_contributions_carry_current_translations_with_provenance(api_get, seeded, login_as):
    from app.contributions.models import ContributionTranslation, TranslationSource
    from app.contributions.translations import add_human_translation

    made = make_consultation("uebersetzt")
    contribution = make_contribution(made, text="Daha fazla kurs lazım", language="tr")
    _db.session.add(ContributionTranslation(contribution=contribution, language="de", source_language="tr",
                                            text="Es braucht mehr Kurse", source=TranslationSource.MACHINE,
                                            provider="libretranslate", model="argos-tr-de"))
    _db.session.commit()
    item = api_get(f"{PREFIX}/consultations/uebersetzt/contributions",
                   "/consultations/{slug}/contributions").get_json()["items"][0]
    assert item["translations"] == [{
        "language": "de", "text": "Es braucht mehr Kurse", "source": "machine", "provider": "libretranslate",
        "model": "argos-tr-de", "reviewed": False, "created_at": item["translations"][0]["created_at"]}]
    from tests.factories import make_user

    mediator = make_user("working_group")
    add_human_translation(contribution, "de", "Es werden mehr Kurse gebraucht.", actor=mediator)
    _db.session.commit()
    item = api_get(f"{PREFIX}/consultations/uebersetzt/contributions",
                   "/consultations/{slug}/contributions").get_json()["items"][0]
    assert [(t["source"], t["text"], t["reviewed"]) for t in item["translations"]] == [
        ("human", "Es werden mehr Kurse gebraucht.", True)]
    assert "translator" not in str(item) and mediator.email not in str(item)
