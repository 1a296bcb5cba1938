"""Account pages: register, log in and log out, through the test client."""
from __future__ import annotations

import re

import pytest

from app.accounts import services
from app.accounts.models import Role, User
from tests.accounts.helpers import (
    LOGIN,
    PASSWORD,
    REGISTER,
    log_in,
    post_form,
    session_user_id,
    user_by_email,
)
from tests.factories import HOSTILE, make_user
from tests.helpers import count, get_csrf_token


def register_data(**overrides):
    data = {"email": "Ana.Example@Example.ORG ", "display_name": "Ana", "password": "long enough pass",
            "confirm": "long enough pass"}
    data.update(overrides)
    return data


# --- every page renders ------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "de"])
@pytest.mark.parametrize("page", ["login", "register", "reset"])
def test_pages_render_in_both_languages(client, lang, page):
    response = client.get(f"/{lang}/account/{page}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'<html lang="{lang}"' in html
    assert html.count("<h1>") == 1
    assert response.headers["Cache-Control"] == "no-store"
    assert 'name="csrf_token"' in html
    for input_id in re.findall(r'<input[^>]*\bid="([^"]+)"[^>]*>', html):
        if input_id != "csrf_token":
            assert f'<label for="{input_id}">' in html, input_id


def test_autocomplete_attributes(client):
    login = client.get(LOGIN).get_data(as_text=True)
    assert re.search(r'autocomplete="email"[^>]*name="email"', login)
    assert 'autocomplete="current-password"' in login
    register = client.get(REGISTER).get_data(as_text=True)
    assert 'autocomplete="name"' in register and 'autocomplete="email"' in register
    assert register.count('autocomplete="new-password"') == 2


@pytest.mark.parametrize("lang", ["en", "de"])
def test_reset_form_renders_for_valid_token(client, db, lang):
    user = make_user()
    response = client.get(f"/{lang}/account/reset/{services.password_reset_token(user)}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.count("<h1>") == 1 and 'autocomplete="new-password"' in html


# --- register ----------------------------------------------------------------------------------

def test_register_creates_resident_logs_in_and_follows_safe_next(client, db):
    response = post_form(client, REGISTER + "?next=/en/consultations", register_data())
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/consultations"
    user = user_by_email(db, "ana.example@example.org")
    assert user is not None and user.role is Role.RESIDENT and user.active
    assert user.display_name == "Ana" and user.preferred_language == "en"
    assert user.password_hash != "long enough pass" and user.check_password("long enough pass")
    assert user.last_login_at is not None
    assert session_user_id(client) == user.get_id()
    html = client.get("/en/").get_data(as_text=True)
    assert "Log out" in html and 'href="/en/account/login"' not in html


def test_register_escapes_display_name(client, db):
    response = post_form(client, REGISTER, register_data(display_name="Ana " + HOSTILE), follow_redirects=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_register_without_next_goes_home_and_ignores_unsafe_next(client, db):
    response = post_form(client, REGISTER + "?next=https://evil.example/", register_data())
    assert response.status_code == 303 and response.headers["Location"] == "/en/"


def test_register_duplicate_email_is_refused_without_writing(client, db):
    existing = make_user(email="ana.example@example.org")
    response = post_form(client, REGISTER, register_data(email="ANA.example@example.org"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This e-mail address cannot be used for a new account" in html
    assert count(db, User) == 1 and session_user_id(client) is None
    db.session.refresh(existing)
    assert existing.check_password(PASSWORD)


@pytest.mark.parametrize("overrides, message", [
    ({"email": "not-an-address"}, "Please enter a valid e-mail address"),
    ({"email": "a@b@example.org"}, "Please enter a valid e-mail address"),
    ({"email": ""}, "Please enter your e-mail address."),
    ({"email": "x" * 250 + "@example.org"}, "Please use at most 254 characters."),
    ({"display_name": "   "}, "Please enter a name."),
    ({"display_name": "x" * 81}, "Please use at most 80 characters."),
    ({"display_name": "Ana\x00"}, "Please remove invisible control characters."),
    ({"password": "too short", "confirm": "too short"}, "Please choose a password with 10 to 128 characters."),
    ({"password": "x" * 129, "confirm": "x" * 129}, "Please choose a password with 10 to 128 characters."),
    ({"confirm": "something different"}, "The two passwords are not the same."),
])
def test_register_bad_input_is_refused_with_message(client, db, overrides, message):
    response = post_form(client, REGISTER, register_data(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html and 'aria-invalid="true"' in html
    assert count(db, User) == 0 and session_user_id(client) is None


def test_register_keeps_password_out_of_the_page(client, db):
    html = post_form(client, REGISTER, register_data(confirm="a different secret")).get_data(as_text=True)
    assert "long enough pass" not in html and "a different secret" not in html


def test_register_without_csrf_token_is_refused(client, db):
    response = client.post(REGISTER, data=register_data())
    assert response.status_code == 400
    assert "Your session has expired" in response.get_data(as_text=True)
    assert count(db, User) == 0 and session_user_id(client) is None


def test_register_with_huge_body_is_refused(client, db):
    response = post_form(client, REGISTER, register_data(display_name="x" * (1024 * 1024)))
    assert response.status_code == 413
    assert count(db, User) == 0


def test_register_page_redirects_when_logged_in(client, login_as):
    login_as("resident")
    response = client.get(REGISTER)
    assert response.status_code == 302 and response.headers["Location"] == "/en/"


# --- log in ------------------------------------------------------------------------------------

def test_login_success_records_time_and_redirects_home(client, db):
    user = make_user(email="maria@example.org")
    response = log_in(client, "  Maria@Example.org ", PASSWORD)
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
    assert session_user_id(client) == user.get_id()
    db.session.refresh(user)
    assert user.last_login_at is not None
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_remember_me_sets_cookie(client, db):
    make_user(email="maria@example.org")
    response = log_in(client, "maria@example.org", PASSWORD, remember="y")
    assert response.status_code == 303
    assert any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


def test_login_failure_is_the_same_for_unknown_email_and_wrong_password(client, db):
    make_user(email="maria@example.org")
    wrong_password = log_in(client, "maria@example.org", "not the password")
    unknown = log_in(client, "nobody@example.org", "not the password")
    for response in (wrong_password, unknown):
        assert response.status_code == 422
        assert "The e-mail address or the password is not correct." in response.get_data(as_text=True)
    assert session_user_id(client) is None

    def normalized(response):
        html = response.get_data(as_text=True)
        html = re.sub(r'name="csrf_token" type="hidden" value="[^"]+"', "", html)
        return html.replace("maria@example.org", "EMAIL").replace("nobody@example.org", "EMAIL")

    assert normalized(wrong_password) == normalized(unknown)
    assert "not the password" not in wrong_password.get_data(as_text=True)


def test_login_with_invalid_form_is_422(client, db):
    response = log_in(client, "no-at-sign", "")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Please enter a valid e-mail address" in html and "Please enter your password." in html


def test_inactive_user_is_refused(client, db):
    user = make_user(email="gone@example.org", active=False)
    response = log_in(client, "gone@example.org", PASSWORD)
    assert response.status_code == 403
    assert "This account has been deactivated." in response.get_data(as_text=True)
    assert session_user_id(client) is None
    db.session.refresh(user)
    assert user.last_login_at is None
    # With a wrong password nobody learns that the account exists or is inactive.
    response = log_in(client, "gone@example.org", "not the password")
    assert response.status_code == 422
    assert "deactivated" not in response.get_data(as_text=True)


def test_deactivated_user_loses_open_session(client, db, login_as):
    user = login_as("resident")
    assert "Log out" in client.get("/en/").get_data(as_text=True)
    user.active = False
    db.session.commit()
    assert "Log out" not in client.get("/en/").get_data(as_text=True)


@pytest.mark.parametrize("target", [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "http:evil.example",
    "/\t/evil.example",
    " //evil.example",
    "evil.example",
])
def test_login_refuses_open_redirects(client, db, target):
    make_user(email="maria@example.org")
    page = client.get(LOGIN, query_string={"next": target}).get_data(as_text=True)
    main = page[page.index("<main"):page.index("</main>")]  # the form action and the register link
    assert "evil.example" not in main and 'action="/en/account/login"' in main
    token = get_csrf_token(client, LOGIN)
    response = client.post(LOGIN, query_string={"next": target},
                           data={"email": "maria@example.org", "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303
    assert response.headers["Location"] == "/en/"


def test_login_honours_local_next(client, db):
    make_user(email="maria@example.org")
    page = client.get(LOGIN, query_string={"next": "/en/consultations?page=2"}).get_data(as_text=True)
    assert 'action="/en/account/login?next=/en/consultations?page%3D2"' in page
    response = log_in(client, "maria@example.org", PASSWORD, path=LOGIN + "?next=/en/consultations%3Fpage%3D2")
    assert response.headers["Location"] == "/en/consultations?page=2"


def test_login_page_redirects_when_logged_in(client, login_as):
    login_as("resident")
    response = client.get(LOGIN + "?next=/en/consultations")
    assert response.status_code == 302 and response.headers["Location"] == "/en/consultations"


def test_login_required_redirects_to_login_with_translated_message(app):
    from flask import get_flashed_messages

    from app.extensions import login_manager

    with app.test_request_context("/en/consultations?page=2"):
        app.preprocess_request()
        response = login_manager.unauthorized()
        assert response.status_code == 302
        assert response.location == "/en/account/login?next=%2Fen%2Fconsultations%3Fpage%3D2"
        assert get_flashed_messages(with_categories=True) == [("info", "Please log in to see this page.")]


# --- log out -----------------------------------------------------------------------------------

def test_logout_needs_post_and_csrf(client, login_as):
    user = login_as("resident")
    assert client.get("/en/account/logout").status_code == 405
    assert client.post("/en/account/logout").status_code == 400
    assert session_user_id(client) == user.get_id()
    token = get_csrf_token(client, "/en/")  # the logout form in the page header
    response = client.post("/en/account/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
    assert session_user_id(client) is None
    html = client.get("/en/").get_data(as_text=True)
    assert "You have been logged out." in html and "Log out" not in html


def test_logout_when_not_logged_in_just_goes_home(client, db):
    token = get_csrf_token(client, LOGIN)
    response = client.post("/en/account/logout", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == "/en/"
