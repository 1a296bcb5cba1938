"""Who may see and do what with contributions: small predicates, no database access."""
from __future__ import annotations

from app.accounts.models import Role
from app.contributions.models import Contribution, ContributionStatus


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_see_unpublished(user) -> bool:
    """Moderators and admins see pending and hidden contributions."""
    user = _user(user)
    return bool(user and user.role in (Role.MODERATOR, Role.ADMIN))


def can_view_contribution(user, contribution: Contribution) -> bool:
    """Published contributions for every reader of the consultation; the rest for moderators."""
    return contribution.status is ContributionStatus.PUBLISHED or can_see_unpublished(user)


def can_translate_contributions(user) -> bool:
    """Add or correct translations: staff who work with the input."""
    user = _user(user)
    return bool(user and user.role in (Role.MODERATOR, Role.WORKING_GROUP, Role.ADMIN))
