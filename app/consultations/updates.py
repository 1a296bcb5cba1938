"""News updates on a consultation (what happens next, an event report), written by administrators
or by members of a co-hosting organisation; title and body per language ({lang: text}), plain text.

Who may write or change which update is decided in :mod:`app.organisations.cohosting`; these
functions check the text, write, record the action in the audit log and flush (the view commits).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.consultations.models import Consultation, ConsultationUpdate
from app.consultations.services.common import InvalidInput, content_languages, translations
from app.extensions import db
from app.i18n.content import LocalizedText, localize
from app.moderation import audit

TITLE_MAX, BODY_MAX = 200, 10_000

audit.register_actions({
    "consultation_update.create": _l("News update written"),
    "consultation_update.update": _l("News update edited"),
    "consultation_update.delete": _l("News update deleted"),
})


@dataclass(frozen=True)
class LocalizedUpdate:
    """An update's title and body in one language: the reader's, else German, else any."""

    update: ConsultationUpdate
    title: LocalizedText
    body: LocalizedText


def localize_update(update: ConsultationUpdate, lang: str) -> LocalizedUpdate:
    """Title and body from the same language (both are written together), with the fallback of
    :func:`app.i18n.content.localize`."""
    title = localize(update.title, lang)
    body_text = (update.body or {}).get(title.lang) or ""
    body = LocalizedText(body_text.strip(), title.lang, lang) if body_text.strip() else localize(update.body, lang)
    return LocalizedUpdate(update, title, body)


def published_updates(consultation: Consultation) -> list[ConsultationUpdate]:
    """What readers see on the consultation page: published updates, newest first."""
    return list(db.session.scalars(
        sa.select(ConsultationUpdate)
        .where(ConsultationUpdate.consultation_id == consultation.id, ConsultationUpdate.published.is_(True))
        .order_by(ConsultationUpdate.created_at.desc(), ConsultationUpdate.id.desc())))


def all_updates(consultation: Consultation) -> list[ConsultationUpdate]:
    """Every update of ``consultation`` (published or not), newest first."""
    return list(db.session.scalars(
        sa.select(ConsultationUpdate)
        .where(ConsultationUpdate.consultation_id == consultation.id)
        .order_by(ConsultationUpdate.created_at.desc(), ConsultationUpdate.id.desc())))


def get_update(consultation: Consultation, update_id: int) -> ConsultationUpdate | None:
    if not 0 < update_id < 2**31:
        return None
    update = db.session.get(ConsultationUpdate, update_id)
    return update if update is not None and update.consultation_id == consultation.id else None


def _strings(values: dict | None) -> dict[str, str]:
    return {code: raw for code, raw in (values or {}).items() if isinstance(raw, str)}


def check_texts(title: dict | None, body: dict | None) -> tuple[dict[str, str], dict[str, str]]:
    """Checked ``(title, body)``: only content languages, no control characters, within the limits,
    in each language both or neither, at least one language. Raises :class:`InvalidInput` with
    errors keyed ``title.<lang>`` / ``body.<lang>`` (or ``title`` for the whole)."""
    languages = content_languages()
    errors: dict[str, object] = {}
    titles = translations(errors, "title", _strings(title), TITLE_MAX)
    bodies = translations(errors, "body", _strings(body), BODY_MAX)
    for code in languages:
        if code in titles and code not in bodies and f"body.{code}" not in errors:
            errors[f"body.{code}"] = _l("Please write the text in this language too, or remove its title.")
        elif code in bodies and code not in titles and f"title.{code}" not in errors:
            errors[f"title.{code}"] = _l("Please give a title in this language too, or remove its text.")
    if not titles and not bodies and not errors:
        errors["title"] = _l("Please write a title and a text in at least one language.")
    if errors:
        raise InvalidInput(errors)
    return titles, bodies


def create_update(consultation: Consultation, actor, organisation, title: dict, body: dict,
                  published: bool = True) -> ConsultationUpdate:
    """Write a new update for ``organisation`` (None: the administration). Flushes."""
    titles, bodies = check_texts(title, body)
    update = ConsultationUpdate(consultation_id=consultation.id,
                                organisation_id=organisation.id if organisation else None, author_id=actor.id,
                                title=titles, body=bodies, published=bool(published))
    db.session.add(update)
    db.session.flush()
    audit.record(actor, "consultation_update.create", update, consultation_id=consultation.id,
                 organisation_id=update.organisation_id, languages=sorted(titles), published=update.published)
    return update


def edit_update(update: ConsultationUpdate, actor, title: dict, body: dict, published: bool) -> list[str]:
    """Change an update's texts and whether it is published; returns what changed. Flushes."""
    titles, bodies = check_texts(title, body)
    changed = []
    if titles != (update.title or {}):
        update.title, changed = titles, [*changed, "title"]
    if bodies != (update.body or {}):
        update.body, changed = bodies, [*changed, "body"]
    if bool(published) != update.published:
        update.published, changed = bool(published), [*changed, "published"]
    if changed:
        db.session.flush()
        audit.record(actor, "consultation_update.update", update, consultation_id=update.consultation_id,
                     changed=changed, published=update.published)
    return changed


def delete_update(update: ConsultationUpdate, actor) -> None:
    """Delete an update; the audit entry keeps its title. Flushes."""
    audit.record(actor, "consultation_update.delete", update, consultation_id=update.consultation_id,
                 organisation_id=update.organisation_id, title=update.title)
    db.session.delete(update)
    db.session.flush()
