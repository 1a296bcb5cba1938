"""Members and their roles: owners change roles and remove members, never the last owner; the
account role follows the memberships; "my organisations" and the management page."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.extensions import db
from app.moderation.models import AuditEntry
from app.organisations import services
from app.organisations.models import Membership, MembershipRole, OrganisationStatus
from tests.factories import make_organisation, make_user
from tests.helpers import get_csrf_token

CSRF_PAGE = "/en/account/reset"


def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def post(client, path, data=None):
    return client.post(path, data={"csrf_token": get_csrf_token(client, CSRF_PAGE), **(data or {})})


def membership(user, organisation):
    return db.session.scalar(sa.select(Membership).where(Membership.user_id == user.id,
                                                          Membership.organisation_id == organisation.id))


@pytest.fixture()
def team(db):
    owner = make_user(Role.ORGANISATION_MEMBER, display_name="Olga Owner")
    member = make_user(Role.ORGANISATION_MEMBER, display_name="Mehmet Member")
    mediator = make_user(Role.ORGANISATION_MEMBER, display_name="Maya Mediator")
    organisation = make_organisation("verein", members=[(owner, "owner"), (member, "member"),
                                                        (mediator, "language_mediator")])
    return organisation, owner, member, mediator


def test_owners_change_roles(client, team):
    organisation, owner, member, _mediator = team
    log_in(client, owner)
    m = membership(member, organisation)
    response = post(client, f"/en/organisations/verein/members/{m.id}/role", {"role": "language_mediator"})
    assert response.status_code == 303
    db.session.refresh(m)
    assert m.role is MembershipRole.LANGUAGE_MEDIATOR
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "membership.role"))
    assert entry.details["new"] == "language_mediator" and entry.actor_id == owner.id
    assert post(client, f"/en/organisations/verein/members/{m.id}/role", {"role": "king"}).status_code == 422


def test_the_last_owner_can_neither_step_down_nor_be_removed(client, team):
    organisation, owner, member, _mediator = team
    log_in(client, owner)
    own = membership(owner, organisation)
    response = post(client, f"/en/organisations/verein/members/{own.id}/role", {"role": "member"})
    assert response.status_code == 409 and "at least one owner" in response.get_data(as_text=True)
    assert post(client, f"/en/organisations/verein/members/{own.id}/remove").status_code == 409
    db.session.refresh(own)
    assert own.role is MembershipRole.OWNER
    # with a second owner the first may go
    other = membership(member, organisation)
    assert post(client, f"/en/organisations/verein/members/{other.id}/role", {"role": "owner"}).status_code == 303
    assert post(client, f"/en/organisations/verein/members/{own.id}/remove").status_code == 303
    assert membership(owner, organisation) is None


def test_removing_a_member_makes_them_a_resident_again(client, team):
    organisation, owner, member, _mediator = team
    other_org = make_organisation("anderer", members=[(owner, "owner")])
    log_in(client, owner)
    response = post(client, f"/en/organisations/verein/members/{membership(member, organisation).id}/remove")
    assert response.status_code == 303
    assert membership(member, organisation) is None
    db.session.refresh(member)
    assert member.role is Role.RESIDENT
    # someone still in another organisation keeps the role
    services.add_member(other_org, member, MembershipRole.MEMBER, owner)
    db.session.commit()
    db.session.refresh(member)
    assert member.role is Role.ORGANISATION_MEMBER
    assert db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "membership.remove"))


def test_members_may_look_but_not_manage(client, team):
    organisation, owner, member, mediator = team
    log_in(client, member)
    page = client.get("/en/organisations/verein/manage")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Olga Owner" in html and owner.email not in html  # e-mail addresses only for owners
    assert "Send the invitation" not in html
    target = membership(mediator, organisation)
    assert post(client, f"/en/organisations/verein/members/{target.id}/remove").status_code == 403
    assert post(client, f"/en/organisations/verein/members/{target.id}/role", {"role": "owner"}).status_code == 403
    assert membership(mediator, organisation).role is MembershipRole.LANGUAGE_MEDIATOR


def test_outsiders_get_404_and_memberships_of_other_organisations_are_not_found(client, team):
    organisation, owner, member, _mediator = team
    stranger = make_user()
    other = make_organisation("anderer", members=[(stranger, "owner")])
    log_in(client, stranger)
    assert client.get("/en/organisations/verein/manage").status_code == 404
    assert post(client, f"/en/organisations/verein/members/{membership(member, organisation).id}/remove").status_code == 404
    # an owner of "anderer" naming a membership of "verein" through their own organisation's address
    assert post(client, f"/en/organisations/anderer/members/{membership(member, organisation).id}/remove").status_code == 404
    assert post(client, "/en/organisations/anderer/members/99999999999/remove").status_code == 404
    assert membership(member, organisation) is not None and other.is_verified


def test_owners_see_members_with_addresses_and_the_invitation_form(client, team):
    _organisation, owner, member, _mediator = team
    log_in(client, owner)
    html = client.get("/en/organisations/verein/manage").get_data(as_text=True)
    assert member.email in html and "Send the invitation" in html and "Maya Mediator" in html


def test_administrators_manage_members_of_any_organisation(client, team):
    organisation, _owner, member, _mediator = team
    log_in(client, make_user(Role.ADMIN))
    assert client.get("/en/organisations/verein/manage").status_code == 200
    assert post(client, f"/en/organisations/verein/members/{membership(member, organisation).id}/remove").status_code == 303


def test_owners_of_a_pending_organisation_cannot_manage_members_yet(client, db):
    owner, member = make_user(), make_user()
    organisation = make_organisation("wartet", status=OrganisationStatus.PENDING,
                                     members=[(owner, "owner"), (member, "member")])
    log_in(client, owner)
    html = client.get("/en/organisations/wartet/manage").get_data(as_text=True)
    assert "waiting for verification" in html and "Send the invitation" not in html
    assert post(client, f"/en/organisations/wartet/members/{membership(member, organisation).id}/remove").status_code == 403


def test_my_organisations_lists_each_membership(client, team):
    organisation, owner, _member, _mediator = team
    make_organisation("wartet", name="Wartender Verein", status=OrganisationStatus.PENDING, members=[(owner, "owner")])
    log_in(client, owner)
    html = client.get("/en/organisations/mine").get_data(as_text=True)
    assert organisation.name.split(" ")[0] in html and "Wartender Verein" in html and "Awaiting verification" in html
    log_in(client, make_user())
    assert "not a member of any organisation" in client.get("/en/organisations/mine").get_data(as_text=True)


def test_the_navigation_links_the_organisation_pages(client, db):
    assert "/en/organisations/" in client.get("/en/").get_data(as_text=True)
    assert "/en/organisations/mine" not in client.get("/en/").get_data(as_text=True)
    log_in(client, make_user())
    assert "/en/organisations/mine" in client.get("/en/").get_data(as_text=True)
