"""What the analysis keeps: cached embeddings, summary runs, themes and their members, a codebook."""
from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.enums import enum_column, register_titles
from app.core.timeutil import utcnow
from app.extensions import db


class ContributionEmbedding(db.Model):
    """A contribution's vector under one model, computed once when it is stored (a job) and cached.
    ``text_hash`` is the SHA-256 of the embedded text, so an edited text is embedded again."""

    __tablename__ = "contribution_embeddings"

    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"),
                                                 primary_key=True)
    model: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    dim: Mapped[int]
    vector: Mapped[bytes] = mapped_column(sa.LargeBinary)  # float32, little-endian, L2-normalised
    text_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RunStatus(enum.Enum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


register_titles({
    RunStatus.QUEUED: _l("Queued"),
    RunStatus.RUNNING: _l("Running"),
    RunStatus.DONE: _l("Done"),
    RunStatus.FAILED: _l("Failed"),
})


class AnalysisRun(db.Model):
    """One computed summary of a scope (a consultation, or an action field and a date range): its
    method, model, parameters and input hash (to reproduce it), progress, result, approval."""

    __tablename__ = "analysis_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    # "consultation:<id>" or "field:<slug>:<from>:<to>" (dates ISO, empty for open ends).
    scope_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    consultation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("consultations.id", ondelete="CASCADE"),
                                                        index=True)
    status: Mapped[RunStatus] = mapped_column(enum_column(RunStatus), default=RunStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)  # percent
    progress_message: Mapped[str | None] = mapped_column(sa.String(200))
    parameters: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # what the analyst asked for (k, ...)
    method: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # backend, model, params, k and how chosen
    input_hash: Mapped[str | None] = mapped_column(sa.String(64))
    result: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # stats, campaigns, unassigned ids
    error: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    approved_at: Mapped[datetime | None]
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    # Shown on the consultation's public page ("What we heard"): only a consultation's latest finished,
    # approved run; cleared when the approval is withdrawn (app/analysis/runs.py publish_run).
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    consultation = relationship("Consultation")
    created_by = relationship("User", foreign_keys=[created_by_id])
    approved_by = relationship("User", foreign_keys=[approved_by_id])
    published_by = relationship("User", foreign_keys=[published_by_id])


class Theme(db.Model):
    """A theme of a scope. Computed themes are replaced by a full recomputation; themes an analyst has
    named (``named``) are kept and matched to the new clusters."""

    __tablename__ = "themes"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    label: Mapped[str] = mapped_column(sa.String(200))
    named: Mapped[bool] = mapped_column(default=False)  # label set by an analyst
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list)
    representative_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    is_minority: Mapped[bool] = mapped_column(default=False)
    centroid: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    position: Mapped[int] = mapped_column(default=0)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("analysis_runs.id", ondelete="SET NULL"))
    # A machine-written summary in German (app/analysis/abstracts.py), only with SUMMARY_PROVIDER set;
    # dropped when analysts change the theme's contributions, rewritten by a recomputation.
    abstract: Mapped[str | None] = mapped_column(sa.Text)
    abstract_model: Mapped[str | None] = mapped_column(sa.String(200))
    abstract_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    assignments = relationship("ThemeAssignment", back_populates="theme", cascade="all, delete-orphan")


class AssignmentSource(enum.Enum):
    COMPUTED = "computed"  # by a run, or on arrival by nearest theme
    ANALYST = "analyst"  # moved by an analyst: kept by recomputations


class ThemeAssignment(db.Model):
    """A contribution's theme within a scope (at most one per scope)."""

    __tablename__ = "theme_assignments"
    __table_args__ = (sa.UniqueConstraint("scope_key", "contribution_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope_key: Mapped[str] = mapped_column(sa.String(200))
    theme_id: Mapped[int] = mapped_column(sa.ForeignKey("themes.id", ondelete="CASCADE"), index=True)
    contribution_id: Mapped[int] = mapped_column(sa.ForeignKey("contributions.id", ondelete="CASCADE"), index=True)
    source: Mapped[AssignmentSource] = mapped_column(enum_column(AssignmentSource), default=AssignmentSource.COMPUTED)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    assigned_at: Mapped[datetime] = mapped_column(default=utcnow)

    theme = relationship("Theme", back_populates="assignments")
    contribution = relationship("Contribution")


contribution_codes = sa.Table(
    "contribution_codes",
    db.metadata,
    sa.Column("contribution_id", sa.ForeignKey("contributions.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("code_id", sa.ForeignKey("codes.id", ondelete="CASCADE"), primary_key=True, index=True),
    sa.Column("coded_by_id", sa.ForeignKey("users.id", ondelete="SET NULL")),
    sa.Column("coded_at", sa.DateTime, default=utcnow),
)


class Code(db.Model):
    """An entry of the analysts' codebook (qualitative content analysis)."""

    __tablename__ = "codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), unique=True)
    description: Mapped[str | None] = mapped_column(sa.String(1000))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("codes.id", ondelete="SET NULL"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent = relationship("Code", remote_side=[id])
    contributions = relationship("Contribution", secondary=contribution_codes, viewonly=True)
