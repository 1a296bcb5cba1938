"""Who may moderate, flag and read the audit log: small predicates, no database access.

Co-hosting organisations will moderate their own consultations later: that is one more case in
:func:`can_moderate` (and in :func:`app.moderation.services.moderated_by_clause`).
"""
from __future__ import annotations

from app.accounts.models import Role
from app.contributions.models import Contribution, ContributionStatus

MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_moderate(user, consultation=None) -> bool:
    """Decide on the contributions of ``consultation``; without one: of at least one consultation
    (who may open the moderation queue). Moderators and administrators, for every consultation."""
    user = _user(user)
    if user is None:
        return False
    return user.role in MODERATOR_ROLES


def can_flag(contribution: Contribution) -> bool:
    """Anyone who can read a contribution may report it while it is published."""
    return contribution.status is ContributionStatus.PUBLISHED


def can_read_audit_log(user) -> bool:
    """The audit log is for administrators only."""
    user = _user(user)
    return bool(user and user.role is Role.ADMIN)
