"""Invitations by e-mail link: accepted once by the invited address; expired (410), reused or
revoked (409), forged (400), for another address (403); only owners of verified organisations invite."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.accounts.models import Role
from app.core.timeutil import utcnow
from app.extensions import db
from app.organisations import invitations
from app.organisations.models import Invitation, Membership, MembershipRole, OrganisationStatus
from tests.factories import make_organisation, make_user
from tests.helpers import count, get_csrf_token

CSRF_PAGE = "/en/account/reset"
LINK_RE = re.compile(r"https?://\S+/organisations/invitations/(\S+)")


@pytest.fixture()
def outbox(app):
    box = app.extensions["mail_outbox"] = []
    yield box
    app.extensions["mail_outbox"] = []


def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def log_out(client):
    with client.session_transaction() as session:
        session.pop("_user_id", None)


def post(client, path, data=None):
    return client.post(path, data={"csrf_token": get_csrf_token(client, CSRF_PAGE), **(data or {})})


@pytest.fixture()
def org(db):
    owner = make_user(Role.ORGANISATION_MEMBER, display_name="Olga")
    organisation = make_organisation("verein", name="Verein Bremen", members=[(owner, "owner")])
    return organisation, owner


def invite(organisation, owner, email="Neu@Example.org", role=MembershipRole.LANGUAGE_MEDIATOR):
    invitation, token = invitations.create_invitation(organisation, email, role, owner)
    db.session.commit()
    return invitation, token


def accept_path(token):
    return f"/en/organisations/invitations/{token}"


def test_an_owner_invites_by_mail_and_the_invited_person_accepts_once(client, org, outbox):
    organisation, owner = org
    log_in(client, owner)
    response = post(client, "/en/organisations/verein/invitations", {"email": "Neu@Example.org",
                                                                      "role": "language_mediator"})
    assert response.status_code == 303
    invitation = db.session.scalar(sa.select(Invitation))
    assert invitation.email == "neu@example.org" and invitation.role is MembershipRole.LANGUAGE_MEDIATOR
    assert timedelta(days=6, hours=23) < invitation.expires_at - utcnow() <= timedelta(days=7)
    message = outbox[-1]
    assert message["To"] == "neu@example.org" and "Verein Bremen" in message["Subject"]
    token = LINK_RE.search(message.get_content()).group(1)
    assert token not in invitation.nonce_hash and len(invitation.nonce_hash) == 64
    assert "neu@example.org" in client.get("/en/organisations/verein/manage").get_data(as_text=True)

    invitee = log_in(client, make_user(email="neu@example.org"))
    page = client.get(accept_path(token))
    assert page.status_code == 200 and "Verein Bremen" in page.get_data(as_text=True)
    assert "Language mediator" in page.get_data(as_text=True)
    response = post(client, accept_path(token))
    assert response.status_code == 303 and response.headers["Location"].endswith("/en/organisations/verein/manage")
    membership = db.session.scalar(sa.select(Membership).where(Membership.user_id == invitee.id))
    assert membership.role is MembershipRole.LANGUAGE_MEDIATOR
    db.session.refresh(invitation)
    db.session.refresh(invitee)
    assert invitation.accepted_by_id == invitee.id and invitation.accepted_at is not None
    assert invitee.role is Role.ORGANISATION_MEMBER

    # used: a second visit, by anyone, is a 409 and writes nothing
    for method in ("get", "post"):
        response = client.get(accept_path(token)) if method == "get" else post(client, accept_path(token))
        assert response.status_code == 409 and "already been used" in response.get_data(as_text=True)
    assert count(db, Membership) == 2


def test_anonymous_visitors_are_asked_to_log_in_first(client, org):
    token = invite(*org)[1]
    page = client.get(accept_path(token))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/en/account/login?next=/en/organisations/invitations/" in html
    assert "/en/account/register?next=" in html
    response = post(client, accept_path(token))
    assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]
    assert count(db, Membership) == 1


def test_an_expired_invitation_is_a_410(client, org):
    invitation, token = invite(*org)
    invitation.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    log_in(client, make_user(email="neu@example.org"))
    for response in (client.get(accept_path(token)), post(client, accept_path(token))):
        assert response.status_code == 410 and "expired" in response.get_data(as_text=True)
    assert count(db, Membership) == 1


def test_a_token_signed_more_than_7_days_ago_is_expired_whatever_the_row_says(client, org, monkeypatch):
    organisation, owner = org
    eight_days_ago = int(utcnow().timestamp()) - 8 * 24 * 3600
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    invitation, token = invite(organisation, owner)
    monkeypatch.undo()
    invitation.expires_at = utcnow() + timedelta(days=30)
    db.session.commit()
    with pytest.raises(invitations.InvitationError) as refused:
        invitations.load(token)
    assert refused.value.status == 410


def test_a_revoked_invitation_is_a_409(client, org):
    organisation, owner = org
    invitation, token = invite(organisation, owner)
    log_in(client, owner)
    assert post(client, f"/en/organisations/verein/invitations/{invitation.id}/revoke").status_code == 303
    db.session.refresh(invitation)
    assert invitation.revoked_at is not None
    log_in(client, make_user(email="neu@example.org"))
    response = post(client, accept_path(token))
    assert response.status_code == 409 and "withdrawn" in response.get_data(as_text=True)
    assert count(db, Membership) == 1


def _forgeries(app, invitation, token):
    payload, _dot, rest = token.partition(".")
    real = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=invitations.SALT)
    return {
        "tampered signature": token[:-3] + ("xyz" if not token.endswith("xyz") else "abc"),
        "garbage": "not-a-token",
        "other key": URLSafeTimedSerializer("another key", salt=invitations.SALT).dumps({"i": invitation.id, "n": "x"}),
        "other salt": URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="other").dumps({"i": invitation.id, "n": "x"}),
        "wrong nonce": real.dumps({"i": invitation.id, "n": "guessed"}),
        "unknown id": real.dumps({"i": invitation.id + 1000, "n": "guessed"}),
        "huge id": real.dumps({"i": 10**20, "n": "x"}),
        "not a dict": real.dumps([invitation.id]),
        "too long": "A" * 600,
    }


def test_forged_links_are_a_400(client, org, app):
    invitation, token = invite(*org)
    log_in(client, make_user(email="neu@example.org"))
    for name, forged in _forgeries(app, invitation, token).items():
        for response in (client.get(accept_path(forged)), post(client, accept_path(forged))):
            assert response.status_code == 400, name
            assert "not valid" in response.get_data(as_text=True), name
    assert count(db, Membership) == 1
    assert client.get(accept_path(token)).status_code == 200  # the real one still works


def test_another_address_gets_403_and_nothing_changes(client, org):
    invitation, token = invite(*org)
    log_in(client, make_user(email="someone-else@example.org"))
    for response in (client.get(accept_path(token)), post(client, accept_path(token))):
        assert response.status_code == 403 and "another e-mail address" in response.get_data(as_text=True)
    db.session.refresh(invitation)
    assert invitation.accepted_at is None and count(db, Membership) == 1


def test_only_owners_of_verified_organisations_invite(client, db, outbox):
    owner, member = make_user(), make_user()
    make_organisation("wartet", status=OrganisationStatus.PENDING, members=[(owner, "owner")])
    make_organisation("verein", members=[(member, "member")])
    log_in(client, owner)
    response = post(client, "/en/organisations/wartet/invitations", {"email": "a@example.org", "role": "member"})
    assert response.status_code == 403 and "verified organisation" in response.get_data(as_text=True)
    log_in(client, member)
    assert post(client, "/en/organisations/verein/invitations", {"email": "a@example.org", "role": "member"}).status_code == 403
    log_in(client, make_user())
    assert post(client, "/en/organisations/verein/invitations", {"email": "a@example.org", "role": "member"}).status_code == 404
    assert count(db, Invitation) == 0 and not outbox


def test_administrators_may_invite(client, org, outbox):
    log_in(client, make_user(Role.ADMIN))
    assert post(client, "/en/organisations/verein/invitations", {"email": "a@example.org", "role": "owner"}).status_code == 303
    assert count(db, Invitation) == 1 and outbox


@pytest.mark.parametrize("data, status", [
    ({"email": "not-an-address", "role": "member"}, 422),
    ({"email": "a@example.org", "role": "king"}, 422),
    ({"email": "", "role": "member"}, 422),
    ({"email": "a\x00b@example.org", "role": "member"}, 422),
])
def test_bad_invitation_input_is_refused(client, org, outbox, data, status):
    log_in(client, org[1])
    assert post(client, "/en/organisations/verein/invitations", data).status_code == status
    assert count(db, Invitation) == 0 and not outbox


def test_members_and_open_invitations_are_not_invited_twice(client, org, outbox):
    organisation, owner = org
    invite(organisation, owner, email="neu@example.org")
    log_in(client, owner)
    response = post(client, "/en/organisations/verein/invitations", {"email": "NEU@example.org", "role": "member"})
    assert response.status_code == 409 and "open invitation" in response.get_data(as_text=True)
    response = post(client, "/en/organisations/verein/invitations", {"email": owner.email, "role": "member"})
    assert response.status_code == 409 and "already a member" in response.get_data(as_text=True)
    assert count(db, Invitation) == 1 and not outbox


def test_an_organisation_suspended_after_the_invitation_takes_no_members(client, org):
    organisation, owner = org
    token = invite(organisation, owner)[1]
    organisation.status = OrganisationStatus.SUSPENDED
    db.session.commit()
    log_in(client, make_user(email="neu@example.org"))
    assert post(client, accept_path(token)).status_code == 409
    assert count(db, Membership) == 1


def test_an_accepted_invitation_cannot_be_revoked(client, org):
    organisation, owner = org
    invitation, token = invite(organisation, owner)
    invitations.accept(invitation, make_user(email="neu@example.org"))
    db.session.commit()
    log_in(client, owner)
    assert post(client, f"/en/organisations/verein/invitations/{invitation.id}/revoke").status_code == 409
