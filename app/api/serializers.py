"""Plain dictionaries for the open data API, one function per resource.

What is not listed here is never published: no author, no e-mail address, no invitation token,
no moderation state. The shapes match the schemas in :mod:`app.api.openapi`.
"""
from __future__ import annotations

from datetime import datetime

from flask import url_for

from app.consultations.models import ActionField, Consultation, Question, QuestionKind, QuestionOption
from app.contributions.models import Answer, Contribution, ContributionTranslation
from app.core.timeutil import isoformat_utc
from app.i18n.locale import default_language


def translations(values: dict | None) -> dict[str, str]:
    """A ``{lang: text}`` mapping with the empty entries left out."""
    return {code: text for code, text in (values or {}).items()
            if isinstance(code, str) and isinstance(text, str) and text.strip()}


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, to the second; ``None`` stays ``None``."""
    return isoformat_utc(value.replace(microsecond=0)) if value is not None else None


def action_field(field: ActionField) -> dict:
    return {
        "slug": field.slug,
        "position": field.position,
        "name": translations(field.name),
        "description": translations(field.description),
    }


def consultation(item: Consultation) -> dict:
    """The fields every consultation shows, in lists and in the detail."""
    return {
        "slug": item.slug,
        "title": translations(item.title),
        "summary": translations(item.summary),
        "kind": item.kind.value,
        "status": item.effective_status.value,
        "scope": item.scope.value,
        "district": item.district or None,
        "action_fields": [field.slug for field in item.action_fields],
        "department": item.department.slug if item.department is not None else None,
        "allow_anonymous": bool(item.allow_anonymous),
        "opens_at": timestamp(item.opens_at),
        "closes_at": timestamp(item.closes_at),
        "is_permanent": item.is_permanent,
        "url": url_for("consultations.detail", slug=item.slug, lang=default_language(), _external=True),
        "contributions_url": url_for("api.contributions", slug=item.slug, _external=True),
    }


def consultation_detail(item: Consultation) -> dict:
    """A consultation with its full text and its questions."""
    return {
        **consultation(item),
        "body": translations(item.body),
        "questions": [question(q) for q in item.questions],
    }


def question(item: Question) -> dict:
    return {
        "id": item.id,
        "position": item.position,
        "kind": item.kind.value,
        "required": bool(item.required),
        "prompt": translations(item.prompt),
        "help_text": translations(item.help_text),
        "options": [option(o) for o in item.options],
    }


def option(item: QuestionOption) -> dict:
    return {"id": item.id, "position": item.position, "label": translations(item.label)}


def contribution(item: Contribution) -> dict:
    """A published contribution without anything that could identify its author."""
    return {
        "id": item.id,
        "text": item.text or "",
        "answers": [answer(a) for a in item.ordered_answers()],
        "language": item.language,
        "channel": item.channel.value,
        "created_at": timestamp(item.created_at),
        "translations": [translation(t) for t in item.translations if t.is_current],
    }


def translation(item: ContributionTranslation) -> dict:
    """A current translation with its provenance; who translated it is not published."""
    return {
        "language": item.language,
        "text": item.text,
        "source": item.source.value,
        "provider": item.provider,
        "model": item.model,
        "reviewed": item.reviewed,
        "created_at": timestamp(item.created_at),
    }


def answer(item: Answer) -> dict:
    """One answer: ``text``, ``scale_value`` or ``option_ids``, by the kind of its question."""
    kind = item.question.kind
    data = {"question_id": item.question_id, "kind": kind.value}
    if kind is QuestionKind.FREE_TEXT:
        data["text"] = item.text or ""
    elif kind is QuestionKind.SCALE:
        data["scale_value"] = item.scale_value
    else:
        data["option_ids"] = [o.id for o in item.choices]
    return data
