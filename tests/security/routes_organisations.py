"""Authorisation matrix rows for the organisations pages (collected by tests/security/route_table.py).

w.org is verified (member, mediator and owner belong to it), w.other_org belongs to other_member,
w.pending_org has no members. Member pages answer 404 to non-members and 403 to members who lack
the right; Flask-Login sends anonymous visitors to the login page (302). POST rows that would change
the world use objects where the rules refuse (the last owner, an invitation to nobody's address)."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.organisations.models import Membership
from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)
from tests.security.world import ROLES

MEMBERS = ("member", "mediator", "owner", "admin")  # see the management page of w.org
MANAGERS = ("owner", "admin")  # edit w.org, invite, change roles, remove


def matrix(code_for_managers: int, *, managers=MANAGERS, members=MEMBERS, member_code: int = 403) -> dict[str, int]:
    """anonymous 302; managers ``code_for_managers``; other members ``member_code``; everyone else 404."""
    expect = {}
    for role in ROLES:
        if role == "anonymous":
            expect[role] = 302
        elif role in managers:
            expect[role] = code_for_managers
        elif role in members:
            expect[role] = member_code
        else:
            expect[role] = 404
    return expect


def _org(name):
    return lambda w: {"slug": getattr(w, name).slug}


def _membership_of(role):
    def values(w):
        membership_id = db.session.scalar(sa.select(Membership.id).where(
            Membership.user_id == w.users[role].id, Membership.organisation_id == w.org.id))
        return {"slug": w.org.slug, "membership_id": membership_id}
    return values


def _token(w):
    return {"token": w.org_invitation_token}


def _forged(w):
    return {"token": w.org_invitation_token[:-4] + ("AAAA" if not w.org_invitation_token.endswith("AAAA") else "BBBB")}


CASES: list = [
    # --- public: the list, verified profiles; pending ones only for administrators (it has no members)
    get("organisations.index", everyone(200)),
    get("organisations.profile", everyone(200), _org("org"), label="verified"),
    get("organisations.profile", only(ADMIN, 200), _org("pending_org"), label="pending"),
    # --- registering and one's own organisations: signed in
    get("organisations.register", signed_out(302, 200)),
    post("organisations.register", signed_out(302, 422), label="empty form"),
    get("organisations.mine", signed_out(302, 200)),
    # --- the management page: members of any role and administrators
    get("organisations.manage", matrix(200, member_code=200), _org("org"), label="verified"),
    get("organisations.manage", matrix(200, managers=ADMIN, members=ADMIN), _org("pending_org"), label="pending"),
    get("organisations.edit", matrix(200), _org("org")),
    post("organisations.edit", matrix(422), _org("org"), label="empty form"),
    post("organisations.invite", matrix(422), _org("org"), label="empty form"),
    post("organisations.invite", matrix(422, managers=ADMIN, members=ADMIN), _org("pending_org"), label="pending, empty form"),
    post("organisations.change_role", matrix(422), _membership_of("mediator"), label="no role"),
    post("organisations.remove_member", matrix(409), _membership_of("owner"), label="the last owner"),
    # --- an invitation link: only for the invited address (nobody's here); forged links are a 400
    get("organisations.accept_invitation", signed_out(200, 403), _token, label="another address"),
    post("organisations.accept_invitation", signed_out(302, 403), _token, label="another address"),
    get("organisations.accept_invitation", everyone(400), _forged, label="forged"),
    post("organisations.accept_invitation", everyone(400), _forged, label="forged"),
    # revoking changes the invitation: after the rows that use it
    post("organisations.revoke_invitation", matrix(303),
         lambda w: {"slug": w.org.slug, "invitation_id": w.org_invitation.id}),
    # --- administrators: verification and co-hosts (404 to everyone else)
    get("organisations.staff_list", only(ADMIN, 200)),
    get("organisations.staff_review", only(ADMIN, 200), lambda w: {"organisation_id": w.pending_org.id}),
    post("organisations.staff_review", only(ADMIN, 422), lambda w: {"organisation_id": w.pending_org.id},
         label="no decision"),
    get("organisations.staff_cohosts", only(ADMIN, 200), lambda w: {"consultation_id": w.pub.id}),
    post("organisations.staff_cohosts", only(ADMIN, 422), lambda w: {"consultation_id": w.pub.id},
         label="empty form"),
]
