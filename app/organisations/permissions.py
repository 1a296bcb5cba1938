"""Who may act for an organisation and on a co-hosted consultation.

An organisation acts only once an administrator has verified it; its members then act on the
consultations it co-hosts and on nothing else. These predicates read memberships from the
database (one small query per call, cached per request on ``flask.g``).
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context

from app.accounts.models import Role
from app.extensions import db
from app.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    consultation_cohosts,
)


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def memberships_of(user) -> list[Membership]:
    """The user's memberships (in organisations of any status), cached for the request."""
    user = _user(user)
    if user is None:
        return []
    cache = g.setdefault("_memberships", {}) if has_request_context() else {}
    if user.id not in cache:
        cache[user.id] = list(db.session.scalars(
            sa.select(Membership).where(Membership.user_id == user.id).order_by(Membership.id)))
    return cache[user.id]


def forget_memberships() -> None:
    """Call after changing memberships within a request."""
    if has_request_context():
        g.pop("_memberships", None)


def membership(user, organisation: Organisation) -> Membership | None:
    return next((m for m in memberships_of(user) if m.organisation_id == organisation.id), None)


def is_member(user, organisation: Organisation) -> bool:
    """Any role (owner, member, language mediator)."""
    return membership(user, organisation) is not None


def is_owner(user, organisation: Organisation) -> bool:
    m = membership(user, organisation)
    return bool(m and m.role is MembershipRole.OWNER)


def is_admin(user) -> bool:
    user = _user(user)
    return bool(user and user.role is Role.ADMIN)


def can_act_for(user, organisation: Organisation) -> bool:
    """Members of a verified organisation act for it (statements, events, offline input)."""
    return organisation.status is OrganisationStatus.VERIFIED and is_member(user, organisation)


def can_manage_members(user, organisation: Organisation) -> bool:
    """Owners invite and remove members; administrators may too."""
    return is_admin(user) or (organisation.status is OrganisationStatus.VERIFIED and is_owner(user, organisation))


def can_edit_profile(user, organisation: Organisation) -> bool:
    """Owners edit the profile also while it waits for verification; administrators always."""
    return is_admin(user) or is_owner(user, organisation)


def acting_organisation_ids(user) -> list[int]:
    """Ids of the verified organisations the user is a member of."""
    ids = [m.organisation_id for m in memberships_of(user)]
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation.id).where(
        Organisation.id.in_(ids), Organisation.status == OrganisationStatus.VERIFIED).order_by(Organisation.id)))


def cohosted_consultation_ids(user) -> list[int]:
    """Consultations co-hosted by a verified organisation the user belongs to."""
    org_ids = acting_organisation_ids(user)
    if not org_ids:
        return []
    return sorted(set(db.session.scalars(sa.select(consultation_cohosts.c.consultation_id).where(
        consultation_cohosts.c.organisation_id.in_(org_ids)))))


def cohosting_organisations(user, consultation) -> list[Organisation]:
    """The user's verified organisations that co-host ``consultation``."""
    org_ids = set(acting_organisation_ids(user))
    return [o for o in consultation.cohosts if o.id in org_ids]


def is_cohost_member(user, consultation) -> bool:
    """A member (any role) of a verified organisation co-hosting ``consultation``."""
    return bool(cohosting_organisations(user, consultation))


def mediator_memberships(user) -> list[Membership]:
    """Memberships as language mediator in verified organisations."""
    return [m for m in memberships_of(user)
            if m.role is MembershipRole.LANGUAGE_MEDIATOR and m.organisation.status is OrganisationStatus.VERIFIED]


def mediator_languages(user) -> list[str]:
    """The languages a mediator translates from: those of the organisations they mediate for."""
    langs: set[str] = set()
    for m in mediator_memberships(user):
        langs.update(m.organisation.languages or [])
    return sorted(langs)
