"""Who may moderate, flag and read the audit log: small predicates, no database access.

Members of a verified organisation that co-hosts a consultation moderate that consultation (and no
other): :func:`can_moderate` and :func:`app.moderation.services._moderated_by`.
"""
from __future__ import annotations

from app.accounts.models import Role
from app.contributions.models import Contribution, ContributionStatus

MODERATOR_ROLES = frozenset({Role.MODERATOR, Role.ADMIN})


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_moderate(user, consultation=None) -> bool:
    """Decide on the contributions of ``consultation``; without one: of at least one consultation
    (who may open the moderation queue). Moderators and administrators, for every consultation;
    members of a verified co-hosting organisation, for the consultations it co-hosts."""
    user = _user(user)
    if user is None:
        return False
    if user.role in MODERATOR_ROLES:
        return True
    from app.organisations import permissions as org_permissions  # organisations import contributions

    if consultation is None:
        return bool(org_permissions.cohosted_consultation_ids(user))
    return org_permissions.is_cohost_member(user, consultation)


def can_flag(contribution: Contribution) -> bool:
    """Anyone who can read a contribution may report it while it is published."""
    return contribution.status is ContributionStatus.PUBLISHED


def can_read_audit_log(user) -> bool:
    """The audit log is for administrators only."""
    user = _user(user)
    return bool(user and user.role is Role.ADMIN)
