"""The audit log: who did what, when and why, for moderation decisions, role changes, exports and
staff actions. :func:`record` is the only way entries are written; they are never changed or
deleted by the application (see the listeners on :class:`AuditEntry`).

Action names are stable dotted English words (``contribution.hide``); their display titles are
registered here (other modules may add theirs with :func:`register_actions`).
"""
from __future__ import annotations

import enum
import re
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.moderation.models import AuditEntry

ACTION_RE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*")
LABEL_MAX = 300
SYSTEM_LABEL = "system"

_ACTION_TITLES: dict[str, object] = {}


def register_actions(titles: dict[str, object]) -> None:
    """Register translated (lazy) titles of audit actions, shown on the audit page."""
    _ACTION_TITLES.update(titles)


register_actions({
    "contribution.approve": _l("Contribution approved"),
    "contribution.hide": _l("Contribution hidden"),
    "contribution.restore": _l("Contribution restored"),
    "contribution.auto_hide": _l("Contribution hidden after reports"),
    "consultation.create": _l("Consultation created"),
    "consultation.update": _l("Consultation edited"),
    "consultation.status": _l("Consultation status changed"),
    "consultation.invitation": _l("Invitation link renewed"),
    "question.create": _l("Question added"),
    "question.update": _l("Question edited"),
    "question.delete": _l("Question deleted"),
    "question.move": _l("Question moved"),
    "action_field.update": _l("Action field edited"),
    "user.create": _l("Account created by an administrator"),
    "user.role": _l("Role changed"),
})


def action_title(action: str):
    """The translated title of an action, or the action name itself when none is registered."""
    return _ACTION_TITLES.get(action, action)


def reason_title(reason: str | None):
    """An entry's reason for display: the title of a report reason, else the text as written."""
    from app.core.enums import title_of
    from app.moderation.models import FlagReason

    if reason == "flagged":
        return _l("Reported by several readers")
    try:
        return title_of(FlagReason(reason))
    except ValueError:
        return reason


def known_actions() -> list[str]:
    """Every action with a title, and every action found in the log, sorted."""
    found = db.session.scalars(sa.select(AuditEntry.action).distinct()).all()
    return sorted(set(_ACTION_TITLES) | set(found))


def actor_label(actor) -> str:
    """A snapshot of who acted (e-mail and role), kept when the account is deleted later."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        return SYSTEM_LABEL
    role = getattr(actor, "role", None)
    label = f"{actor.email} ({role.value})" if role is not None else actor.email
    return label[:LABEL_MAX]


def object_type(obj) -> str:
    """``ActionField`` -> ``action_field``: the stored name of an object's kind."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", type(obj).__name__).lower()


def _plain(value):
    """``value`` as JSON data: enums by their value, times as ISO text, the rest as text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return str(value)


def record(actor, action: str, obj=None, reason=None, **details) -> AuditEntry:
    """Append one entry: ``actor`` (a user, or ``None`` for the system or the command line) did
    ``action`` on ``obj`` (a model instance with an id, or ``None``) because of ``reason``; the
    keyword arguments are stored as JSON details. Flushes, does not commit."""
    if not isinstance(action, str) or len(action) > 64 or not ACTION_RE.fullmatch(action):
        raise ValueError(f"not an audit action name: {action!r}")
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # a new object gets its id first
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    entry = AuditEntry(
        actor_id=actor.id if authenticated else None,
        actor_label=actor_label(actor),
        action=action,
        object_type=object_type(obj) if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        reason=str(reason) if reason not in (None, "") else None,
        details=_plain(details),
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def changed_attributes(obj) -> list[str]:
    """Names of the attributes of ``obj`` changed since it was loaded (call before flushing)."""
    state = sa.inspect(obj)
    return sorted(attr.key for attr in state.attrs if attr.history.has_changes())


def entries(action: str | None = None):
    """``select()`` of the audit log, newest first, optionally one action only."""
    stmt = sa.select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    return stmt.order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
