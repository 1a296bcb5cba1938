"""Rate limits: which endpoints are limited, the 429 page with Retry-After, nothing written when
limited, only POST counted, per client address (and ProxyFix behind a proxy), Redis storage."""
from __future__ import annotations

import os
import uuid

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from app.accounts.models import User
from app.extensions import limiter
from config import TestingConfig
from tests.helpers import count, get_csrf_token
from tests.security.world import changed_tables, snapshot

# Every kind of request the issue names; moderation.flag once that blueprint exists.
REQUIRED = {"contributions.contribute", "accounts.register", "accounts.login", "accounts.reset_request",
            "accounts.reset", "events.register", "organisations.register", "organisations.invite"}
LOGIN = "/en/account/login"


def with_limits(**per_endpoint: str) -> dict:
    """``RATELIMIT_ENDPOINTS`` with entries replaced: ``accounts_login="2/minute"``."""
    return {**TestingConfig.RATELIMIT_ENDPOINTS,
            **{name.replace("_", ".", 1): value for name, value in per_endpoint.items()}}


def _contribution_data(client, consultation, text="My idea for the neighbourhood"):
    path = f"/en/consultations/{consultation.slug}/contribute"
    free = consultation.questions[0]
    return path, {"csrf_token": get_csrf_token(client, path), "language": "en", f"q{free.id}": text}


def client_from(app, **environ):
    """A test client whose requests carry these WSGI environ values (REMOTE_ADDR, HTTP_X_FORWARDED_FOR)."""
    client = app.test_client()
    client.environ_base.update(environ)
    return client


def _failed_login(client, token):
    """A login the form refuses (422) before any password hashing: every POST counts."""
    return client.post(LOGIN, data={"csrf_token": token, "email": "nobody@example.org"})


def _assert_limited(response, window: int = 60):
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= window
    html = response.get_data(as_text=True)
    assert "<h1>Too many requests</h1>" in html
    assert "Too many attempts came from your connection. Please wait" in html and "has not been saved" in html
    if window == 60:
        assert "Please wait 1 minute and try again." in html


def test_the_configured_endpoints_that_exist_are_limited(make_app, app):
    limited_app = make_app()
    limited = limited_app.extensions["rate_limited_endpoints"]
    configured = TestingConfig.RATELIMIT_ENDPOINTS
    assert limited == sorted(e for e in configured if e in limited_app.view_functions)
    assert REQUIRED <= set(limited)
    assert ("moderation.flag" in limited) == ("moderation.flag" in limited_app.view_functions)
    # The suite's own app has limits off: nothing bound, no view wrapped.
    from app.accounts import routes

    assert app.extensions["rate_limited_endpoints"] == []
    assert app.view_functions["accounts.login"] is routes.login
    assert limited_app.view_functions["accounts.login"] is not routes.login


def test_contributing_is_limited_and_a_limited_request_writes_nothing(make_app, world):
    limited_app = make_app(RATELIMIT_ENDPOINTS=with_limits(contributions_contribute="3/minute;60/hour"))
    client = limited_app.test_client()
    for n in range(3):
        path, data = _contribution_data(client, world.pub, f"Idea number {n}")
        assert client.post(path, data=data).status_code == 303
    path, data = _contribution_data(client, world.pub, "One idea too many")
    before = snapshot()
    response = client.post(path, data=data)
    _assert_limited(response)
    assert changed_tables(before, snapshot()) == []
    # Reading the form is never limited, and another connection may still contribute.
    assert client.get(path).status_code == 200
    other = client_from(limited_app, REMOTE_ADDR="198.51.100.7")
    path, data = _contribution_data(other, world.pub, "From elsewhere")
    assert other.post(path, data=data).status_code == 303


def test_another_app_in_the_same_process_does_not_count_twice(make_app, db):
    """Flask-Limiter keeps its limits on the process-wide limiter; a second app must not add a copy."""
    make_app(RATELIMIT_ENDPOINTS=with_limits(accounts_login="2/minute"))
    client = make_app(RATELIMIT_ENDPOINTS=with_limits(accounts_login="2/minute")).test_client()
    token = get_csrf_token(client, LOGIN)
    assert [_failed_login(client, token).status_code for _ in range(3)] == [422, 422, 429]


def test_login_allows_ten_attempts_a_minute(make_app, db):
    client = make_app().test_client()
    token = get_csrf_token(client, LOGIN)
    assert [_failed_login(client, token).status_code for _ in range(10)] == [422] * 10
    _assert_limited(_failed_login(client, token))


def test_registering_is_limited_to_five_an_hour_and_the_sixth_account_is_not_created(make_app, db):
    client = make_app().test_client()
    path = "/en/account/register"
    token = get_csrf_token(client, path)
    for _n in range(5):
        assert client.post(path, data={"csrf_token": token, "email": "not an address"}).status_code == 422
    response = client.post(path, data={"csrf_token": token, "email": "new@example.org", "display_name": "New",
                                       "password": "a good long password", "confirm": "a good long password"})
    _assert_limited(response, window=3600)
    assert "Please wait 60 minutes" in response.get_data(as_text=True)
    assert count(db, User) == 0


def test_password_reset_requests_and_resets_are_limited(make_app, world, db):
    limited_app = make_app(RATELIMIT_ENDPOINTS=with_limits(accounts_reset_request="2/hour", accounts_reset="2/minute"))
    client = limited_app.test_client()
    token = get_csrf_token(client, "/en/account/reset")
    outbox = limited_app.extensions.setdefault("mail_outbox", [])
    for _n in range(2):
        assert client.post("/en/account/reset", data={"csrf_token": token, "email": "x@example.org"}).status_code == 200
    _assert_limited(client.post("/en/account/reset", data={"csrf_token": token, "email": "user@example.org"}), 3600)
    assert outbox == []  # no mail for the limited request (nor for unknown addresses)

    reset_path = f"/en/account/reset/{world.reset_token}"
    for _n in range(2):
        assert client.post(reset_path, data={"csrf_token": token, "password": "short"}).status_code == 422
    hash_before = world.users["resident"].password_hash
    response = client.post(reset_path, data={"csrf_token": token, "password": "a new long password",
                                             "confirm": "a new long password"})
    _assert_limited(response)
    db.session.expire_all()
    assert db.session.get(User, world.users["resident"].id).password_hash == hash_before


def test_the_429_page_is_translated(make_app, app, db):
    client = make_app(RATELIMIT_ENDPOINTS=with_limits(accounts_login="1/minute")).test_client()
    token = get_csrf_token(client, "/de/account/login")
    client.post("/de/account/login", data={"csrf_token": token})
    response = client.post("/de/account/login", data={"csrf_token": token})
    assert response.status_code == 429 and response.headers["Retry-After"]
    html = response.get_data(as_text=True)
    with app.test_request_context("/de/"), force_locale("de"):
        title = _("Too many requests")
    assert title != "Too many requests" and f"<h1>{title}</h1>" in html
    assert '<html lang="de"' in html


def test_the_api_gets_a_json_429(make_app, db):
    """No API address accepts POST yet; one added for the test shows the API's answer."""
    limited_app = make_app()

    def echo():
        return {"ok": True}

    limited_app.add_url_rule("/api/v1/_echo", "api_echo", limiter.limit("1/minute", methods=["POST"])(echo),
                             methods=["POST"])
    client = limited_app.test_client()
    token = get_csrf_token(client, "/en/account/reset")
    assert client.post("/api/v1/_echo", data={"csrf_token": token}).status_code == 200
    response = client.post("/api/v1/_echo", data={"csrf_token": token}, headers={"Accept-Language": "en"})
    assert response.status_code == 429 and response.is_json
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.get_json()["error"]["status"] == 429
    assert "Please wait 1 minute" in response.get_json()["error"]["detail"]


def test_behind_a_proxy_the_forwarded_client_address_is_counted(make_app, db):
    proxied = make_app(PROXY_FIX_X_FOR=1, RATELIMIT_ENDPOINTS=with_limits(accounts_login="1/minute"))
    first = client_from(proxied, HTTP_X_FORWARDED_FOR="198.51.100.1")
    token = get_csrf_token(first, LOGIN)
    assert _failed_login(first, token).status_code == 422
    assert _failed_login(first, token).status_code == 429
    second = client_from(proxied, HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert _failed_login(second, get_csrf_token(second, LOGIN)).status_code == 422


def test_without_proxy_fix_a_forged_forwarded_header_does_not_escape_the_limit(make_app, db):
    direct = make_app(RATELIMIT_ENDPOINTS=with_limits(accounts_login="1/minute"))
    client = direct.test_client()
    token = get_csrf_token(client, LOGIN)
    assert _failed_login(client, token).status_code == 422
    forged = client.post(LOGIN, data={"csrf_token": token}, headers={"X-Forwarded-For": "203.0.113.9"})
    assert forged.status_code == 429


def test_an_unreachable_redis_falls_back_to_memory_instead_of_failing(make_app, db):
    try:
        unreachable = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0",
                               RATELIMIT_ENDPOINTS=with_limits(accounts_login="1/minute"))
        client = unreachable.test_client()
        token = get_csrf_token(client, LOGIN)
        assert _failed_login(client, token).status_code == 422
        assert _failed_login(client, token).status_code == 429
    finally:
        # Flask-Limiter remembers a dead storage on its (process-wide) object; the next app must not.
        limiter._storage_dead = False


REDIS_URL = os.environ.get("REDIS_URL")


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15): "
                                          "the rate-limit test against a real Redis is skipped")
def test_limits_are_counted_in_redis_when_redis_url_is_set(make_app, db):
    import redis
    from limits.storage import RedisStorage

    prefix = f"vielstimmig-test-{uuid.uuid4().hex}"
    connection = redis.Redis.from_url(REDIS_URL)
    try:
        settings = {"REDIS_URL": REDIS_URL, "RATELIMIT_STORAGE_URI": None,
                    "RATELIMIT_STORAGE_OPTIONS": {"key_prefix": prefix},
                    "RATELIMIT_ENDPOINTS": with_limits(accounts_login="2/minute")}
        redis_app = make_app(**settings)
        assert isinstance(limiter.storage, RedisStorage)
        client = redis_app.test_client()
        token = get_csrf_token(client, LOGIN)
        assert [_failed_login(client, token).status_code for _ in range(3)] == [422, 422, 429]
        keys = list(connection.scan_iter(match=f"{prefix}:*"))
        assert keys and all(0 < connection.ttl(key) <= 60 for key in keys)
        # Another process (here: another app on the same Redis) sees the same counter.
        other_client = make_app(**settings).test_client()
        assert _failed_login(other_client, get_csrf_token(other_client, LOGIN)).status_code == 429
    finally:
        for key in connection.scan_iter(match=f"{prefix}:*"):
            connection.delete(key)
        assert not list(connection.scan_iter(match=f"{prefix}:*"))
        connection.close()


def test_proxy_fix_is_off_unless_configured(app, make_app):
    from werkzeug.middleware.proxy_fix import ProxyFix

    assert not isinstance(app.wsgi_app, ProxyFix)  # headers anyone can send are not believed
    proxied = make_app(PROXY_FIX_X_FOR=1, PROXY_FIX_X_PROTO=1)
    assert isinstance(proxied.wsgi_app, ProxyFix)
    assert (proxied.wsgi_app.x_for, proxied.wsgi_app.x_proto, proxied.wsgi_app.x_host) == (1, 1, 0)
