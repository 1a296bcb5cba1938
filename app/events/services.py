"""Rules for on-site events: who organises them, who sees them, registration with a waiting list.

Seats: a registration is CONFIRMED when its party fits into what the confirmed registrations leave of
the capacity, and nobody is waiting yet (first come, first served); otherwise it is WAITLISTED. When a
confirmed registration is cancelled (or the capacity raised), waiting registrations are confirmed in
the order they came, as long as the next one fits. Registering and cancelling lock the event row
first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so two requests
never hand out the same seat.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import abort, current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.models import Role
from app.consultations.models import Consultation, ConsultationStatus
from app.consultations.queries import visibility_clause
from app.core.mail import MailError, send_mail, text_body
from app.core.timeutil import utcnow
from app.events.models import Event, EventRegistration, EventStatus, RegistrationStatus
from app.extensions import db
from app.i18n.content import localize
from app.moderation import audit
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.organisations import permissions as org_permissions
from app.organisations.models import Organisation

audit.register_actions({
    "event.create": _l("Event announced"),
    "event.update": _l("Event edited"),
    "event.cancel": _l("Event cancelled"),
})

PARTY_SIZES = range(1, 6)
NAME_MAX = 120
NOTES_MAX = 500
CAPACITY_MAX = 10000


class EventRefused(Exception):
    """An action on an event that may not be done; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


# --- who may ------------------------------------------------------------------------------------

def is_admin(user) -> bool:
    user = _user(user)
    return bool(user and user.role is Role.ADMIN)


def organising_organisations(user, consultation: Consultation) -> list[Organisation]:
    """The verified organisations of ``user`` that co-host ``consultation`` (they may announce events)."""
    return org_permissions.cohosting_organisations(user, consultation)


EVENT_STATUSES = (ConsultationStatus.DRAFT, ConsultationStatus.OPEN)  # consultations that take new events


def accepts_events(consultation: Consultation) -> bool:
    """New events may be announced for a consultation in preparation or open, not for a closed one."""
    return consultation.status in EVENT_STATUSES


def can_create_event(user, consultation: Consultation) -> bool:
    """Administrators (department events) and members of a verified co-host (organisation events)."""
    return is_admin(user) or bool(organising_organisations(user, consultation))


def consultations_for_new_event(user, invite_tokens=(), limit: int = 100) -> list[Consultation]:
    """Consultations ``user`` may announce an event for (visible, not yet closed or evaluated):
    every one for administrators, the co-hosted ones for members of a verified co-host."""
    stmt = sa.select(Consultation).where(visibility_clause(user, invite_tokens),
                                         Consultation.status.in_(EVENT_STATUSES))
    if not is_admin(user):
        ids = org_permissions.cohosted_consultation_ids(user)
        if not ids:
            return []
        stmt = stmt.where(Consultation.id.in_(ids))
    return list(db.session.scalars(stmt.order_by(Consultation.created_at.desc(), Consultation.id.desc()).limit(limit)))


def can_manage_event(user, event: Event) -> bool:
    """Edit, see registrations, cancel: administrators; for an organisation's event also the members
    of that organisation while it is verified and co-hosts the event's consultation."""
    if is_admin(user):
        return True
    if event.organisation_id is None:
        return False
    return any(o.id == event.organisation_id for o in organising_organisations(user, event.consultation))


# --- reading ------------------------------------------------------------------------------------

def visible_events(user, invite_tokens=()):
    """``select(Event)`` of events whose consultation ``user`` may see."""
    return (sa.select(Event).join(Event.consultation).where(visibility_clause(user, invite_tokens))
            .options(selectinload(Event.consultation), selectinload(Event.organisation),
                     selectinload(Event.department)))


def upcoming_clause(now=None):
    now = now or utcnow()
    return sa.or_(Event.starts_at >= now, sa.and_(Event.ends_at.is_not(None), Event.ends_at >= now))


def upcoming_events(user, invite_tokens=(), consultation: Consultation | None = None) -> list[Event]:
    stmt = visible_events(user, invite_tokens).where(upcoming_clause())
    if consultation is not None:
        stmt = stmt.where(Event.consultation_id == consultation.id)
    return list(db.session.scalars(stmt.order_by(Event.starts_at, Event.id)))


def get_visible_event_or_404(event_id: int, user, invite_tokens=()) -> Event:
    event = db.session.scalars(visible_events(user, invite_tokens).where(Event.id == event_id)).first()
    if event is None:
        abort(404)
    return event


def is_past(event: Event, now=None) -> bool:
    now = now or utcnow()
    return (event.ends_at or event.starts_at) < now


def expired_registrations_clause(days: int, now=None):
    """Registrations of events that ended more than ``days`` days ago (cancelled events included)."""
    limit = (now or utcnow()) - timedelta(days=days)
    ended = sa.select(Event.id).where(sa.func.coalesce(Event.ends_at, Event.starts_at) < limit)
    return EventRegistration.event_id.in_(ended)


def purge_past_registrations(days: int, *, dry_run: bool = False, now=None) -> int:
    """Delete the registrations (names, e-mail addresses, needs) of events that ended more than
    ``days`` days ago: the retention rule of the privacy notice. Returns how many; flushes."""
    clause = expired_registrations_clause(days, now)
    count = db.session.scalar(sa.select(sa.func.count(EventRegistration.id)).where(clause)) or 0
    if count and not dry_run:
        db.session.execute(sa.delete(EventRegistration).where(clause).execution_options(synchronize_session=False))
        db.session.expire_all()
        db.session.flush()
    return count


def confirmed_seats(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(EventRegistration.party_size), 0)).where(
        EventRegistration.event_id == event.id,
        EventRegistration.status == RegistrationStatus.CONFIRMED)) or 0


def waiting_count(event: Event) -> int:
    return db.session.scalar(sa.select(sa.func.count(EventRegistration.id)).where(
        EventRegistration.event_id == event.id,
        EventRegistration.status == RegistrationStatus.WAITLISTED)) or 0


@dataclass(frozen=True)
class Seats:
    capacity: int | None
    taken: int
    waiting: int

    @property
    def left(self) -> int | None:
        return None if self.capacity is None else max(0, self.capacity - self.taken)


def seats(event: Event) -> Seats:
    return Seats(event.capacity, confirmed_seats(event), waiting_count(event))


def registrations_of(event: Event) -> list[EventRegistration]:
    return list(db.session.scalars(sa.select(EventRegistration).where(EventRegistration.event_id == event.id)
                                   .order_by(EventRegistration.created_at, EventRegistration.id)))


def language_names(codes) -> list[str]:
    return [CONTRIBUTION_LANGUAGES[c].native_name if c in CONTRIBUTION_LANGUAGES else c for c in codes or []]


# --- organising ---------------------------------------------------------------------------------

EVENT_FIELDS = ("starts_at", "ends_at", "place_name", "address", "district", "step_free", "accessible_toilet",
                "hearing_loop", "languages", "interpreters", "interpreter_languages", "childcare",
                "registration_required", "capacity")
TEXT_FIELDS = ("title", "description", "accessibility_notes")


def _check_event_data(data: dict, *, new: bool) -> None:
    if not (data.get("title") or "").strip():
        raise EventRefused("title")
    if not (data.get("place_name") or "").strip():
        raise EventRefused("place")
    starts, ends = data.get("starts_at"), data.get("ends_at")
    if starts is None:
        raise EventRefused("starts_at")
    if new and starts < utcnow():
        raise EventRefused("past")
    if ends is not None and ends <= starts:
        raise EventRefused("ends_at")
    capacity = data.get("capacity")
    if capacity is not None and not 1 <= capacity <= CAPACITY_MAX:
        raise EventRefused("capacity")
    for code in [*(data.get("languages") or []), *(data.get("interpreter_languages") or [])]:
        if code not in CONTRIBUTION_LANGUAGES or code == "und":
            raise EventRefused("language")


def _apply(event: Event, data: dict, text_language: str) -> None:
    for name in EVENT_FIELDS:
        if name in data:
            setattr(event, name, data[name])
    if not event.interpreters:
        event.interpreter_languages = []
    for name in TEXT_FIELDS:
        value = (data.get(name) or "").strip()
        texts = dict(getattr(event, name) or {})
        if value:
            texts[text_language] = value
        else:
            texts.pop(text_language, None)
        setattr(event, name, texts)


def create_event(consultation: Consultation, user, data: dict, *, text_language: str,
                 organisation: Organisation | None = None, department=None) -> Event:
    """An event announced by ``organisation`` (a co-host the user acts for) or, by an administrator,
    for ``department``. Flushes, does not commit; writes the audit log."""
    if not accepts_events(consultation):
        raise EventRefused("consultation_closed")
    if organisation is not None:
        if organisation.id not in {o.id for o in organising_organisations(user, consultation)}:
            raise EventRefused("organiser")
    elif not (is_admin(user) and department is not None):
        raise EventRefused("organiser")
    _check_event_data(data, new=True)
    event = Event(consultation=consultation, organisation=organisation, department=department,
                  created_by_id=user.id, status=EventStatus.SCHEDULED)
    _apply(event, data, text_language)
    db.session.add(event)
    db.session.flush()
    audit.record(user, "event.create", event, consultation=consultation.slug,
                 organisation=organisation.slug if organisation else None)
    return event


def update_event(event: Event, user, data: dict, *, text_language: str) -> list[EventRegistration]:
    """Change an event; a raised capacity confirms waiting registrations (returned, to be mailed after
    the commit). Flushes, does not commit."""
    if not can_manage_event(user, event):
        raise EventRefused("organiser")
    _check_event_data(data, new=False)
    _lock(event)
    _apply(event, data, text_language)
    changed = audit.changed_attributes(event)
    db.session.flush()
    promoted = _promote_waiting(event)
    audit.record(user, "event.update", event, changed=changed)
    db.session.flush()
    return promoted


def cancel_event(event: Event, user, reason: str | None = None) -> list[EventRegistration]:
    """Cancel the event; returns the registrations to tell (with an e-mail address). Flushes."""
    if not can_manage_event(user, event):
        raise EventRefused("organiser")
    _lock(event)
    if event.status is EventStatus.CANCELLED:
        raise EventRefused("cancelled")
    event.status = EventStatus.CANCELLED
    audit.record(user, "event.cancel", event, reason=reason)
    db.session.flush()
    return [r for r in registrations_of(event)
            if r.status is not RegistrationStatus.CANCELLED and r.email]


# --- registering --------------------------------------------------------------------------------

def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _lock(event: Event) -> None:
    """Lock the event row for the rest of the transaction (PostgreSQL; SQLite ignores FOR UPDATE and
    serialises writers itself) and reload it."""
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    db.session.refresh(event)


def check_open_for_registration(event: Event) -> None:
    if event.status is EventStatus.CANCELLED:
        raise EventRefused("cancelled")
    if is_past(event):
        raise EventRefused("past")
    if not event.registration_required:
        raise EventRefused("no_registration")


def register(event: Event, *, name: str, email: str | None = None, party_size: int = 1,
             needs_childcare: bool = False, interpreter_language: str | None = None, notes: str | None = None,
             user=None) -> tuple[EventRegistration, str]:
    """Register a party for ``event``: confirmed if it fits, else on the waiting list. Returns the
    registration and the cancel token (shown or mailed once; only its hash is stored). Flushes."""
    _lock(event)
    check_open_for_registration(event)
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX or "\x00" in name:
        raise EventRefused("name")
    if party_size not in PARTY_SIZES:
        raise EventRefused("party_size")
    if interpreter_language and interpreter_language not in (event.interpreter_languages or []):
        raise EventRefused("interpreter_language")
    if needs_childcare and not event.childcare:
        raise EventRefused("childcare")
    notes = (notes or "").strip() or None
    if notes and (len(notes) > NOTES_MAX or "\x00" in notes):
        raise EventRefused("notes")
    fits = event.capacity is None or (waiting_count(event) == 0
                                      and confirmed_seats(event) + party_size <= event.capacity)
    token = secrets.token_urlsafe(32)
    registration = EventRegistration(
        event=event, user_id=user.id if _user(user) else None, name=name, email=(email or "").strip() or None,
        party_size=party_size, needs_childcare=bool(needs_childcare), interpreter_language=interpreter_language or None,
        notes=notes, status=RegistrationStatus.CONFIRMED if fits else RegistrationStatus.WAITLISTED,
        cancel_token_hash=hash_token(token))
    db.session.add(registration)
    db.session.flush()
    return registration, token


def registration_by_token_or_404(token: str) -> EventRegistration:
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        abort(404)
    registration = db.session.scalars(sa.select(EventRegistration).where(
        EventRegistration.cancel_token_hash == hash_token(token))).first()
    if registration is None:
        abort(404)
    return registration


def cancel_registration(registration: EventRegistration) -> list[EventRegistration]:
    """Cancel one registration; confirms waiting ones that now fit (returned, to be mailed). Flushes."""
    event = registration.event
    _lock(event)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        raise EventRefused("already_cancelled")
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    db.session.flush()
    return _promote_waiting(event)


def _promote_waiting(event: Event) -> list[EventRegistration]:
    """Confirm waiting registrations in order while the next one fits (call with the event locked)."""
    if event.status is EventStatus.CANCELLED:
        return []
    waiting = list(db.session.scalars(sa.select(EventRegistration).where(
        EventRegistration.event_id == event.id, EventRegistration.status == RegistrationStatus.WAITLISTED)
        .order_by(EventRegistration.created_at, EventRegistration.id)))
    taken = confirmed_seats(event)
    promoted = []
    for registration in waiting:
        if event.capacity is not None and taken + registration.party_size > event.capacity:
            break
        registration.status = RegistrationStatus.CONFIRMED
        taken += registration.party_size
        promoted.append(registration)
    db.session.flush()
    return promoted


# --- mail ---------------------------------------------------------------------------------------

def cancel_url(token: str, lang: str) -> str:
    return url_for("events.cancel_registration", lang=lang, token=token, _external=True)


def _event_title(event: Event, lang: str) -> str:
    return localize(event.title, lang).text


def _send(to: str, subject: str, body: str) -> None:
    try:
        send_mail(to, subject, body)
    except MailError:
        current_app.logger.exception("Mail about an event registration could not be sent")


def mail_registration(registration: EventRegistration, token: str, lang: str) -> None:
    """Confirmation (or waiting-list notice) with the link to cancel; only with an e-mail address."""
    if not registration.email:
        return
    event = registration.event
    with force_locale(lang):
        title = _event_title(event, lang)
        if registration.status is RegistrationStatus.CONFIRMED:
            subject = _("Your registration for %(title)s", title=title)
            first = _("You are registered for “%(title)s”.", title=title)
        else:
            subject = _("Waiting list: %(title)s", title=title)
            first = _("“%(title)s” is full. You are on the waiting list; we will write to you if a place "
                      "becomes free.", title=title)
        body = text_body(first, _("To cancel your registration, open this link: %(url)s", url=cancel_url(token, lang)))
    _send(registration.email, subject, body)


def mail_promoted(registrations, lang: str) -> None:
    for registration in registrations:
        if not registration.email:
            continue
        with force_locale(lang):
            title = _event_title(registration.event, lang)
            subject = _("A place is free for you: %(title)s", title=title)
            body = text_body(_("A place has become free: your registration for “%(title)s” is now confirmed.",
                               title=title),
                             _("If you cannot come, please cancel with the link from your first e-mail."))
        _send(registration.email, subject, body)


def mail_event_cancelled(event: Event, registrations, lang: str, message: str | None = None) -> None:
    for registration in registrations:
        with force_locale(lang):
            title = _event_title(event, lang)
            subject = _("Cancelled: %(title)s", title=title)
            body = text_body(_("We are sorry: the event “%(title)s” has been cancelled.", title=title),
                             *([message] if message else []))
        _send(registration.email, subject, body)
