"""Contributions and their answers."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import enum_column, register_titles
from app.core.timeutil import utcnow
from app.extensions import db


class Channel(enum.Enum):
    ONLINE = "online"
    WORKSHOP = "workshop"
    PAPER = "paper"
    STATEMENT = "statement"


class ContributionStatus(enum.Enum):
    PENDING = "pending"
    PUBLISHED = "published"
    HIDDEN = "hidden"


class LanguageSource(enum.Enum):
    """How a contribution's language code was set."""

    DETECTED = "detected"  # by the language detector
    AUTHOR = "author"  # chosen or corrected by the author
    STAFF = "staff"  # set by staff, a mediator or an import


class TranslationSource(enum.Enum):
    HUMAN = "human"
    MACHINE = "machine"


register_titles({
    TranslationSource.HUMAN: _l("Human translation"),
    TranslationSource.MACHINE: _l("Machine translation"),
    Channel.ONLINE: _l("Online"),
    Channel.WORKSHOP: _l("Workshop"),
    Channel.PAPER: _l("Paper"),
    Channel.STATEMENT: _l("Statement"),
    ContributionStatus.PENDING: _l("Awaiting moderation"),
    ContributionStatus.PUBLISHED: _l("Published"),
    ContributionStatus.HIDDEN: _l("Hidden"),
})

answer_choices = sa.Table(
    "answer_choices",
    db.metadata,
    sa.Column("answer_id", sa.ForeignKey("answers.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("option_id", sa.ForeignKey("question_options.id", ondelete="RESTRICT"), primary_key=True),
)


class Contribution(db.Model):
    """One person's (or one group's) submission to a consultation."""

    __tablename__ = "contributions"
    __table_args__ = (
        sa.Index("ix_contributions_consultation_status", "consultation_id", "status"),
        sa.UniqueConstraint("consultation_id", "external_id", name="uq_contributions_consultation_external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    language: Mapped[str] = mapped_column(sa.String(8), default="und")
    language_confidence: Mapped[float | None] = mapped_column(sa.Float)
    language_source: Mapped[LanguageSource] = mapped_column(enum_column(LanguageSource), default=LanguageSource.AUTHOR)
    channel: Mapped[Channel] = mapped_column(enum_column(Channel), default=Channel.ONLINE)
    status: Mapped[ContributionStatus] = mapped_column(enum_column(ContributionStatus), default=ContributionStatus.PUBLISHED)
    # The free-text answers joined in question order: what lists show and the analysis reads.
    text: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Moderation: why a contribution is hidden (shown publicly in place of its text), by whom, when.
    moderation_reason: Mapped[str | None] = mapped_column(sa.String(32))
    moderation_note: Mapped[str | None] = mapped_column(sa.String(500))
    moderated_at: Mapped[datetime | None]
    moderated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Personal data, only with consent, removed by the retention job: an address for a confirmation
    # and for feedback on what happened with the input.
    contact_email: Mapped[str | None] = mapped_column(sa.String(254))
    contact_consent_at: Mapped[datetime | None]
    # Offline input and organisations: the organisation a statement, an assisted entry or an imported
    # row comes from; the workshop or paper round it was gathered in; who typed it in for whom (the
    # person's consent is recorded as ``assisted_consent_at``); an import's own id (idempotent re-import).
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"),
                                                        index=True)
    input_session_id: Mapped[int | None] = mapped_column(sa.ForeignKey("input_sessions.id", ondelete="SET NULL"),
                                                         index=True)
    assisted: Mapped[bool] = mapped_column(default=False)
    assisted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assisted_consent_at: Mapped[datetime | None]
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    external_id: Mapped[str | None] = mapped_column(sa.String(120))

    consultation = relationship("Consultation")
    author = relationship("User", foreign_keys=[author_id])
    moderated_by = relationship("User", foreign_keys=[moderated_by_id])
    organisation = relationship("Organisation")
    input_session = relationship("InputSession", back_populates="contributions")
    assisted_by = relationship("User", foreign_keys=[assisted_by_id])
    entered_by = relationship("User", foreign_keys=[entered_by_id])
    answers = relationship("Answer", back_populates="contribution", cascade="all, delete-orphan")
    translations = relationship("ContributionTranslation", back_populates="contribution",
                                cascade="all, delete-orphan", foreign_keys="ContributionTranslation.contribution_id",
                                order_by="ContributionTranslation.created_at")

    def current_translation(self, language: str) -> "ContributionTranslation | None":
        """The translation into ``language`` readers see: the newest current one."""
        candidates = [t for t in self.translations if t.language == language and t.is_current]
        return max(candidates, key=lambda t: (t.created_at, t.id or 0)) if candidates else None

    def german_translation_text(self) -> str | None:
        """The text of the current German translation of a contribution not written in German
        (what the working group reads beside the original), or None."""
        if (self.language or "").startswith("de"):
            return None
        translation = self.current_translation("de")
        return translation.text if translation is not None and (translation.text or "").strip() else None

    def ordered_answers(self) -> list["Answer"]:
        """Answers in the order of their questions."""
        return sorted(self.answers, key=lambda a: (a.question.position, a.question_id))


class InputSessionFormat(enum.Enum):
    WORKSHOP = "workshop"
    PAPER = "paper"


register_titles({
    InputSessionFormat.WORKSHOP: _l("Workshop"),
    InputSessionFormat.PAPER: _l("Paper round"),
})


class InputSession(db.Model):
    """A workshop or paper round whose contributions are typed in afterwards."""

    __tablename__ = "input_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("events.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    format: Mapped[InputSessionFormat] = mapped_column(enum_column(InputSessionFormat))
    title: Mapped[str] = mapped_column(sa.String(200))
    place: Mapped[str | None] = mapped_column(sa.String(200))
    held_on: Mapped[date]
    organiser: Mapped[str | None] = mapped_column(sa.String(200))
    participant_count: Mapped[int | None]
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    consultation = relationship("Consultation")
    event = relationship("Event")
    organisation = relationship("Organisation")
    created_by = relationship("User")
    contributions = relationship("Contribution", back_populates="input_session")


class Answer(db.Model):
    """The answer to one question: text, a scale value or chosen options."""

    __tablename__ = "answers"
    __table_args__ = (sa.UniqueConstraint("contribution_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("questions.id", ondelete="RESTRICT"), index=True)
    text: Mapped[str | None] = mapped_column(sa.Text)
    scale_value: Mapped[int | None] = mapped_column(sa.SmallInteger)

    contribution = relationship("Contribution", back_populates="answers")
    question = relationship("Question")
    choices = relationship("QuestionOption", secondary=answer_choices, order_by="QuestionOption.position")


class ContributionTranslation(db.Model):
    """A translation of a contribution's text, stored beside the original, never over it.

    Corrections add a new row (``based_on`` the one corrected) and retire the old one
    (``is_current`` False), so the history is kept."""

    __tablename__ = "contribution_translations"
    __table_args__ = (sa.Index("ix_contribution_translations_lookup", "contribution_id", "language", "is_current"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8))
    source_language: Mapped[str] = mapped_column(sa.String(8))
    text: Mapped[str] = mapped_column(sa.Text)
    source: Mapped[TranslationSource] = mapped_column(enum_column(TranslationSource))
    provider: Mapped[str | None] = mapped_column(sa.String(64))
    model: Mapped[str | None] = mapped_column(sa.String(200))
    translator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # A human translation, or a machine translation a person has checked.
    reviewed: Mapped[bool] = mapped_column(default=False)
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contribution_translations.id", ondelete="SET NULL"))
    is_current: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contribution = relationship("Contribution", back_populates="translations", foreign_keys=[contribution_id])
    translator = relationship("User")
    based_on = relationship("ContributionTranslation", remote_side=[id])


class ParticipantProfile(db.Model):
    """Voluntary self-description given with a contribution. Stored apart from the contribution,
    never shown with it, reported only in aggregates of at least five people. Every field is
    optional; ``prefer_not_to_say`` is a value of its own."""

    __tablename__ = "participant_profiles"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), unique=True)
    consultation_id: Mapped[int] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"), index=True)
    age_group: Mapped[str | None] = mapped_column(sa.String(32))
    district: Mapped[str | None] = mapped_column(sa.String(64))
    languages: Mapped[list] = mapped_column(sa.JSON, default=list)
    migration_history: Mapped[str | None] = mapped_column(sa.String(32))
    gender: Mapped[str | None] = mapped_column(sa.String(32))
    disability: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
