"""Invitations to join an organisation, sent by e-mail.

The link carries a token signed with the application's ``SECRET_KEY`` (itsdangerous, salt
``organisation-invitation``) over ``{"i": invitation id, "n": random nonce}``. Only the nonce's
SHA-256 is stored, so a copy of the database cannot produce working links. A link is valid for
7 days (``expires_at``, and the signature's ``max_age`` as well), works once (``accepted_at``) and
not after the owner revoked it (``revoked_at``). A forged or damaged link is a 400, an expired one
a 410, a used or revoked one a 409.

Functions flush but never commit.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer

from app.accounts.services import find_by_email, normalize_email
from app.core.enums import title_of
from app.core.mail import MailError, send_mail, text_body
from app.core.timeutil import utcnow
from app.extensions import db
from app.organisations import permissions, services
from app.organisations.models import Invitation, MembershipRole, Organisation

SALT = "organisation-invitation"
VALID_FOR = timedelta(days=7)
MAX_TOKEN_LENGTH = 500


class InvitationError(Exception):
    """A link or a request that cannot be used; ``status`` is the HTTP status, ``message`` translated."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _hash(nonce: str) -> str:
    return hashlib.sha256(nonce.encode()).hexdigest()


def _as_utc_naive(value):
    return value.replace(tzinfo=None) if value is not None and value.tzinfo is not None else value


def is_open(invitation: Invitation, now=None) -> bool:
    now = _as_utc_naive(now or utcnow())
    return (invitation.accepted_at is None and invitation.revoked_at is None
            and _as_utc_naive(invitation.expires_at) > now)


def open_invitations(organisation: Organisation) -> list[Invitation]:
    """Invitations not yet accepted, revoked or expired, newest first."""
    rows = db.session.scalars(sa.select(Invitation).where(
        Invitation.organisation_id == organisation.id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None)).order_by(Invitation.created_at.desc(), Invitation.id.desc()))
    return [i for i in rows if is_open(i)]


def create_invitation(organisation: Organisation, email: str, role: MembershipRole, actor) -> tuple[Invitation, str]:
    """A new invitation and its token (the only moment the token exists). Raises
    :class:`InvitationError` (403 when the actor may not invite, 409 for a member or an open
    invitation) or :class:`services.InvalidInput` for a bad address."""
    if not permissions.can_manage_members(actor, organisation):
        raise InvitationError(403, _("Only owners of a verified organisation can invite members."))
    email = normalize_email(email)
    if not email or len(email) > services.EMAIL_MAX or not services.EMAIL_RE.fullmatch(email):
        raise services.InvalidInput({"email": _("Please enter a valid e-mail address, for example name@example.org.")})
    if not isinstance(role, MembershipRole):
        raise services.InvalidInput({"role": _("Please choose one of the options offered.")})
    user = find_by_email(email)
    if user is not None and any(m.user_id == user.id for m in organisation.memberships):
        raise InvitationError(409, _("This person is already a member of the organisation."))
    if any(normalize_email(i.email) == email for i in open_invitations(organisation)):
        raise InvitationError(409, _("This address already has an open invitation. Revoke it first to send a new one."))
    nonce = secrets.token_urlsafe(24)
    now = utcnow()
    invitation = Invitation(organisation=organisation, email=email, role=role, nonce_hash=_hash(nonce),
                            invited_by_id=actor.id, created_at=now, expires_at=now + VALID_FOR)
    db.session.add(invitation)
    db.session.flush()
    return invitation, _serializer().dumps({"i": invitation.id, "n": nonce})


def load(token: str, now=None) -> Invitation:
    """The invitation a link names, if it can still be accepted; else :class:`InvitationError`."""
    forged = InvitationError(400, _("This invitation link is not valid. Please check that you copied the "
                                    "whole link, or ask the organisation for a new invitation."))
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise forged
    try:
        data = _serializer().loads(token, max_age=int(VALID_FOR.total_seconds()))
    except SignatureExpired as error:
        raise _expired() from error
    except BadData as error:
        raise forged from error
    if not isinstance(data, dict) or not isinstance(data.get("i"), int) or not isinstance(data.get("n"), str) \
            or not 0 < data["i"] <= 2**31 - 1:
        raise forged
    invitation = db.session.get(Invitation, data["i"])
    if invitation is None or not hmac.compare_digest(invitation.nonce_hash, _hash(data["n"])):
        raise forged
    if invitation.accepted_at is not None:
        raise InvitationError(409, _("This invitation has already been used. Each invitation link works only once."))
    if invitation.revoked_at is not None:
        raise InvitationError(409, _("This invitation has been withdrawn by the organisation."))
    if not is_open(invitation, now):
        raise _expired()
    return invitation


def _expired() -> InvitationError:
    return InvitationError(410, _("This invitation has expired. Invitations are valid for 7 days; please ask "
                                  "the organisation for a new one."))


def check_recipient(invitation: Invitation, user) -> None:
    """Only the invited address may accept (compared without regard to case)."""
    if normalize_email(user.email) != normalize_email(invitation.email):
        raise InvitationError(403, _("This invitation was sent to another e-mail address. Please log in with "
                                     "the account of that address."))


def accept(invitation: Invitation, user) -> None:
    """Make ``user`` a member with the invited role and use up the invitation."""
    check_recipient(invitation, user)
    if not invitation.organisation.is_verified:
        raise InvitationError(409, _("This organisation cannot take on new members at the moment."))
    try:
        services.add_member(invitation.organisation, user, invitation.role, user)
    except services.ActionRefused as refused:
        raise InvitationError(409, refused.message) from refused
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()


def revoke(invitation: Invitation) -> None:
    if invitation.accepted_at is not None:
        raise services.ActionRefused(_("This invitation has already been used. Each invitation link works only once."))
    if invitation.revoked_at is None:
        invitation.revoked_at = utcnow()
        db.session.flush()


def send_invitation_mail(invitation: Invitation, token: str, inviter) -> bool:
    """Mail the link in the current interface language; ``False`` if sending failed."""
    link = url_for("organisations.accept_invitation", token=token, _external=True)
    body = text_body(
        _("Hello,"),
        _("%(inviter)s invites you to join “%(name)s” on Vielstimmig as %(role)s.",
          inviter=inviter.display_name, name=invitation.organisation.name, role=title_of(invitation.role)),
        _("To accept, open this link and log in or create an account with this e-mail address:"),
        link,
        _("The link is valid for 7 days and works once. If you do not want to join, simply ignore this mail."),
    )
    try:
        send_mail(invitation.email, _("Invitation to join %(name)s", name=invitation.organisation.name), body)
    except MailError:
        current_app.logger.warning("Invitation mail %s could not be sent", invitation.id)
        return False
    return True
