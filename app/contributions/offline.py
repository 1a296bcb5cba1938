"""Offline input: assisted entry, workshop and paper rounds (input sessions), and the spreadsheet
export of a consultation's contributions.

Who: members (any role) of a verified organisation co-hosting the consultation, and
administrators and moderators, enter input; working-group members may also export. Everyone else
gets a 404. The co-hosting organisation is recorded with every assisted entry and input session.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import sqlalchemy as sa
from flask import abort
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.consultations.models import Consultation, ConsultationStatus, Question, QuestionKind
from app.contributions import services
from app.contributions.imports import NewContribution, add_contributions
from app.contributions.models import (
    Answer,
    Channel,
    Contribution,
    InputSession,
    InputSessionFormat,
    LanguageSource,
)
from app.core.timeutil import isoformat_utc, utcnow
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.moderation.audit import record, register_actions
from app.organisations import permissions as org_permissions
from app.organisations.models import Organisation

ENTRY_ROLES = frozenset({Role.ADMIN, Role.MODERATOR})
EXPORT_ROLES = ENTRY_ROLES | {Role.WORKING_GROUP}
ASSISTED_CHANNELS = (Channel.ONLINE, Channel.WORKSHOP, Channel.PAPER)
SESSION_CHANNELS = {InputSessionFormat.WORKSHOP: Channel.WORKSHOP, InputSessionFormat.PAPER: Channel.PAPER}
BATCH_MAX = 500  # contributions typed in at once
SEPARATOR_LINE_RE = re.compile(r"\s*-{3,}\s*")

register_actions({
    "contribution.assisted": _l("Contribution entered with assistance"),
    "contribution.import": _l("Contributions imported"),
    "contribution.export": _l("Contributions exported"),
    "input_session.create": _l("Workshop or paper round recorded"),
    "input_session.contributions": _l("Contributions of a workshop or paper round entered"),
})


class OfflineRefused(Exception):
    """Input that may not be stored; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- who ----------------------------------------------------------------------------------

def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def is_entry_staff(user) -> bool:
    user = _user(user)
    return bool(user and user.role in ENTRY_ROLES)


def can_enter(user, consultation: Consultation) -> bool:
    """Enter assisted contributions, input sessions and imports for ``consultation``."""
    if _user(user) is None:
        return False
    return is_entry_staff(user) or org_permissions.is_cohost_member(user, consultation)


def can_export(user, consultation: Consultation) -> bool:
    """Download the contributions of ``consultation`` as a spreadsheet."""
    user = _user(user)
    if user is None:
        return False
    return user.role in EXPORT_ROLES or org_permissions.is_cohost_member(user, consultation)


def consultation_or_404(slug: str, user, *, export: bool = False) -> Consultation:
    """The consultation ``slug`` when ``user`` may enter input for it (or export it), else 404.
    Drafts only for administrators."""
    consultation = db.session.scalars(sa.select(Consultation).where(Consultation.slug == slug).options(
        selectinload(Consultation.questions).selectinload(Question.options),
        selectinload(Consultation.cohosts))).first()
    if consultation is None:
        abort(404)
    user_ = _user(user)
    if consultation.status is ConsultationStatus.DRAFT and not (user_ and user_.role is Role.ADMIN):
        abort(404)
    if not (can_export if export else can_enter)(user, consultation):
        abort(404)
    return consultation


def organisation_choices(user, consultation: Consultation) -> tuple[list[Organisation], bool]:
    """The organisations ``user`` may record input for, and whether "none" is allowed (staff may
    enter input for the administration itself)."""
    if is_entry_staff(user):
        return [o for o in consultation.cohosts if o.is_verified], True
    return org_permissions.cohosting_organisations(user, consultation), False


def resolve_organisation(user, consultation: Consultation, organisation_id: int | None) -> Organisation | None:
    """The organisation an entry is recorded for: the chosen one, or the only one the user acts
    for. Raises ``OfflineRefused("organisation")`` for one the user may not name."""
    choices, none_allowed = organisation_choices(user, consultation)
    if organisation_id is None:
        if none_allowed:
            return None
        if len(choices) == 1:
            return choices[0]
        raise OfflineRefused("organisation")
    chosen = next((o for o in choices if o.id == organisation_id), None)
    if chosen is None:
        raise OfflineRefused("organisation")
    return chosen


# --- assisted entry -----------------------------------------------------------------------

def _mark_language_as_staff(contribution: Contribution, language: str) -> None:
    """A language the assisting person chose is recorded as set by staff, not by the author."""
    if language != services.AUTO_LANGUAGE:
        contribution.language_source = LanguageSource.STAFF


def submit_assisted(consultation: Consultation, answers: dict, *, actor, organisation: Organisation | None,
                    channel: Channel, language: str, max_length: int, self_description: dict | None = None,
                    consent: bool) -> Contribution:
    """A contribution typed in by ``actor`` for a person who agreed to it. Flushes, does not commit.
    Raises ``OfflineRefused("consent")``/``("channel")`` or :class:`services.ContributionRefused`."""
    if not consent:
        raise OfflineRefused("consent")
    if channel not in ASSISTED_CHANNELS:
        raise OfflineRefused("channel")
    contribution = services.submit_contribution(
        consultation, answers, language=language, reading_language=None, author=None, channel=channel,
        max_length=max_length, self_description=self_description)
    _mark_language_as_staff(contribution, language)
    contribution.assisted = True
    contribution.assisted_by_id = actor.id
    contribution.assisted_consent_at = utcnow()
    contribution.entered_by_id = actor.id
    contribution.organisation_id = organisation.id if organisation is not None else None
    db.session.flush()
    record(actor, "contribution.assisted", contribution, consultation=consultation.slug, channel=channel,
           organisation=organisation.slug if organisation is not None else None)
    return contribution


# --- input sessions -----------------------------------------------------------------------

def session_events(consultation: Consultation) -> list:
    """Events of the consultation an input session may be linked to, by start."""
    from app.events.models import Event

    return list(db.session.scalars(sa.select(Event).where(Event.consultation_id == consultation.id)
                                   .order_by(Event.starts_at)))


def create_session(consultation: Consultation, *, actor, organisation: Organisation | None,
                   format: InputSessionFormat, title: str, held_on: date, place: str | None = None,
                   organiser: str | None = None, participant_count: int | None = None,
                   languages: list[str] | None = None, event_id: int | None = None,
                   notes: str | None = None) -> InputSession:
    """Record a workshop or paper round. Flushes, does not commit."""
    languages = list(dict.fromkeys(languages or []))
    if any(code not in CONTRIBUTION_LANGUAGES or code == "und" for code in languages):
        raise OfflineRefused("language")
    if participant_count is not None and participant_count < 0:
        raise OfflineRefused("participants")
    if event_id is not None and event_id not in {e.id for e in session_events(consultation)}:
        raise OfflineRefused("event")
    if not title or not title.strip():
        raise OfflineRefused("title")
    session = InputSession(
        consultation=consultation, organisation=organisation, format=format, title=title.strip(),
        place=(place or "").strip() or None, held_on=held_on, organiser=(organiser or "").strip() or None,
        participant_count=participant_count, languages=languages, event_id=event_id,
        notes=(notes or "").strip() or None, created_by_id=actor.id)
    db.session.add(session)
    db.session.flush()
    record(actor, "input_session.create", session, consultation=consultation.slug, format=format,
           organisation=organisation.slug if organisation is not None else None)
    return session


def sessions_with_counts(consultation: Consultation) -> list[tuple[InputSession, int]]:
    """The consultation's input sessions, newest first, each with its number of contributions."""
    counts = sa.select(Contribution.input_session_id, sa.func.count(Contribution.id).label("n")).where(
        Contribution.consultation_id == consultation.id, Contribution.input_session_id.is_not(None)
    ).group_by(Contribution.input_session_id).subquery()
    stmt = (sa.select(InputSession, sa.func.coalesce(counts.c.n, 0))
            .outerjoin(counts, counts.c.input_session_id == InputSession.id)
            .where(InputSession.consultation_id == consultation.id)
            .options(selectinload(InputSession.organisation))
            .order_by(InputSession.held_on.desc(), InputSession.id.desc()))
    return [(session, count) for session, count in db.session.execute(stmt)]


def session_or_404(consultation: Consultation, session_id: int) -> InputSession:
    session = db.session.get(InputSession, session_id) if 0 < session_id <= 2**31 - 1 else None
    if session is None or session.consultation_id != consultation.id:
        abort(404)
    return session


def session_contributions(session: InputSession, limit: int = 200) -> list[Contribution]:
    """The latest contributions entered for ``session``."""
    return list(db.session.scalars(sa.select(Contribution).where(Contribution.input_session_id == session.id)
                                   .order_by(Contribution.id.desc()).limit(limit)))


def add_session_contribution(session: InputSession, answers: dict, *, actor, language: str, max_length: int,
                             self_description: dict | None = None) -> Contribution:
    """One contribution of a workshop or paper round, with answers to the consultation's questions."""
    contribution = services.submit_contribution(
        session.consultation, answers, language=language, reading_language=None, author=None,
        channel=SESSION_CHANNELS[session.format], max_length=max_length, self_description=self_description)
    _mark_language_as_staff(contribution, language)
    contribution.input_session_id = session.id
    contribution.organisation_id = session.organisation_id
    contribution.entered_by_id = actor.id
    db.session.flush()
    return contribution


def split_batch(text: str) -> list[str]:
    """Contributions typed in at once: separated by a blank line or a line of ``---``."""
    parts: list[str] = []
    current: list[str] = []
    for line in (text or "").replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.strip() and not SEPARATOR_LINE_RE.fullmatch(line):
            current.append(line.rstrip())
            continue
        if current:
            parts.append("\n".join(current).strip())
            current = []
    if current:
        parts.append("\n".join(current).strip())
    return parts


def first_free_text_question(consultation: Consultation) -> Question | None:
    return next((q for q in consultation.questions if q.kind is QuestionKind.FREE_TEXT), None)


def add_session_batch(session: InputSession, texts: list[str], *, actor, language: str, max_length: int) -> list[int]:
    """Several contributions at once, each the answer to the first free-text question.
    Raises ``OfflineRefused`` (``empty``, ``too_many``, ``text``, ``language``, ``no_free_text``)."""
    question = first_free_text_question(session.consultation)
    if question is None:
        raise OfflineRefused("no_free_text")
    if not texts:
        raise OfflineRefused("empty")
    if len(texts) > BATCH_MAX:
        raise OfflineRefused("too_many")
    if any(len(t) > max_length or "\x00" in t for t in texts):
        raise OfflineRefused("text")
    if language != services.AUTO_LANGUAGE and language not in CONTRIBUTION_LANGUAGES:
        raise OfflineRefused("language")
    chosen = None if language == services.AUTO_LANGUAGE else language
    rows = [NewContribution(text=t, question_id=question.id, language=chosen,
                            channel=SESSION_CHANNELS[session.format], organisation_id=session.organisation_id)
            for t in texts]
    ids = add_contributions(session.consultation, rows, actor=actor, input_session=session)
    record(actor, "input_session.contributions", session, consultation=session.consultation.slug, added=len(ids))
    return ids


# --- export -------------------------------------------------------------------------------

EXPORT_HEADERS = ("id", "created_at", "language", "channel", "status", "organisation", "question", "text",
                  "translation_de", "assisted", "external_id")


def export_rows(consultation: Consultation, lang: str) -> Iterator[list]:
    """Every contribution of ``consultation`` (any status) as a row under :data:`EXPORT_HEADERS`,
    oldest first. No personal data: no author, no e-mail address, no self-description.
    ``question`` names the free-text questions answered, numbered as the form shows them."""
    from app.i18n.content import localize

    numbered = list(enumerate(consultation.questions, start=1))
    prompts = {q.id: f"{number}. {localize(q.prompt, lang).text}" for number, q in numbered}
    positions = {q.id: number for number, q in numbered}
    stmt = (sa.select(Contribution).where(Contribution.consultation_id == consultation.id)
            .options(selectinload(Contribution.answers).load_only(Answer.question_id, Answer.text),
                     selectinload(Contribution.translations), selectinload(Contribution.organisation))
            .order_by(Contribution.created_at, Contribution.id)
            .execution_options(yield_per=500))
    for contribution in db.session.scalars(stmt):
        answers = sorted(contribution.answers, key=lambda a: positions.get(a.question_id, 0))
        questions = [prompts[a.question_id] for a in answers if a.text and a.question_id in prompts]
        translation = contribution.current_translation("de") if contribution.language != "de" else None
        yield [contribution.id, isoformat_utc(contribution.created_at), contribution.language,
               contribution.channel.value, contribution.status.value,
               contribution.organisation.slug if contribution.organisation is not None else "",
               "\n".join(questions), contribution.text, translation.text if translation is not None else "",
               contribution.assisted, contribution.external_id or ""]


def record_export(actor, consultation: Consultation, file_format: str) -> None:
    record(actor, "contribution.export", consultation, file_format=file_format)
