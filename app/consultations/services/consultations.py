"""Consultations: the staff overview, creating and editing, the invitation link and the status."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    Department,
    ModerationMode,
    Scope,
    Visibility,
)
from app.consultations.services.common import (
    BODY_MAX,
    CHOICE_MESSAGE,
    CONTROL_MESSAGE,
    CONTROL_RE,
    DISTRICT_MAX,
    SLUG_RE,
    SUMMARY_MAX,
    TITLE_MAX,
    ActionRefused,
    InvalidInput,
    clean,
    missing_translations,
    require_manager,
    too_long,
    translations,
)
from app.contributions.models import Contribution, ContributionStatus
from app.core.enums import title_of
from app.core.timeutil import utcnow
from app.extensions import db
from app.moderation.audit import changed_attributes, record

log = logging.getLogger(__name__)
signals = Namespace()
consultation_saved = signals.signal("consultation-saved")
status_changed = signals.signal("consultation-status-changed")

TRANSITIONS = {
    ConsultationStatus.DRAFT: (ConsultationStatus.OPEN,),
    ConsultationStatus.OPEN: (ConsultationStatus.CLOSED, ConsultationStatus.DRAFT),
    ConsultationStatus.CLOSED: (ConsultationStatus.OPEN, ConsultationStatus.EVALUATED),
    ConsultationStatus.EVALUATED: (),
}
CONSENT_TEXT_MAX = 5000
SLUG_TAKEN_MESSAGE = _l("Another consultation already uses this address. Please choose a different one.")


@dataclass
class ConsultationData:
    """What staff enter for a consultation; times are naive UTC, texts ``{lang: text}``."""

    slug: str
    title: dict[str, str]
    summary: dict[str, str] = field(default_factory=dict)
    body: dict[str, str] = field(default_factory=dict)
    kind: ConsultationKind = ConsultationKind.TOPIC_SPECIFIC
    scope: Scope = Scope.STATE
    district: str | None = None
    action_field_ids: list[int] = field(default_factory=list)
    department_id: int | None = None
    allow_anonymous: bool = True
    visibility: Visibility = Visibility.PUBLIC
    moderation: ModerationMode = ModerationMode.POST
    opens_at: datetime | None = None
    closes_at: datetime | None = None
    is_suggestion_box: bool = False
    # Privacy: shown above the submit button (empty: the default text); the self-description offered?
    consent_text: dict[str, str] = field(default_factory=dict)
    asks_self_description: bool = True


@dataclass(frozen=True)
class DashboardRow:
    consultation: Consultation
    contributions: int
    pending: int
    missing_languages: list[str]


def dashboard_rows() -> list[DashboardRow]:
    """Every consultation, newest first, with its contribution counts (one query)."""
    pending = sa.case((Contribution.status == ContributionStatus.PENDING, 1), else_=0)
    counts = (
        sa.select(Contribution.consultation_id.label("consultation_id"),
                  sa.func.count(Contribution.id).label("total"),
                  sa.func.sum(pending).label("pending"))
        .group_by(Contribution.consultation_id)
        .subquery()
    )
    stmt = (
        sa.select(Consultation, sa.func.coalesce(counts.c.total, 0), sa.func.coalesce(counts.c.pending, 0))
        .outerjoin(counts, counts.c.consultation_id == Consultation.id)
        .order_by(Consultation.created_at.desc(), Consultation.id.desc())
    )
    return [DashboardRow(c, int(total), int(pending), missing_translations(c.title, c.summary, c.body))
            for c, total, pending in db.session.execute(stmt)]


def departments() -> list[Department]:
    return db.session.scalars(sa.select(Department).order_by(Department.short_name, Department.id)).all()


def contribution_count(consultation: Consultation) -> int:
    return db.session.scalar(sa.select(sa.func.count(Contribution.id))
                             .where(Contribution.consultation_id == consultation.id)) or 0


def new_invite_token() -> str:
    return secrets.token_urlsafe(24)


def _district(errors: dict, scope, raw: str | None) -> str | None:
    district = clean(raw)
    if scope is Scope.DISTRICT and not district:
        errors["district"] = _l("Please name the district: the area is “District”.")
    elif scope is not Scope.DISTRICT and district:
        errors["district"] = _l("Leave the district empty unless the area is “District”.")
    elif len(district) > DISTRICT_MAX:
        errors["district"] = too_long(DISTRICT_MAX)
    elif CONTROL_RE.search(district) or "\n" in district:
        errors["district"] = CONTROL_MESSAGE
    return district or None


def _consultation_values(data: ConsultationData, consultation: Consultation | None) -> dict:
    """Every attribute to set, checked; raises :class:`InvalidInput` with all problems at once."""
    errors: dict[str, object] = {}
    slug = (data.slug or "").strip()
    if not SLUG_RE.fullmatch(slug):
        errors["slug"] = _l("Please use 3 to 80 lower-case letters (a–z), digits and hyphens, "
                            "starting and ending with a letter or digit.")
    else:
        taken = sa.select(Consultation.id).where(Consultation.slug == slug)
        if consultation is not None:
            taken = taken.where(Consultation.id != consultation.id)
        if db.session.scalar(taken) is not None:
            errors["slug"] = SLUG_TAKEN_MESSAGE
    values = {
        "slug": slug,
        "title": translations(errors, "title", data.title, TITLE_MAX, required=True),
        "summary": translations(errors, "summary", data.summary, SUMMARY_MAX),
        "body": translations(errors, "body", data.body, BODY_MAX),
        "consent_text": translations(errors, "consent_text", data.consent_text, CONSENT_TEXT_MAX),
        "asks_self_description": bool(data.asks_self_description),
        "district": _district(errors, data.scope, data.district),
        "allow_anonymous": bool(data.allow_anonymous),
        "is_suggestion_box": bool(data.is_suggestion_box),
        "opens_at": data.opens_at,
        "closes_at": data.closes_at,
    }
    for name, enum_cls in (("kind", ConsultationKind), ("scope", Scope), ("visibility", Visibility),
                           ("moderation", ModerationMode)):
        values[name] = getattr(data, name)
        if not isinstance(values[name], enum_cls):
            errors[name] = CHOICE_MESSAGE

    ids = list(dict.fromkeys(data.action_field_ids or []))
    fields = db.session.scalars(sa.select(ActionField).where(ActionField.id.in_(ids))).all() if ids else []
    if not ids:
        errors["action_fields"] = _l("Please choose at least one action field.")
    elif len(fields) != len(ids):
        errors["action_fields"] = CHOICE_MESSAGE
    values["action_fields"] = sorted(fields, key=lambda f: (f.position, f.id))

    values["department"] = None
    if data.department_id is not None:
        values["department"] = db.session.get(Department, data.department_id)
        if values["department"] is None:
            errors["department"] = CHOICE_MESSAGE

    if data.opens_at and data.closes_at and data.closes_at <= data.opens_at:
        errors["closes_at"] = _l("The closing time must be after the opening time.")
    if errors:
        raise InvalidInput(errors)
    return values


def _apply(consultation: Consultation, values: dict) -> None:
    for name, value in values.items():
        setattr(consultation, name, value)
    if consultation.visibility is Visibility.INVITATION:
        consultation.invite_token = consultation.invite_token or new_invite_token()
    else:
        consultation.invite_token = None  # the old link stops working


def _flush() -> None:
    try:
        db.session.flush()
    except IntegrityError as error:  # a slug taken between our check and the write
        raise InvalidInput({"slug": SLUG_TAKEN_MESSAGE}) from error


def create_consultation(data: ConsultationData, actor) -> Consultation:
    """Create a consultation as a draft; an invitation link is made when visibility asks for one."""
    require_manager(actor)
    values = _consultation_values(data, None)
    consultation = Consultation(status=ConsultationStatus.DRAFT, created_by_id=actor.id)
    _apply(consultation, values)
    db.session.add(consultation)
    _flush()
    log.info("consultation %s created by user %s", consultation.slug, actor.id)
    record(actor, "consultation.create", consultation, slug=consultation.slug)
    consultation_saved.send(consultation, actor=actor, created=True)
    return consultation


def update_consultation(consultation: Consultation, data: ConsultationData, actor) -> Consultation:
    """Save changed settings and texts; leaving invitation visibility clears the invitation link."""
    require_manager(actor)
    values = _consultation_values(data, consultation)
    _apply(consultation, values)
    changed = changed_attributes(consultation)
    _flush()
    log.info("consultation %s updated by user %s", consultation.slug, actor.id)
    record(actor, "consultation.update", consultation, slug=consultation.slug, changed=changed)
    consultation_saved.send(consultation, actor=actor, created=False)
    return consultation


def regenerate_invite_token(consultation: Consultation, actor) -> str:
    """Replace the invitation link; the old one stops working at once."""
    require_manager(actor)
    if consultation.visibility is not Visibility.INVITATION:
        raise ActionRefused(_l("Only consultations by invitation have an invitation link."))
    consultation.invite_token = new_invite_token()
    db.session.flush()
    log.info("invitation link of consultation %s renewed by user %s", consultation.slug, actor.id)
    record(actor, "consultation.invitation", consultation, slug=consultation.slug)
    return consultation.invite_token


def transition_problem(consultation: Consultation, target: ConsultationStatus):
    """Why ``consultation`` may not move to ``target`` now (a message), or ``None`` if it may."""
    if target not in TRANSITIONS[consultation.status]:
        return _l("A consultation cannot go from “%(current)s” to “%(target)s”.",
                  current=title_of(consultation.status), target=title_of(target))
    if target is ConsultationStatus.DRAFT and contribution_count(consultation):
        return _l("This consultation already has contributions, so it cannot go back to draft.")
    if target is ConsultationStatus.OPEN:
        if not consultation.questions:
            return _l("Please add at least one question before opening the consultation.")
        if consultation.closes_at is not None and consultation.closes_at <= utcnow():
            return _l("The closing time has passed. Please set a later closing time, or none, first.")
    return None


def transition_choices(consultation: Consultation) -> list[tuple[ConsultationStatus, object]]:
    """``(status, problem)`` for each status the current one leads to; ``problem`` is ``None`` when allowed now."""
    return [(s, transition_problem(consultation, s)) for s in TRANSITIONS[consultation.status]]


def allowed_transitions(consultation: Consultation) -> list[ConsultationStatus]:
    """The statuses ``consultation`` may move to now."""
    return [s for s, problem in transition_choices(consultation) if problem is None]


def set_status(consultation: Consultation, status: ConsultationStatus, actor) -> None:
    """Open, close, mark evaluated or return to draft; opening sets a missing opening time to now."""
    require_manager(actor)
    problem = transition_problem(consultation, status)
    if problem is not None:
        raise ActionRefused(problem)
    previous = consultation.status
    consultation.status = status
    if status is ConsultationStatus.OPEN and consultation.opens_at is None:
        consultation.opens_at = utcnow()
    db.session.flush()
    log.info("consultation %s: %s -> %s by user %s", consultation.slug, previous.value, status.value, actor.id)
    record(actor, "consultation.status", consultation, slug=consultation.slug, previous=previous, status=status)
    status_changed.send(consultation, actor=actor, previous=previous)
