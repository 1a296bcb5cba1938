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
    """Published contributions for every reader of the consultation; the rest for moderators and
    for members of an organisation co-hosting the consultation."""
    if contribution.status is ContributionStatus.PUBLISHED or can_see_unpublished(user):
        return True
    from app.organisations.permissions import is_cohost_member  # organisations import contributions

    return is_cohost_member(user, contribution.consultation)


def can_translate_contributions(user, contribution: Contribution | None = None) -> bool:
    """Add or correct translations: staff who work with the input; for ``contribution``, also the
    language mediators of an organisation co-hosting its consultation."""
    user = _user(user)
    if user is None:
        return False
    if user.role in (Role.MODERATOR, Role.WORKING_GROUP, Role.ADMIN):
        return True
    if contribution is None:
        return False
    from app.organisations.permissions import cohosting_organisations, mediator_memberships

    mediating = {m.organisation_id for m in mediator_memberships(user)}
    return any(org.id in mediating for org in cohosting_organisations(user, contribution.consultation))
