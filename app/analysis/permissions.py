"""Who may read the working group's summaries and exports: small predicates, no database access."""
from __future__ import annotations

from app.accounts.models import Role

ANALYST_ROLES = frozenset({Role.WORKING_GROUP, Role.ADMIN})


def can_analyse(user) -> bool:
    """The working group and administrators. Moderators, co-host members and everyone else: no
    (the pages answer 404 so that they do not reveal that they exist)."""
    return bool(user is not None and getattr(user, "is_authenticated", False)
                and getattr(user, "role", None) in ANALYST_ROLES)
