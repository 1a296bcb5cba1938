"""Account rules: registration, checking credentials, and password reset by signed link.

Functions flush but never commit; the view commits once. Every rule the forms check is
checked here again, so other callers (CLI, API) cannot bypass it.
"""
from __future__ import annotations

import hashlib
import hmac
import unicodedata

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from itsdangerous import BadData, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from app.accounts.models import Role, User
from app.core.mail import MailError, send_mail, text_body
from app.core.timeutil import utcnow
from app.extensions import db

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 128
EMAIL_MAX_LENGTH = 254
DISPLAY_NAME_MAX_LENGTH = 80  # the column's length

RESET_SALT = "vielstimmig.accounts.password-reset"
MAX_TOKEN_LENGTH = 1000

_dummy_hash: str | None = None


class AccountError(Exception):
    """A request the account rules refuse; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class EmailTaken(AccountError):
    def __init__(self):
        super().__init__("email_taken")


class InactiveAccount(AccountError):
    def __init__(self):
        super().__init__("inactive")


class InvalidResetToken(AccountError):
    """``reason`` is ``expired`` for a genuine but old link, else ``invalid``."""


def normalize_email(email: str) -> str:
    """The stored form of an e-mail address: no surrounding space, lower case."""
    return (email or "").strip().lower()


def find_by_email(email: str) -> User | None:
    """The account with this e-mail address, compared without regard to case."""
    normalized = normalize_email(email)
    if not normalized:
        return None
    return db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == normalized))


def check_password_rules(password: str) -> None:
    """Raise :class:`AccountError` (``password``) unless the password has an allowed length."""
    if not isinstance(password, str) or not PASSWORD_MIN_LENGTH <= len(password) <= PASSWORD_MAX_LENGTH:
        raise AccountError("password")


def register_user(email: str, display_name: str, password: str, *, language: str | None = None) -> User:
    """Create a resident account; raises :class:`EmailTaken` if the address is in use.

    After :class:`EmailTaken` from a concurrent registration the session must be rolled back.
    """
    email = normalize_email(email)
    display_name = (display_name or "").strip()
    if not email or len(email) > EMAIL_MAX_LENGTH or "@" not in email:
        raise AccountError("email")
    if not display_name or len(display_name) > DISPLAY_NAME_MAX_LENGTH \
            or any(unicodedata.category(ch) == "Cc" for ch in display_name):
        raise AccountError("display_name")
    check_password_rules(password)
    if find_by_email(email) is not None:
        raise EmailTaken()
    user = User(email=email, display_name=display_name, role=Role.RESIDENT, active=True,
                preferred_language=language)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError as error:  # registered at the same moment by another request
        raise EmailTaken() from error
    return user


def authenticate(email: str, password: str) -> User | None:
    """The account if e-mail and password match, else ``None``; raises :class:`InactiveAccount`
    only when the password is right, so that nobody learns which addresses exist."""
    user = find_by_email(email)
    if user is None:
        # Spend the same time as a real check so response times do not reveal the address.
        check_password_hash(_get_dummy_hash(), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    if not user.active:
        raise InactiveAccount()
    return user


def _get_dummy_hash() -> str:
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = generate_password_hash("not a real password, only for timing")
    return _dummy_hash


def record_login(user: User) -> None:
    """Note the time of a successful log-in."""
    user.last_login_at = utcnow()
    db.session.flush()


# --- password reset ---------------------------------------------------------------------------

def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=RESET_SALT)


def _fingerprint(user: User) -> str:
    """Changes whenever the password (each hash has a fresh salt) or the e-mail address changes,
    which makes a reset link single-use. The token is signed, not encrypted: never put the hash itself in."""
    material = f"{user.id}\x00{user.email}\x00{user.password_hash}".encode()
    return hashlib.sha256(material).hexdigest()[:32]


def password_reset_token(user: User) -> str:
    """A signed, timestamped token that lets its holder set a new password for ``user`` once."""
    return _serializer().dumps({"uid": user.id, "fp": _fingerprint(user)})


def user_from_reset_token(token: str, max_age: int | None = None) -> User:
    """The active account a reset token belongs to; raises :class:`InvalidResetToken`."""
    if max_age is None:
        max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise InvalidResetToken("invalid")
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise InvalidResetToken("expired") from error
    except BadData as error:
        raise InvalidResetToken("invalid") from error
    if not isinstance(data, dict) or not isinstance(data.get("uid"), int) or not isinstance(data.get("fp"), str):
        raise InvalidResetToken("invalid")
    user = db.session.get(User, data["uid"])
    if user is None or not user.active or not hmac.compare_digest(_fingerprint(user), data["fp"]):
        raise InvalidResetToken("invalid")
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link if an active account has this address; otherwise do nothing.

    The caller answers the same either way. A mail failure is logged, not raised, for the same reason.
    """
    user = find_by_email(email)
    if user is None or not user.active:
        return
    send_password_reset_mail(user)


def send_password_reset_mail(user: User) -> bool:
    """Send ``user`` a reset link in the current interface language; ``False`` if sending failed."""
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    link = url_for("accounts.reset", token=password_reset_token(user), _external=True)
    duration = _duration_text(max_age)
    body = text_body(
        _("Hello %(name)s,", name=user.display_name),
        _("someone – hopefully you – asked to set a new password for your Vielstimmig account. "
          "To choose a new password, open this link:"),
        link,
        _("The link works for %(duration)s and only once.", duration=duration),
        _("If you did not ask for this, you can ignore this e-mail. Your password stays the same."),
    )
    try:
        send_mail(user.email, _("Set a new password for Vielstimmig"), body)
    except MailError:
        current_app.logger.exception("Could not send the password reset mail to user %s", user.id)
        return False
    current_app.logger.info("Password reset link sent to user %s", user.id)
    return True


def _duration_text(seconds: int) -> str:
    """How long a link works, rounded down to whole minutes (never promise more than is true)."""
    minutes = max(1, int(seconds) // 60)
    if minutes % 60 == 0:
        return ngettext("%(num)d hour", "%(num)d hours", minutes // 60)
    return ngettext("%(num)d minute", "%(num)d minutes", minutes)


def reset_password(user: User, new_password: str) -> None:
    """Set a new password; this also invalidates every reset link sent before."""
    check_password_rules(new_password)
    user.set_password(new_password)
    db.session.flush()
