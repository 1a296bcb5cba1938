"""Flags on contributions and the audit log."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import enum_column, register_titles
from app.core.timeutil import utcnow
from app.extensions import db


class FlagReason(enum.Enum):
    DISCRIMINATORY = "discriminatory"  # discriminatory or hateful
    PERSONAL_DATA = "personal_data"
    SPAM = "spam"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


register_titles({
    FlagReason.DISCRIMINATORY: _l("Discriminatory or hateful"),
    FlagReason.PERSONAL_DATA: _l("Contains personal data"),
    FlagReason.SPAM: _l("Spam or advertising"),
    FlagReason.OFF_TOPIC: _l("Off-topic"),
    FlagReason.OTHER: _l("Other reason"),
})


class Flag(db.Model):
    """A reader's report that a contribution breaks the netiquette. One per reader and contribution:
    ``reporter_key`` is a keyed hash of the account id, or of a random id kept in the browser's
    session for readers without an account (no IP address is stored)."""

    __tablename__ = "flags"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "reporter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    reason: Mapped[FlagReason] = mapped_column(enum_column(FlagReason))
    comment: Mapped[str | None] = mapped_column(sa.String(500))
    reporter_key: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when a moderator decided on the contribution after this flag.
    resolved_at: Mapped[datetime | None]

    contribution = relationship("Contribution")


class AuditEntry(db.Model):
    """Who did what, when and why: moderation, roles, exports, admin actions. Append-only: the
    application refuses to change or delete an entry (see the listeners below)."""

    __tablename__ = "audit_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    # A snapshot of who acted (e-mail and role), kept when the account is deleted later.
    actor_label: Mapped[str] = mapped_column(sa.String(300), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[int | None]
    reason: Mapped[str | None] = mapped_column(sa.Text)
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    actor = relationship("User")


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


@event.listens_for(AuditEntry, "before_update")
def _no_update(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _no_delete(mapper, connection, target):
    raise AuditLogIsAppendOnly("audit entries cannot be deleted")
