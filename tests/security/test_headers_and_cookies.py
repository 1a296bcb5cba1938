"""Cookies, security headers, templates without inline code, password hashing.

The CSP, X-Content-Type-Options and Referrer-Policy of every answer of every route are checked in
the authorisation matrix (test_authorization.py); here: production settings, HSTS, cookie flags.
"""
from __future__ import annotations

import re
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.core.security import CSP
from config import DevelopmentConfig, ProductionConfig
from tests.helpers import get_csrf_token
from tests.security.world import PASSWORD

APP_DIR = Path(__file__).resolve().parents[2] / "app"


def _cookies(response) -> dict[str, str]:
    """``name -> the whole Set-Cookie header`` of a response."""
    found = {}
    for header in response.headers.getlist("Set-Cookie"):
        name = next(iter(SimpleCookie(header.split(";", 1)[0] + ";")))
        found[name] = header
    return found


def _flags(header: str) -> set[str]:
    """The attributes of a Set-Cookie header: ``secure``, ``httponly``, ``samesite=lax``, ``path`` …"""
    flags = set()
    for part in header.split(";")[1:]:
        part = part.strip().lower()
        flags.add(part if part.startswith("samesite=") else part.split("=")[0])
    return flags


def _production_app(make_app):
    return make_app(base=ProductionConfig, SECRET_KEY="p" * 40, RATELIMIT_STORAGE_URI="memory://")


def test_production_session_and_remember_cookies_are_secure_httponly_and_lax(make_app, world):
    client = _production_app(make_app).test_client()
    # Over https, as in production (a Secure cookie is not sent back over http; Flask-WTF checks
    # the Referer of https requests).
    client.environ_base.update({"wsgi.url_scheme": "https", "HTTP_REFERER": "https://localhost/en/account/login"})
    response = client.get("/en/account/login")
    session_cookie = _cookies(response)["session"]
    assert {"secure", "httponly", "samesite=lax"} <= _flags(session_cookie), session_cookie

    token = get_csrf_token(client, "/en/account/login")
    response = client.post("/en/account/login", data={"csrf_token": token, "email": world.users["resident"].email,
                                                      "password": PASSWORD, "remember": "y"})
    assert response.status_code == 303
    cookies = _cookies(response)
    for name in ("session", "remember_token"):
        assert {"secure", "httponly", "samesite=lax"} <= _flags(cookies[name]), cookies[name]


def test_outside_production_cookies_are_still_httponly_and_lax(make_app, db):
    client = make_app(base=DevelopmentConfig, RATELIMIT_STORAGE_URI="memory://").test_client()
    session_cookie = _cookies(client.get("/en/account/login"))["session"]
    assert {"httponly", "samesite=lax"} <= _flags(session_cookie)
    assert "secure" not in _flags(session_cookie)  # plain http on a developer's machine


@pytest.mark.parametrize("path", ["/en/", "/en/consultations", "/en/account/login", "/en/no-such-page",
                                  "/api/v1/consultations", "/api/v1/consultations/none", "/static/css/site.css"])
def test_production_sends_hsts_and_the_strict_headers_everywhere(make_app, db, path):
    response = _production_app(make_app).test_client().get(path)
    hsts = response.headers.get("Strict-Transport-Security", "")
    assert re.search(r"max-age=(\d+)", hsts) and int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000
    assert response.headers["Content-Security-Policy"] == CSP
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]


def test_no_hsts_outside_production(client, db):
    assert "Strict-Transport-Security" not in client.get("/en/").headers


def test_the_csp_allows_no_inline_code():
    directives = dict(part.strip().split(" ", 1) for part in CSP.split(";"))
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP and "*" not in CSP
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'none'"
    assert directives["base-uri"] == "'none'" and directives["form-action"] == "'self'"


TEMPLATES = sorted(APP_DIR.glob("**/templates/**/*.html"))
INLINE_CODE = [
    (re.compile(r"<script\b(?![^>]*\bsrc\s*=)", re.I), "an inline <script>"),
    (re.compile(r"<style\b", re.I), "a <style> element"),
    (re.compile(r"""\sstyle\s*=\s*["']""", re.I), "a style attribute"),
    (re.compile(r"""\son[a-z]+\s*=\s*["']""", re.I), "an event handler attribute"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_templates_were_found():
    assert len(TEMPLATES) > 20


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(APP_DIR)))
def test_templates_contain_no_inline_code(template):
    text = template.read_text(encoding="utf-8")
    found = [what for pattern, what in INLINE_CODE if pattern.search(text)]
    assert not found, f"{template}: {found} (the CSP would block it; use a file under static/)"


def test_passwords_are_hashed_with_scrypt_on_registration_and_reset(client, db):
    from app.accounts import services

    token = get_csrf_token(client, "/en/account/register")
    response = client.post("/en/account/register", data={
        "csrf_token": token, "email": "new@example.org", "display_name": "New",
        "password": "a long enough password", "confirm": "a long enough password"})
    assert response.status_code == 303
    user = db.session.scalars(sa.select(User).where(User.email == "new@example.org")).one()
    assert user.password_hash.startswith("scrypt:") and "a long enough password" not in user.password_hash
    services.reset_password(user, "another long password")
    assert user.password_hash.startswith("scrypt:") and user.check_password("another long password")
