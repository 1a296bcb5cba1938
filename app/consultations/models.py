"""Action fields, departments, consultations, questions and their options."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import enum_column, register_titles, title_of  # noqa: F401
from app.core.timeutil import utcnow
from app.extensions import db

Translations = dict  # {lang: text}


class ActionField(db.Model):
    """One of the 13 action fields (Handlungsfelder) of the framework concept."""

    __tablename__ = "action_fields"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    name: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    description: Mapped[Translations] = mapped_column(sa.JSON, default=dict)

    consultations = relationship("Consultation", secondary="consultation_action_fields",
                                 back_populates="action_fields", viewonly=True)


class Department(db.Model):
    """A department (Ressort) of the State of Bremen, or the Bremerhaven administration."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    short_name: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[Translations] = mapped_column(sa.JSON, default=dict)


class ConsultationKind(enum.Enum):
    CROSS_CUTTING = "cross_cutting"
    TOPIC_SPECIFIC = "topic_specific"


class ConsultationStatus(enum.Enum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    EVALUATED = "evaluated"


class Scope(enum.Enum):
    STATE = "state"
    CITY_BREMEN = "city_bremen"
    BREMERHAVEN = "bremerhaven"
    DISTRICT = "district"


class Visibility(enum.Enum):
    PUBLIC = "public"
    INVITATION = "invitation"
    INTERNAL = "internal"


class ModerationMode(enum.Enum):
    POST = "post"
    PRE = "pre"


register_titles({
    ConsultationKind.CROSS_CUTTING: _l("Cross-cutting"),
    ConsultationKind.TOPIC_SPECIFIC: _l("Topic-specific"),
    ConsultationStatus.DRAFT: _l("Draft"),
    ConsultationStatus.OPEN: _l("Open"),
    ConsultationStatus.CLOSED: _l("Closed"),
    ConsultationStatus.EVALUATED: _l("Evaluated"),
    Scope.STATE: _l("State of Bremen"),
    Scope.CITY_BREMEN: _l("City of Bremen"),
    Scope.BREMERHAVEN: _l("Bremerhaven"),
    Scope.DISTRICT: _l("District"),
    Visibility.PUBLIC: _l("Public"),
    Visibility.INVITATION: _l("By invitation"),
    Visibility.INTERNAL: _l("Internal to the administration"),
    ModerationMode.POST: _l("Post-moderation (published at once)"),
    ModerationMode.PRE: _l("Pre-moderation (published after approval)"),
})


consultation_action_fields = sa.Table(
    "consultation_action_fields",
    db.metadata,
    sa.Column("consultation_id", sa.ForeignKey("consultations.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("action_field_id", sa.ForeignKey("action_fields.id", ondelete="CASCADE"), primary_key=True),
)


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    summary: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    body: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    kind: Mapped[ConsultationKind] = mapped_column(enum_column(ConsultationKind), default=ConsultationKind.TOPIC_SPECIFIC)
    status: Mapped[ConsultationStatus] = mapped_column(enum_column(ConsultationStatus), default=ConsultationStatus.DRAFT, index=True)
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    scope: Mapped[Scope] = mapped_column(enum_column(Scope), default=Scope.STATE)
    district: Mapped[str | None] = mapped_column(sa.String(120))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("departments.id", ondelete="SET NULL"))
    allow_anonymous: Mapped[bool] = mapped_column(default=True)
    visibility: Mapped[Visibility] = mapped_column(enum_column(Visibility), default=Visibility.PUBLIC, index=True)
    invite_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    moderation: Mapped[ModerationMode] = mapped_column(enum_column(ModerationMode), default=ModerationMode.POST)
    is_suggestion_box: Mapped[bool] = mapped_column(default=False)
    # Privacy: the consent text shown on the form (translated), and whether the voluntary
    # self-description is offered.
    consent_text: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    asks_self_description: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    department = relationship("Department")
    action_fields = relationship("ActionField", secondary=consultation_action_fields,
                                 back_populates="consultations", order_by="ActionField.position")
    questions = relationship("Question", back_populates="consultation", order_by="Question.position",
                             cascade="all, delete-orphan")
    cohosts = relationship("Organisation", secondary="consultation_cohosts", order_by="Organisation.name")

    @property
    def is_permanent(self) -> bool:
        return self.closes_at is None

    def accepts_contributions(self, now: datetime | None = None) -> bool:
        """Open, and within its opening and closing times."""
        now = now or utcnow()
        return (
            self.status is ConsultationStatus.OPEN
            and (self.opens_at is None or self.opens_at <= now)
            and (self.closes_at is None or now < self.closes_at)
        )

    @property
    def effective_status(self) -> ConsultationStatus:
        """The status a reader sees: an open consultation past its closing time is closed."""
        if self.status is ConsultationStatus.OPEN and self.closes_at is not None and utcnow() >= self.closes_at:
            return ConsultationStatus.CLOSED
        return self.status

    def __repr__(self) -> str:
        return f"<Consultation {self.slug}>"


class QuestionKind(enum.Enum):
    FREE_TEXT = "free_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    SCALE = "scale"

    @property
    def has_options(self) -> bool:
        return self in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


register_titles({
    QuestionKind.FREE_TEXT: _l("Free text"),
    QuestionKind.SINGLE_CHOICE: _l("Single choice"),
    QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"),
    QuestionKind.SCALE: _l("Agreement scale (1–5)"),
})

SCALE_VALUES = (1, 2, 3, 4, 5)


class Question(db.Model):
    __tablename__ = "questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(enum_column(QuestionKind))
    prompt: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    help_text: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    required: Mapped[bool] = mapped_column(default=False)

    consultation = relationship("Consultation", back_populates="questions")
    options = relationship("QuestionOption", back_populates="question", order_by="QuestionOption.position",
                           cascade="all, delete-orphan")


class QuestionOption(db.Model):
    __tablename__ = "question_options"

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[Translations] = mapped_column(sa.JSON, default=dict)

    question = relationship("Question", back_populates="options")


class ConsultationUpdate(db.Model):
    """A news update on a consultation (what happens next, an event report), written by staff or a
    co-hosting organisation; title and body translatable ({lang: text})."""

    __tablename__ = "consultation_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    body: Mapped[Translations] = mapped_column(sa.JSON, default=dict)
    published: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consultation = relationship("Consultation")
    organisation = relationship("Organisation")
    author = relationship("User")
