"""Organisations, their members and invitations, co-hosting of consultations, statements."""
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


class OrganisationType(enum.Enum):
    MIGRANT_SELF_ORGANISATION = "migrant_self_organisation"
    COUNCIL_FOR_INTEGRATION = "council_for_integration"
    ASSOCIATION = "association"
    WELFARE_ORGANISATION = "welfare_organisation"
    OTHER = "other"


class OrganisationStatus(enum.Enum):
    PENDING = "pending"  # registered, waiting for an administrator
    VERIFIED = "verified"  # may act: co-host, submit statements, invite members
    REJECTED = "rejected"
    SUSPENDED = "suspended"


class MembershipRole(enum.Enum):
    OWNER = "owner"
    MEMBER = "member"
    LANGUAGE_MEDIATOR = "language_mediator"


register_titles({
    OrganisationType.MIGRANT_SELF_ORGANISATION: _l("Migrant self-organisation"),
    OrganisationType.COUNCIL_FOR_INTEGRATION: _l("Council for Integration"),
    OrganisationType.ASSOCIATION: _l("Association"),
    OrganisationType.WELFARE_ORGANISATION: _l("Welfare organisation"),
    OrganisationType.OTHER: _l("Other organisation"),
    OrganisationStatus.PENDING: _l("Awaiting verification"),
    OrganisationStatus.VERIFIED: _l("Verified"),
    OrganisationStatus.REJECTED: _l("Rejected"),
    OrganisationStatus.SUSPENDED: _l("Suspended"),
    MembershipRole.OWNER: _l("Owner"),
    MembershipRole.MEMBER: _l("Member"),
    MembershipRole.LANGUAGE_MEDIATOR: _l("Language mediator"),
})


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    type: Mapped[OrganisationType] = mapped_column(enum_column(OrganisationType), default=OrganisationType.ASSOCIATION)
    status: Mapped[OrganisationStatus] = mapped_column(enum_column(OrganisationStatus),
                                                       default=OrganisationStatus.PENDING, index=True)
    # Language codes it works in (ISO 639-1, from app.i18n.languages.KNOWN_LANGUAGES) and districts.
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    districts: Mapped[list] = mapped_column(sa.JSON, default=list)
    contact_name: Mapped[str | None] = mapped_column(sa.String(120))
    contact_email: Mapped[str] = mapped_column(sa.String(254))
    contact_phone: Mapped[str | None] = mapped_column(sa.String(40))
    website: Mapped[str | None] = mapped_column(sa.String(300))
    # Short self-description, translatable: {lang: text}.
    description: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reviewed_at: Mapped[datetime | None]
    reviewed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    review_note: Mapped[str | None] = mapped_column(sa.String(500))

    memberships = relationship("Membership", back_populates="organisation", cascade="all, delete-orphan")
    created_by = relationship("User", foreign_keys=[created_by_id])
    reviewed_by = relationship("User", foreign_keys=[reviewed_by_id])

    @property
    def is_verified(self) -> bool:
        return self.status is OrganisationStatus.VERIFIED

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


class Membership(db.Model):
    __tablename__ = "memberships"
    __table_args__ = (sa.UniqueConstraint("organisation_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole), default=MembershipRole.MEMBER)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation = relationship("Organisation", back_populates="memberships")
    user = relationship("User")


class Invitation(db.Model):
    """An e-mailed invitation to join an organisation. The link carries a signed token naming this row
    and a random nonce; only the nonce's SHA-256 is stored. Valid for 7 days, used once."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254))
    role: Mapped[MembershipRole] = mapped_column(enum_column(MembershipRole), default=MembershipRole.MEMBER)
    nonce_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    accepted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None]

    organisation = relationship("Organisation")
    invited_by = relationship("User", foreign_keys=[invited_by_id])
    accepted_by = relationship("User", foreign_keys=[accepted_by_id])


consultation_cohosts = sa.Table(
    "consultation_cohosts",
    db.metadata,
    sa.Column("consultation_id", sa.ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("organisation_id", sa.ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Statement(db.Model):
    """An organisation's statement (Stellungnahme) on a consultation. Its text is a contribution with
    channel ``statement`` (so that it counts and is analysed with the rest); this row holds what only
    a statement has: the title and the optional PDF, stored outside ``static/``."""

    __tablename__ = "statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), unique=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    submitted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # The attachment: a random storage name under ATTACHMENT_DIR, the uploader's file name, size, hash.
    attachment_key: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    attachment_filename: Mapped[str | None] = mapped_column(sa.String(200))
    attachment_size: Mapped[int | None]
    attachment_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution = relationship("Contribution")
    organisation = relationship("Organisation")
    consultation = relationship("Consultation")
    submitted_by = relationship("User")
