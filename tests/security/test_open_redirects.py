"""Open redirects: no ``next`` (or any other) parameter sends a visitor to another site."""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest

from app.core.urls import safe_local_path
from tests.helpers import get_csrf_token
from tests.security.route_table import cases_for, url_for_case
from tests.security.world import PASSWORD, client_as

EVIL = [
    "https://evil.example/", "http://evil.example", "//evil.example/", "///evil.example", "/\\evil.example",
    "\\\\evil.example", "https:evil.example", " //evil.example", "\t//evil.example", "/\t/evil.example",
    "/%0d%0aSet-Cookie:x=y", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "\u202e//evil.example", "http://localhost@evil.example/", "/\u3002evil.example",
]


def assert_stays_on_site(response):
    location = response.headers.get("Location")
    if location is None:
        return
    # Browsers read a backslash as a slash, and drop tabs and line breaks.
    normalized = location.replace("\\", "/").replace("\t", "").replace("\r", "").replace("\n", "")
    target = urlsplit(urljoin("http://localhost/en/", normalized))
    assert target.scheme in ("http", "https") and target.netloc == "localhost", location


@pytest.mark.parametrize("target", EVIL)
def test_safe_local_path_refuses_every_other_site(target):
    result = safe_local_path(target, default="/en/")
    assert result == "/en/" or (result.startswith("/") and not result.startswith("//") and "\\" not in result)
    assert_stays_on_site(type("R", (), {"headers": {"Location": result}})())


@pytest.mark.parametrize("role", ["anonymous", "resident"])
def test_no_get_route_redirects_off_site_whatever_next_says(app, world, role):
    for n, case in enumerate(cases_for("GET")):
        client = client_as(app, world, role)
        if case.session:
            with client.session_transaction() as session:
                session.update(case.session(world))
        response = client.get(url_for_case(app, case, world, next=EVIL[n % len(EVIL)]))
        assert response.status_code < 500, case.name
        assert_stays_on_site(response)


def test_language_switch_and_signed_in_login_page_stay_on_site(app, world):
    anonymous, resident = client_as(app, world, "anonymous"), client_as(app, world, "resident")
    for target in EVIL:
        for client, path in ((anonymous, "/de/language"), (resident, "/en/account/login"),
                             (resident, "/en/account/register")):
            response = client.get(path, query_string={"next": target})
            assert response.status_code in (302, 303), path
            assert_stays_on_site(response)


def test_logging_in_and_registering_stay_on_site(app, world):
    for n, target in enumerate(["https://evil.example/", "//evil.example/", "/\\evil.example"]):
        client = client_as(app, world, "anonymous")
        token = get_csrf_token(client, "/en/account/login")
        response = client.post("/en/account/login", query_string={"next": target},
                               data={"csrf_token": token, "email": world.users["resident"].email, "password": PASSWORD})
        assert response.status_code == 303
        assert_stays_on_site(response)

        client = client_as(app, world, "anonymous")
        token = get_csrf_token(client, "/en/account/register")
        response = client.post("/en/account/register", query_string={"next": target}, data={
            "csrf_token": token, "email": f"new{n}@example.org", "display_name": "New", "password": PASSWORD,
            "confirm": PASSWORD})
        assert response.status_code == 303
        assert_stays_on_site(response)


def test_a_local_next_is_kept(app, world):
    client = client_as(app, world, "resident")
    response = client.get("/en/account/login", query_string={"next": "/en/consultations?status=open"})
    assert response.headers["Location"].endswith("/en/consultations?status=open")
