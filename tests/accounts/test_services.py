"""Account services and the mail helper, without the test client."""
from __future__ import annotations

import base64
import json
import logging

import pytest
from itsdangerous import URLSafeTimedSerializer

from app.accounts import services
from app.accounts.models import Role, User
from app.core import mail
from tests.factories import make_user
from tests.helpers import count

PASSWORD = "correct horse battery"


@pytest.fixture()
def ctx(app, db):
    """A request context in English, as services run inside requests."""
    with app.test_request_context("/en/"):
        app.preprocess_request()
        yield db


def test_register_user_normalizes_and_hashes(ctx):
    user = services.register_user("  Ana@Example.ORG ", "  Ana  ", "long enough pass", language="de")
    assert user.id is not None  # flushed
    assert user.email == "ana@example.org" and user.display_name == "Ana"
    assert user.role is Role.RESIDENT and user.active and user.preferred_language == "de"
    assert "long enough pass" not in user.password_hash and user.check_password("long enough pass")
    ctx.session.rollback()  # not committed by the service
    assert count(ctx, User) == 0


def test_register_user_refuses_taken_email_in_any_case(ctx):
    make_user(email="ana@example.org")
    with pytest.raises(services.EmailTaken):
        services.register_user("ANA@example.org", "Ana", "long enough pass")


def test_register_user_catches_a_concurrent_duplicate(ctx, monkeypatch):
    make_user(email="ana@example.org")
    monkeypatch.setattr(services, "find_by_email", lambda email: None)  # as if the other request was faster
    with pytest.raises(services.EmailTaken):
        services.register_user("ana@example.org", "Ana", "long enough pass")
    ctx.session.rollback()
    assert count(ctx, User) == 1


@pytest.mark.parametrize("email, name, password, reason", [
    ("", "Ana", "long enough pass", "email"),
    ("no-at-sign", "Ana", "long enough pass", "email"),
    ("a" * 250 + "@example.org", "Ana", "long enough pass", "email"),
    ("ana@example.org", "  ", "long enough pass", "display_name"),
    ("ana@example.org", "x" * 81, "long enough pass", "display_name"),
    ("ana@example.org", "Ana\x00", "long enough pass", "display_name"),
    ("ana@example.org", "Ana", "short", "password"),
    ("ana@example.org", "Ana", "x" * 129, "password"),
])
def test_register_user_checks_every_rule_again(ctx, email, name, password, reason):
    with pytest.raises(services.AccountError) as refused:
        services.register_user(email, name, password)
    assert refused.value.reason == reason
    assert count(ctx, User) == 0


def test_authenticate(ctx):
    user = make_user(email="maria@example.org")
    assert services.authenticate("MARIA@example.org", PASSWORD) is user
    assert services.authenticate("maria@example.org", "wrong password") is None
    assert services.authenticate("nobody@example.org", PASSWORD) is None
    assert services.authenticate("", "") is None


def test_authenticate_inactive_only_reveals_itself_with_the_right_password(ctx):
    make_user(email="gone@example.org", active=False)
    with pytest.raises(services.InactiveAccount):
        services.authenticate("gone@example.org", PASSWORD)
    assert services.authenticate("gone@example.org", "wrong password") is None


def test_record_login(ctx):
    user = make_user()
    assert user.last_login_at is None
    services.record_login(user)
    assert user.last_login_at is not None


# --- reset tokens ------------------------------------------------------------------------------

def test_token_round_trip(ctx):
    user = make_user()
    assert services.user_from_reset_token(services.password_reset_token(user)) is user


def test_token_does_not_carry_the_password_hash(ctx):
    user = make_user()
    token = services.password_reset_token(user)
    payload = token.split(".")[0]
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert set(data) == {"uid", "fp"}
    assert user.password_hash not in token and data["fp"] not in user.password_hash


def test_token_stops_working_after_password_or_email_change(ctx):
    user = make_user()
    token = services.password_reset_token(user)
    services.reset_password(user, "a brand new password")
    with pytest.raises(services.InvalidResetToken) as invalid:
        services.user_from_reset_token(token)
    assert invalid.value.reason == "invalid"

    token = services.password_reset_token(user)
    user.email = "changed@example.org"
    with pytest.raises(services.InvalidResetToken):
        services.user_from_reset_token(token)


def test_token_for_inactive_or_deleted_user_is_invalid(ctx):
    user = make_user()
    token = services.password_reset_token(user)
    user.active = False
    with pytest.raises(services.InvalidResetToken):
        services.user_from_reset_token(token)
    ctx.session.delete(user)
    ctx.session.flush()
    with pytest.raises(services.InvalidResetToken):
        services.user_from_reset_token(token)


def test_expired_token(ctx):
    user = make_user()
    token = services.password_reset_token(user)
    with pytest.raises(services.InvalidResetToken) as invalid:
        services.user_from_reset_token(token, max_age=-1)
    assert invalid.value.reason == "expired"


@pytest.mark.parametrize("payload", [[1, "x"], {"uid": "1", "fp": "x"}, {"uid": 1}, "text", None])
def test_signed_token_with_wrong_payload_is_invalid(app, ctx, payload):
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=services.RESET_SALT).dumps(payload)
    with pytest.raises(services.InvalidResetToken) as invalid:
        services.user_from_reset_token(token)
    assert invalid.value.reason == "invalid"


def test_token_from_another_salt_is_invalid(app, ctx):
    user = make_user()
    token = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="something-else").dumps(
        {"uid": user.id, "fp": services._fingerprint(user)})
    with pytest.raises(services.InvalidResetToken):
        services.user_from_reset_token(token)


def test_reset_password_checks_rules(ctx):
    user = make_user()
    with pytest.raises(services.AccountError):
        services.reset_password(user, "short")
    assert user.check_password(PASSWORD)


def test_request_password_reset_mails_only_active_accounts(ctx, outbox):
    make_user(email="maria@example.org")
    make_user(email="gone@example.org", active=False)
    services.request_password_reset("nobody@example.org")
    services.request_password_reset("gone@example.org")
    assert outbox == []
    services.request_password_reset("MARIA@example.org")
    assert len(outbox) == 1 and outbox[0]["To"] == "maria@example.org"
    assert "/en/account/reset/" in outbox[0].get_content()


@pytest.mark.parametrize("seconds, text", [(3600, "1 hour"), (7200, "2 hours"), (5400, "90 minutes"),
                                           (60, "1 minute"), (30, "1 minute"), (900, "15 minutes")])
def test_duration_text(ctx, seconds, text):
    assert services._duration_text(seconds) == text


# --- mail --------------------------------------------------------------------------------------

def test_send_mail_without_server_logs_and_records_in_tests(app, outbox, caplog):
    with app.app_context(), caplog.at_level(logging.INFO, logger=app.logger.name):
        mail.send_mail("ana@example.org", "Grüße", "Text mit Ümlaut – und Link")
    assert len(outbox) == 1
    assert outbox[0]["Subject"] == "Grüße" and outbox[0].get_content().strip() == "Text mit Ümlaut – und Link"
    assert "Text mit Ümlaut" in caplog.text


def test_send_mail_records_nothing_outside_tests(app, outbox, monkeypatch, caplog):
    """In production without a mail server, the body (it may hold a reset link) is never logged."""
    monkeypatch.setattr(app, "testing", False)
    with app.app_context(), caplog.at_level(logging.INFO, logger=app.logger.name):
        mail.send_mail("ana@example.org", "Subject", "Body with a secret link")
    assert outbox == [] and "secret link" not in caplog.text and "not sent" in caplog.text


def test_send_mail_refuses_header_injection(app, outbox):
    with app.app_context(), pytest.raises(mail.MailError):
        mail.send_mail("ana@example.org", "Hi\r\nBcc: victim@example.org", "Body")
    assert outbox == []


def test_send_mail_through_smtp(app, smtp_server):
    with app.app_context():
        mail.send_mail("ana@example.org", "Subject", "Body")
    assert len(smtp_server.envelopes) == 1
    assert smtp_server.envelopes[0].rcpt_tos == ["ana@example.org"]


def test_send_mail_raises_mail_error_when_server_unreachable(app, monkeypatch):
    from tests.accounts.conftest import free_port

    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", free_port())
    with app.app_context(), pytest.raises(mail.MailError):
        mail.send_mail("ana@example.org", "Subject", "Body")


def test_changing_the_password_ends_other_sessions(app, db):
    """A session (or remember-me cookie) made before a password change no longer logs in."""
    from app.accounts.routes import load_user
    from tests.factories import make_user

    user = make_user()
    session_id = user.get_id()
    assert load_user(session_id) is user
    user.set_password("a brand new secret")
    db.session.commit()
    assert load_user(session_id) is None
    assert load_user(user.get_id()) is user
    assert load_user(str(user.id)) is None  # an id without the fingerprint is refused
    assert load_user("abc") is None and load_user("9" * 40) is None
