"""Password reset through the test client: request, mail, link, new password; bad links."""
from __future__ import annotations

import email
import email.policy
import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from app.accounts import services
from tests.accounts.conftest import free_port
from tests.accounts.helpers import (
    LOGIN,
    NEW_PASSWORD,
    PASSWORD,
    RESET,
    log_in,
    post_form,
    reset_link,
    session_user_id,
)
from tests.factories import make_user
from tests.helpers import get_csrf_token


def test_password_reset_full_flow(client, db, outbox):
    user = make_user(email="maria@example.org", display_name="Maria")
    response = post_form(client, RESET, {"email": "Maria@example.org"})
    assert response.status_code == 200
    assert "If an account exists for Maria@example.org" in response.get_data(as_text=True)
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == "maria@example.org"
    assert message["Subject"] == "Set a new password for Vielstimmig"
    assert message["From"] and message["Message-ID"] and message["Date"]
    assert "Hello Maria," in message.get_content() and "1 hour" in message.get_content()
    link = reset_link(message)

    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == LOGIN
    assert "Your password has been changed." in client.get(LOGIN).get_data(as_text=True)

    assert log_in(client, "maria@example.org", PASSWORD).status_code == 422
    assert log_in(client, "maria@example.org", NEW_PASSWORD).status_code == 303
    assert session_user_id(client) == user.get_id()

    # The link is single use.
    client.post("/en/account/logout", data={"csrf_token": get_csrf_token(client, "/en/")})
    response = client.get(link)
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)
    response = post_form(client, link, {"password": "yet another passphrase", "confirm": "yet another passphrase"},
                         token_page=LOGIN)
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_reset_with_bad_new_password_changes_nothing(client, db, outbox):
    user = make_user()
    link = f"/en/account/reset/{services.password_reset_token(user)}"
    response = post_form(client, link, {"password": "short", "confirm": "short"})
    assert response.status_code == 422
    assert "Please choose a password with 10 to 128 characters." in response.get_data(as_text=True)
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert response.status_code == 422
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    assert client.get(link).status_code == 200  # the link still works


def test_reset_logs_out_a_logged_in_user(client, db, login_as):
    user = login_as("resident")
    link = f"/en/account/reset/{services.password_reset_token(user)}"
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert session_user_id(client) is None


def test_reset_request_answers_the_same_for_unknown_and_inactive(client, db, outbox):
    make_user(email="maria@example.org")
    make_user(email="gone@example.org", active=False)
    pages = []
    for address in ("maria@example.org", "nobody@example.org", "gone@example.org"):
        response = post_form(client, RESET, {"email": address})
        assert response.status_code == 200
        pages.append(response.get_data(as_text=True).replace(address, "EMAIL"))
    assert pages[0] == pages[1] == pages[2]
    assert [m["To"] for m in outbox] == ["maria@example.org"]


def test_reset_request_invalid_email_is_422(client, db, outbox):
    response = post_form(client, RESET, {"email": "nope"})
    assert response.status_code == 422
    assert "Please enter a valid e-mail address" in response.get_data(as_text=True)
    assert outbox == []


def test_reset_request_without_csrf_sends_nothing(client, db, outbox):
    make_user(email="maria@example.org")
    assert client.post(RESET, data={"email": "maria@example.org"}).status_code == 400
    assert outbox == []


def test_reset_mail_link_keeps_the_language(client, db, outbox):
    make_user(email="maria@example.org")
    post_form(client, "/de/account/reset", {"email": "maria@example.org"})
    assert "/de/account/reset/" in reset_link(outbox[0]) and reset_link(outbox[0]).startswith("/de/")


def _old_token(user, monkeypatch, age: int) -> str:
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - age)
    token = services.password_reset_token(user)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    return token


def test_expired_token_is_refused_and_changes_nothing(client, db, monkeypatch):
    user = make_user()
    link = f"/en/account/reset/{_old_token(user, monkeypatch, 3601)}"
    response = client.get(link)
    assert response.status_code == 400
    assert "This link has expired." in response.get_data(as_text=True)
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, token_page=LOGIN)
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.check_password(PASSWORD)
    # Just inside the limit it still works.
    assert client.get(f"/en/account/reset/{_old_token(user, monkeypatch, 3500)}").status_code == 200


def test_max_age_comes_from_config(app, client, db, monkeypatch):
    user = make_user()
    link = f"/en/account/reset/{services.password_reset_token(user)}"
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)
    response = client.get(link)
    assert response.status_code == 400 and "This link has expired." in response.get_data(as_text=True)


@pytest.mark.parametrize("mangle", [
    # A character inside the signature (the last one partly holds padding bits that decoding ignores).
    lambda token: token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:],
    lambda token: token.split(".")[0] + ".AAAAAA." + token.split(".")[2],
    lambda token: "not-a-token",
    lambda token: "x" * 2000,
])
def test_forged_tokens_are_refused_and_change_nothing(client, db, mangle):
    user = make_user()
    link = f"/en/account/reset/{mangle(services.password_reset_token(user))}"
    response = client.get(link)
    assert response.status_code == 400
    assert "This link is not valid." in response.get_data(as_text=True)
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, token_page=LOGIN)
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_token_signed_with_another_key_is_refused(client, db):
    user = make_user()
    forged = URLSafeTimedSerializer("guessed-secret", salt=services.RESET_SALT).dumps(
        {"uid": user.id, "fp": services._fingerprint(user)})
    assert client.get(f"/en/account/reset/{forged}").status_code == 400


def test_password_reset_through_a_real_smtp_server(client, db, outbox, smtp_server):
    make_user(email="maria@example.org", display_name="Maria")
    response = post_form(client, RESET, {"email": "maria@example.org"})
    assert response.status_code == 200
    assert outbox == []  # really sent, not only recorded
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["maria@example.org"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert message["Subject"] == "Set a new password for Vielstimmig"
    link = reset_link(message)
    assert client.get(link).status_code == 200
    response = post_form(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 303
    assert log_in(client, "maria@example.org", NEW_PASSWORD).status_code == 303


def test_unreachable_mail_server_still_gives_the_same_answer(app, client, db, outbox, monkeypatch, caplog):
    make_user(email="maria@example.org")
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())  # nobody listens there
    response = post_form(client, RESET, {"email": "maria@example.org"})
    assert response.status_code == 200
    assert "If an account exists for maria@example.org" in response.get_data(as_text=True)
    assert "Could not send the password reset mail" in caplog.text
