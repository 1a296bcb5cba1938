"""The co-hosting workspace: who may work on which consultation, the consultation's texts per
language, and the language mediators' queue of contributions awaiting a German translation.

Members of a verified organisation that co-hosts a consultation work on that consultation and on
nothing else; administrators may use every page for every consultation. Whatever a person may not
use is a 404, never a 403 (the pages do not reveal what exists).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation, ConsultationUpdate, Question
from app.consultations.services import common
from app.contributions.models import Contribution, ContributionStatus, ContributionTranslation, TranslationSource
from app.contributions.translations import add_human_translation
from app.extensions import db
from app.i18n.content import SOURCE_LANGUAGE
from app.moderation import audit
from app.organisations import permissions

MAX_ID = 2**31 - 1
TARGET_LANGUAGE = SOURCE_LANGUAGE  # mediators translate into German, the working language of the administration
QUEUE_STATUSES = (ContributionStatus.PUBLISHED, ContributionStatus.PENDING)  # never hidden ones

audit.register_actions({
    "consultation.translation": _l("Consultation texts translated"),
    "contribution.translate": _l("Contribution translated"),
})


# --- who may use what ----------------------------------------------------------------------

def is_admin(user) -> bool:
    return permissions.is_admin(user)


def may_use_workspace(user) -> bool:
    """The co-host pages: administrators, and members of a verified organisation co-hosting at least
    one consultation."""
    return is_admin(user) or bool(permissions.cohosted_consultation_ids(user))


def may_cohost(user, consultation: Consultation) -> bool:
    """Work on ``consultation``: translations of its texts, news updates, and (elsewhere) moderation
    and offline input."""
    return is_admin(user) or permissions.is_cohost_member(user, consultation)


def workspace_consultations(user):
    """``select()`` of the consultations ``user`` works on, newest first."""
    stmt = sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())
    if is_admin(user):
        return stmt
    ids = permissions.cohosted_consultation_ids(user)
    return stmt.where(Consultation.id.in_(ids)) if ids else stmt.where(sa.false())


def get_consultation(slug: str, user) -> Consultation | None:
    """The consultation with ``slug`` if ``user`` may work on it, else None."""
    if not isinstance(slug, str) or len(slug) > 80:
        return None
    consultation = db.session.scalars(sa.select(Consultation).where(Consultation.slug == slug).options(
        selectinload(Consultation.questions).selectinload(Question.options),
        selectinload(Consultation.cohosts))).first()
    return consultation if consultation is not None and may_cohost(user, consultation) else None


def update_organisation(user, consultation: Consultation):
    """The organisation a new update by ``user`` is signed with: None (the administration) for an
    administrator, else the first of the user's organisations co-hosting ``consultation``."""
    if is_admin(user):
        return None
    organisations = permissions.cohosting_organisations(user, consultation)
    return organisations[0] if organisations else None


def may_edit_update(user, update: ConsultationUpdate) -> bool:
    """Administrators change every update; co-host members those of their own organisations."""
    if is_admin(user):
        return True
    own = {o.id for o in permissions.cohosting_organisations(user, update.consultation)}
    return update.organisation_id is not None and update.organisation_id in own


# --- the consultation's texts per language ---------------------------------------------------

@dataclass(frozen=True)
class TextField:
    """One translatable text of a consultation: where it is stored and how long it may be."""

    key: str  # form and error key: "title", "prompt_12", "option_34"
    obj: object
    attribute: str
    maximum: int
    multiline: bool
    kind: str  # "title", "summary", "body", "prompt", "help_text", "option"


def consultation_text_fields(consultation: Consultation) -> list[TextField]:
    """Every translatable text of ``consultation`` in page order (settings are not among them)."""
    fields = [
        TextField("title", consultation, "title", common.TITLE_MAX, False, "title"),
        TextField("summary", consultation, "summary", common.SUMMARY_MAX, True, "summary"),
        TextField("body", consultation, "body", common.BODY_MAX, True, "body"),
    ]
    for question in consultation.questions:
        fields.append(TextField(f"prompt_{question.id}", question, "prompt", common.PROMPT_MAX, True, "prompt"))
        fields.append(TextField(f"help_{question.id}", question, "help_text", common.HELP_MAX, True, "help_text"))
        for option in question.options:
            fields.append(TextField(f"option_{option.id}", option, "label", common.OPTION_MAX, False, "option"))
    return fields


def text_languages() -> list[str]:
    """Languages co-hosts may edit: German first, then the interface languages."""
    return common.content_languages()


def save_consultation_texts(consultation: Consultation, language: str, values: dict[str, str], actor) -> list[str]:
    """Store the texts of ``consultation`` in ``language`` (``values`` by :class:`TextField` key;
    missing keys are left alone, an empty text removes that translation). German texts that exist
    may be changed but not emptied. Returns the keys that changed; records them in the audit log.
    Raises :class:`common.InvalidInput` (nothing changed then)."""
    if language not in text_languages():
        raise common.InvalidInput({"language": common.LANGUAGE_MESSAGE})
    errors: dict[str, object] = {}
    planned: list[tuple[TextField, str]] = []
    for field in consultation_text_fields(consultation):
        if field.key not in values:
            continue
        raw = values[field.key]
        text = common.clean(raw if isinstance(raw, str) else "")
        current = ((getattr(field.obj, field.attribute) or {}).get(language) or "").strip()
        if not field.multiline:
            text = " ".join(text.split())
        if common.CONTROL_RE.search(text):
            errors[field.key] = common.CONTROL_MESSAGE
        elif len(text) > field.maximum:
            errors[field.key] = common.too_long(field.maximum)
        elif not text and language == SOURCE_LANGUAGE and (current or field.kind == "title"):
            errors[field.key] = _l("The German original may not be emptied.")
        elif text != current:
            planned.append((field, text))
    if errors:
        raise common.InvalidInput(errors)
    for field, text in planned:
        values_now = dict(getattr(field.obj, field.attribute) or {})
        if text:
            values_now[language] = text
        else:
            values_now.pop(language, None)
        setattr(field.obj, field.attribute, values_now)  # a new dict: the JSON column sees the change
    changed = [field.key for field, _text in planned]
    if changed:
        db.session.flush()
        audit.record(actor, "consultation.translation", consultation, language=language, changed=changed)
    return changed


# --- the language mediators' queue --------------------------------------------------------------

@dataclass(frozen=True)
class MediatorScope:
    """What a person translates: contributions of these consultations in these languages (None: all,
    for administrators)."""

    consultation_ids: list[int] | None
    languages: list[str] | None

    @property
    def is_empty(self) -> bool:
        return self.consultation_ids == [] or self.languages == []


def mediator_scope(user) -> MediatorScope | None:
    """Administrators: everything. Language mediators of verified organisations: the consultations
    those organisations co-host, in the organisations' languages (German aside). Others: None."""
    if is_admin(user):
        return MediatorScope(None, None)
    memberships = permissions.mediator_memberships(user)
    if not memberships:
        return None
    org_ids = [m.organisation_id for m in memberships]
    from app.organisations.models import consultation_cohosts

    consultation_ids = sorted(set(db.session.scalars(sa.select(consultation_cohosts.c.consultation_id).where(
        consultation_cohosts.c.organisation_id.in_(org_ids)))))
    if not consultation_ids:
        return None
    languages = [code for code in permissions.mediator_languages(user) if code not in (TARGET_LANGUAGE, "und")]
    return MediatorScope(consultation_ids, languages)


def may_mediate(user) -> bool:
    return mediator_scope(user) is not None


def _has_human_translation():
    return (sa.select(ContributionTranslation.id)
            .where(ContributionTranslation.contribution_id == Contribution.id,
                   ContributionTranslation.language == TARGET_LANGUAGE,
                   ContributionTranslation.source == TranslationSource.HUMAN,
                   ContributionTranslation.is_current.is_(True))
            .exists())


def _in_scope(stmt, scope: MediatorScope):
    stmt = stmt.where(Contribution.status.in_(QUEUE_STATUSES), Contribution.language != TARGET_LANGUAGE,
                      Contribution.text != "")
    if scope.consultation_ids is not None:
        stmt = stmt.where(Contribution.consultation_id.in_(scope.consultation_ids))
    if scope.languages is not None:
        stmt = stmt.where(Contribution.language.in_(scope.languages))
    return stmt


def translation_queue(scope: MediatorScope, language: str | None = None, consultation_id: int | None = None):
    """``select()`` of the contributions awaiting a human translation into German, oldest first:
    published or pending (never hidden), not German, in the scope's languages and consultations,
    optionally one language and one consultation."""
    stmt = _in_scope(sa.select(Contribution), scope).where(~_has_human_translation())
    if language:
        stmt = stmt.where(Contribution.language == language)
    if consultation_id is not None:
        stmt = stmt.where(Contribution.consultation_id == consultation_id)
    return stmt.options(selectinload(Contribution.consultation), selectinload(Contribution.translations)) \
        .order_by(Contribution.created_at, Contribution.id)


def queue_consultations(scope: MediatorScope) -> list[Consultation]:
    """The consultations of the scope, for the queue's filter; newest first."""
    stmt = sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())
    if scope.consultation_ids is not None:
        stmt = stmt.where(Consultation.id.in_(scope.consultation_ids))
    return list(db.session.scalars(stmt))


def queue_languages(scope: MediatorScope) -> list[str]:
    """The languages of the scope (for administrators: those of the contributions found)."""
    if scope.languages is not None:
        return list(scope.languages)
    stmt = _in_scope(sa.select(Contribution.language).distinct(), scope)
    return sorted(db.session.scalars(stmt))


def get_translatable(contribution_id: int, scope: MediatorScope | None) -> Contribution | None:
    """A contribution the scope's holder may translate into German, else None: in one of the
    scope's consultations, not hidden, not German, with text. (The language filter narrows the queue;
    a mediator may still translate another language of their consultations, as on the
    contribution page.)"""
    if scope is None or not 0 < contribution_id <= MAX_ID:
        return None
    stmt = _in_scope(sa.select(Contribution), MediatorScope(scope.consultation_ids, None)).where(
        Contribution.id == contribution_id)
    return db.session.scalars(stmt).first()


def next_in_queue(scope: MediatorScope, language: str | None = None, consultation_id: int | None = None,
                  after: int | None = None) -> Contribution | None:
    """The first contribution of the (filtered) queue other than ``after``."""
    stmt = translation_queue(scope, language, consultation_id)
    if after is not None:
        stmt = stmt.where(Contribution.id != after)
    return db.session.scalars(stmt.limit(1)).first()


def save_mediator_translation(contribution: Contribution, text: str, actor) -> ContributionTranslation:
    """Store a mediator's translation into German as a reviewed human translation (through
    :func:`app.contributions.translations.add_human_translation`, which keeps the earlier one as
    history) and record it in the audit log. Raises ``TranslationRefused``. Flushes."""
    translation = add_human_translation(contribution, TARGET_LANGUAGE, text, actor)
    audit.record(actor, "contribution.translate", contribution, language=TARGET_LANGUAGE,
                 source_language=contribution.language, translation_id=translation.id,
                 based_on_id=translation.based_on_id)
    return translation
