"""On-site events (an expert day, a neighbourhood workshop) and registrations with a waiting list."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import enum_column, register_titles
from app.core.timeutil import utcnow
from app.extensions import db

Translations = dict  # {lang: text}


class EventStatus(enum.Enum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.Enum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


register_titles({
    EventStatus.SCHEDULED: _l("Scheduled"),
    EventStatus.CANCELLED: _l("Cancelled"),
    RegistrationStatus.CONFIRMED: _l("Confirmed"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
})


class Event(db.Model):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    # Announced by an organisation (a co-host) or by a department (staff); one of the two is set.
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    status: Mapped[EventStatus] = mapped_column(enum_column(EventStatus), default=EventStatus.SCHEDULED)
    title: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    description: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None]
    place_name: Mapped[str] = mapped_column(sa.String(200))
    address: Mapped[str | None] = mapped_column(sa.String(300))
    district: Mapped[str | None] = mapped_column(sa.String(120))
    # Accessibility of the venue: checked features plus free text ({lang: text}).
    step_free: Mapped[bool] = mapped_column(default=False)
    accessible_toilet: Mapped[bool] = mapped_column(default=False)
    hearing_loop: Mapped[bool] = mapped_column(default=False)
    accessibility_notes: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)  # spoken at the event
    interpreters: Mapped[bool] = mapped_column(default=False)  # interpreters present
    interpreter_languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    childcare: Mapped[bool] = mapped_column(default=False)
    registration_required: Mapped[bool] = mapped_column(default=False)
    capacity: Mapped[int | None]  # None: no limit
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    organisation = relationship("Organisation")
    department = relationship("Department")
    registrations = relationship("EventRegistration", back_populates="event", cascade="all, delete-orphan",
                                 order_by="EventRegistration.created_at")


class EventRegistration(db.Model):
    __tablename__ = "event_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    party_size: Mapped[int] = mapped_column(default=1)
    needs_childcare: Mapped[bool] = mapped_column(default=False)
    interpreter_language: Mapped[str | None] = mapped_column(sa.String(8))
    notes: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[RegistrationStatus] = mapped_column(enum_column(RegistrationStatus),
                                                       default=RegistrationStatus.CONFIRMED)
    # The link to cancel carries a random token; only its SHA-256 is stored.
    cancel_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    cancelled_at: Mapped[datetime | None]

    event = relationship("Event", back_populates="registrations")
    user = relationship("User")
