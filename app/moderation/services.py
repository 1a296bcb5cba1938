"""Moderation rules: readers' reports (flags), hiding a contribution reported by three people,
the moderation queue, and moderators' decisions (approve, hide with a reason, restore).

Every decision resolves the open reports of the contribution and is written to the audit log.
Services take the acting user explicitly, flush and never commit: the request commits once.
"""
from __future__ import annotations

import enum
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import abort, current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation
from app.contributions.models import Answer, Contribution, ContributionStatus
from app.core.enums import register_titles, title_of
from app.core.timeutil import utcnow
from app.extensions import db
from app.moderation import audit, permissions
from app.moderation.models import Flag, FlagReason

FLAG_THRESHOLD = 3  # distinct readers whose open reports hide a contribution at once
HIDDEN_BY_FLAGS = "flagged"  # moderation_reason of a contribution hidden by reports
COMMENT_MAX = NOTE_MAX = 500
MAX_ID = 2**31 - 1
CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n\r\t"} | {"\x7f"}


class Decision(enum.Enum):
    APPROVE = "approve"  # publish a pending contribution, or keep a reported one published
    HIDE = "hide"
    RESTORE = "restore"  # publish a hidden contribution again


class QueueView(enum.Enum):
    PENDING = "pending"
    FLAGGED = "flagged"
    HIDDEN = "hidden"


# The decisions the bulk form offers in each part of the queue.
VIEW_DECISIONS = {
    QueueView.PENDING: (Decision.APPROVE, Decision.HIDE),
    QueueView.FLAGGED: (Decision.APPROVE, Decision.HIDE),
    QueueView.HIDDEN: (Decision.RESTORE, Decision.HIDE),
}

register_titles({
    Decision.APPROVE: _l("Approve (publish)"),
    Decision.HIDE: _l("Hide"),
    Decision.RESTORE: _l("Restore (publish again)"),
    QueueView.PENDING: _l("Awaiting approval"),
    QueueView.FLAGGED: _l("Reported"),
    QueueView.HIDDEN: _l("Hidden"),
})


class ModerationRefused(Exception):
    """A report or decision that may not be stored; ``reason`` is a stable code
    (``not_published``, ``comment``, ``note``, ``reason``, ``state``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def refusal_message(reason: str) -> str:
    """A translated explanation of a :class:`ModerationRefused` code."""
    return {
        "not_published": _("Only published contributions can be reported."),
        "comment": _("Please write at most %(max)d characters, without control characters.", max=COMMENT_MAX),
        "note": _("Please write at most %(max)d characters, without control characters.", max=NOTE_MAX),
        "reason": _("Please choose a reason for hiding the contribution."),
        "state": _("This decision is not possible for the contribution in its current state."),
    }.get(reason, _("This could not be done."))


def _clean_text(value: str | None, maximum: int, code: str) -> str | None:
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > maximum or any(ch in CONTROL for ch in text):
        raise ModerationRefused(code)
    return text or None


# --- reports ------------------------------------------------------------------------------

def new_reader_id() -> str:
    """A random id for a reader without an account, kept in their browser's session."""
    return secrets.token_urlsafe(18)


def reporter_key(user=None, reader_id: str | None = None) -> str:
    """The keyed hash identifying one reporter: of ``user:<id>`` for an account, else of the
    session's random reader id. Never derived from an IP address."""
    if user is not None and getattr(user, "is_authenticated", False):
        message = f"user:{user.id}"
    elif reader_id:
        message = reader_id
    else:
        raise ValueError("a reporter needs an account or a reader id")
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class FlagOutcome:
    counted: bool  # False: this reader had reported the contribution before
    hidden: bool  # True: this report hid the contribution


def open_reporters(contribution: Contribution) -> int:
    """How many different readers reported the contribution since the last decision."""
    return db.session.scalar(sa.select(sa.func.count(sa.distinct(Flag.reporter_key))).where(
        Flag.contribution_id == contribution.id, Flag.resolved_at.is_(None))) or 0


def flag_contribution(contribution: Contribution, reason: FlagReason, comment: str | None, key: str) -> FlagOutcome:
    """Store one reader's report; the third reader's report hides the contribution until a
    moderator decides. A second report by the same reader is not counted."""
    if not permissions.can_flag(contribution):
        raise ModerationRefused("not_published")
    if not isinstance(reason, FlagReason):
        raise ModerationRefused("reason")
    comment = _clean_text(comment, COMMENT_MAX, "comment")
    if not isinstance(key, str) or not 0 < len(key) <= 64:
        raise ValueError("bad reporter key")
    exists = sa.select(Flag.id).where(Flag.contribution_id == contribution.id, Flag.reporter_key == key)
    if db.session.scalar(exists) is not None:
        return FlagOutcome(counted=False, hidden=False)
    try:
        with db.session.begin_nested():
            db.session.add(Flag(contribution_id=contribution.id, reason=reason, comment=comment, reporter_key=key))
    except IntegrityError:  # the same reader, twice at the same moment
        return FlagOutcome(counted=False, hidden=False)
    reporters = open_reporters(contribution)
    if reporters < FLAG_THRESHOLD:
        return FlagOutcome(counted=True, hidden=False)
    contribution.status = ContributionStatus.HIDDEN
    contribution.moderation_reason = HIDDEN_BY_FLAGS
    contribution.moderation_note = None
    contribution.moderated_at = utcnow()
    contribution.moderated_by_id = None
    db.session.flush()
    audit.record(None, "contribution.auto_hide", contribution, reason=HIDDEN_BY_FLAGS, reporters=reporters,
                 consultation=contribution.consultation_id)
    return FlagOutcome(counted=True, hidden=True)


def hidden_notice(contribution: Contribution) -> str | None:
    """What readers see in place of a hidden contribution's text (``None`` when not hidden)."""
    if contribution.status is not ContributionStatus.HIDDEN:
        return None
    try:
        reason = FlagReason(contribution.moderation_reason)
    except ValueError:  # hidden by reports, not yet checked
        return _("This contribution is hidden until a moderator has checked it.")
    return _("Hidden by moderation: %(reason)s", reason=title_of(reason))


# --- decisions ----------------------------------------------------------------------------

def view_of(contribution: Contribution) -> QueueView:
    """The part of the queue a contribution belongs in (published ones: among the reported)."""
    return {ContributionStatus.PENDING: QueueView.PENDING,
            ContributionStatus.HIDDEN: QueueView.HIDDEN}.get(contribution.status, QueueView.FLAGGED)


def allowed_decisions(contribution: Contribution) -> list[Decision]:
    """What a moderator may decide now: approve or hide what is pending; keep a reported
    contribution published or hide it; restore a hidden one or change its reason."""
    if contribution.status is ContributionStatus.PENDING:
        return [Decision.APPROVE, Decision.HIDE]
    if contribution.status is ContributionStatus.HIDDEN:
        return [Decision.RESTORE, Decision.HIDE]
    return [Decision.APPROVE, Decision.HIDE] if open_reporters(contribution) else [Decision.HIDE]


def check_decision_input(decision: Decision, reason: FlagReason | None, note: str | None) -> str | None:
    """Check what a moderator entered; returns the cleaned note or raises :class:`ModerationRefused`."""
    if not isinstance(decision, Decision):
        raise ModerationRefused("state")
    if decision is Decision.HIDE and not isinstance(reason, FlagReason):
        raise ModerationRefused("reason")
    return _clean_text(note, NOTE_MAX, "note")


def decide(contribution: Contribution, decision: Decision, actor, reason: FlagReason | None = None,
           note: str | None = None) -> None:
    """Apply one decision: resolve the open reports, record who decided and why, write the audit entry."""
    if not permissions.can_moderate(actor, contribution.consultation):
        raise PermissionError("only moderators may decide on contributions")
    note = check_decision_input(decision, reason, note)
    if decision not in allowed_decisions(contribution):
        raise ModerationRefused("state")
    _apply(contribution, decision, actor, reason, note)


def _apply(contribution: Contribution, decision: Decision, actor, reason: FlagReason | None, note: str | None):
    now = utcnow()
    previous = contribution.status
    if decision is Decision.HIDE:
        contribution.status = ContributionStatus.HIDDEN
        contribution.moderation_reason = reason.value
    else:
        contribution.status = ContributionStatus.PUBLISHED
        contribution.moderation_reason = None
    contribution.moderation_note = note
    contribution.moderated_at = now
    contribution.moderated_by_id = actor.id
    flags = db.session.scalars(sa.select(Flag).where(Flag.contribution_id == contribution.id,
                                                     Flag.resolved_at.is_(None))).all()
    for flag in flags:
        flag.resolved_at = now
    db.session.flush()
    audit.record(actor, f"contribution.{decision.value}", contribution,
                 reason=reason.value if decision is Decision.HIDE else note,
                 note=note, previous_status=previous, status=contribution.status,
                 resolved_flags=len(flags), consultation=contribution.consultation_id)


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)
    skipped: list[int] = field(default_factory=list)


def decide_many(contribution_ids: list[int], decision: Decision, actor, reason: FlagReason | None = None,
                note: str | None = None) -> BulkOutcome:
    """Apply one decision to several contributions; those it does not fit (their state changed,
    or they are gone, or not the actor's to moderate) are skipped and reported back."""
    note = check_decision_input(decision, reason, note)
    ids = list(dict.fromkeys(i for i in contribution_ids if isinstance(i, int) and 0 < i <= MAX_ID))
    found = {c.id: c for c in db.session.scalars(
        sa.select(Contribution).where(Contribution.id.in_(ids)).options(selectinload(Contribution.consultation)))}
    outcome = BulkOutcome()
    for contribution_id in ids:
        contribution = found.get(contribution_id)
        if (contribution is None or not permissions.can_moderate(actor, contribution.consultation)
                or decision not in allowed_decisions(contribution)):
            outcome.skipped.append(contribution_id)
            continue
        _apply(contribution, decision, actor, reason, note)
        outcome.done.append(contribution_id)
    return outcome


# --- the queue ----------------------------------------------------------------------------

def _open_counts():
    return (sa.select(Flag.contribution_id.label("contribution_id"), sa.func.count(Flag.id).label("n"))
            .where(Flag.resolved_at.is_(None)).group_by(Flag.contribution_id).subquery())


def _moderated_by(stmt, user):
    """Limit ``stmt`` (over contributions) to what ``user`` may moderate."""
    user = permissions._user(user)
    if user is not None and user.role in permissions.MODERATOR_ROLES:  # every consultation
        return stmt
    from app.organisations.permissions import cohosted_consultation_ids

    ids = cohosted_consultation_ids(user)  # members of a co-hosting organisation: its consultations
    return stmt.where(Contribution.consultation_id.in_(ids)) if ids else stmt.where(sa.false())


def queue(view: QueueView, user, consultation_id: int | None = None):
    """``select()`` of the contributions in one part of the queue: pending (oldest first), reported
    while published (most reports first) or hidden (latest decision first)."""
    counts = _open_counts()
    stmt = sa.select(Contribution).options(
        selectinload(Contribution.consultation),
        selectinload(Contribution.answers).selectinload(Answer.question),
        selectinload(Contribution.answers).selectinload(Answer.choices))
    if view is QueueView.PENDING:
        stmt = stmt.where(Contribution.status == ContributionStatus.PENDING).order_by(
            Contribution.created_at, Contribution.id)
    elif view is QueueView.FLAGGED:
        stmt = stmt.join(counts, counts.c.contribution_id == Contribution.id).where(
            Contribution.status == ContributionStatus.PUBLISHED).order_by(
            counts.c.n.desc(), Contribution.created_at, Contribution.id)
    else:
        stmt = stmt.where(Contribution.status == ContributionStatus.HIDDEN).order_by(
            sa.func.coalesce(Contribution.moderated_at, Contribution.updated_at).desc(), Contribution.id.desc())
    if consultation_id is not None:
        stmt = stmt.where(Contribution.consultation_id == consultation_id)
    return _moderated_by(stmt, user)


def queue_counts(user, consultation_id: int | None = None) -> dict[QueueView, int]:
    """How many contributions each part of the queue holds."""
    result = {}
    for view in QueueView:
        stmt = queue(view, user, consultation_id).options().order_by(None)
        result[view] = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.subquery())) or 0
    return result


def queue_consultations(user) -> list[Consultation]:
    """Consultations ``user`` may moderate, for the queue's filter; newest first."""
    consultations = db.session.scalars(
        sa.select(Consultation).order_by(Consultation.created_at.desc(), Consultation.id.desc())).all()
    return [c for c in consultations if permissions.can_moderate(user, c)]


@dataclass
class FlagSummary:
    reporters: int = 0
    reasons: list[tuple[FlagReason, int]] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)


def flag_summaries(contribution_ids) -> dict[int, FlagSummary]:
    """The open reports of each contribution: how many, which reasons how often, the comments."""
    ids = list(contribution_ids)
    summaries: dict[int, FlagSummary] = {}
    if not ids:
        return summaries
    flags = db.session.scalars(sa.select(Flag).where(Flag.contribution_id.in_(ids), Flag.resolved_at.is_(None))
                               .order_by(Flag.created_at, Flag.id)).all()
    reasons: dict[int, dict[FlagReason, int]] = {}
    for flag in flags:
        summary = summaries.setdefault(flag.contribution_id, FlagSummary())
        summary.reporters += 1
        counts = reasons.setdefault(flag.contribution_id, {})
        counts[flag.reason] = counts.get(flag.reason, 0) + 1
        if flag.comment:
            summary.comments.append(flag.comment)
    for contribution_id, counts in reasons.items():
        summaries[contribution_id].reasons = sorted(counts.items(), key=lambda item: (-item[1], item[0].value))
    return summaries


def get_for_moderation_or_404(contribution_id: int, user) -> Contribution:
    """A contribution ``user`` may moderate, with its answers, else 404."""
    contribution = db.session.scalars(
        sa.select(Contribution).where(Contribution.id == contribution_id).options(
            selectinload(Contribution.consultation),
            selectinload(Contribution.answers).selectinload(Answer.question),
            selectinload(Contribution.answers).selectinload(Answer.choices))
    ).first() if 0 < contribution_id <= MAX_ID else None
    if contribution is None or not permissions.can_moderate(user, contribution.consultation):
        abort(404)
    return contribution
