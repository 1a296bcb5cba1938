"""Helpers shared by the account route tests."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.accounts.models import User
from tests.helpers import get_csrf_token

PASSWORD = "correct horse battery"  # the factory default
NEW_PASSWORD = "a much better passphrase"
LINK_RE = re.compile(r"http://localhost/(?:en|de)/account/reset/[A-Za-z0-9._-]+")
LOGIN = "/en/account/login"
REGISTER = "/en/account/register"
RESET = "/en/account/reset"


def post_form(client, path, data, token_page=None, **kwargs):
    """POST ``data`` to ``path`` with a valid CSRF token taken from ``token_page`` (default: ``path``)."""
    token = get_csrf_token(client, token_page or path.split("?")[0])
    return client.post(path, data={**data, "csrf_token": token}, **kwargs)


def session_user_id(client):
    with client.session_transaction() as session:
        return session.get("_user_id")


def log_in(client, email_address, password, path=LOGIN, **extra):
    return post_form(client, path, {"email": email_address, "password": password, **extra})


def user_by_email(db, address):
    return db.session.scalar(sa.select(User).where(User.email == address))


def reset_link(message) -> str:
    """The path of the reset link in a mail message."""
    match = LINK_RE.search(message.get_content())
    assert match, message.get_content()
    return match.group(0).replace("http://localhost", "")
