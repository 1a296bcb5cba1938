"""Rate limits on the requests that abuse aims at: contributing, flagging, registering, logging in,
asking for and setting a new password (Flask-Limiter).

Limits are applied here, centrally, by endpoint name (``RATELIMIT_ENDPOINTS``) once the blueprints
are registered, so that route modules stay free of them; endpoints that are not registered are
skipped. Only POST requests count: reading a form is never limited. Counters are kept per client
address (``request.remote_addr``; behind a reverse proxy, ``PROXY_FIX_X_FOR`` makes that the
visitor's) in Redis when ``REDIS_URL`` is set, else in memory. A limited request gets the translated
429 page (JSON under ``/api/``) with ``Retry-After``, before the view runs: nothing is written.
"""
from __future__ import annotations

import math
import time
from collections.abc import Callable

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded

from app.extensions import db, limiter

LIMITED_METHODS = ("POST",)
EXTENSION_KEY = "rate_limited_endpoints"

# One provider per endpoint, shared by every app in the process: Flask-Limiter keeps decorated limits
# on the (global) limiter by function name, and equal limit objects are then registered only once.
_providers: dict[str, Callable[[], str]] = {}


def _provider(endpoint: str) -> Callable[[], str]:
    """The limit string of ``endpoint``, read from the current app's config at request time."""
    if endpoint not in _providers:
        def limit_value() -> str:
            return current_app.config["RATELIMIT_ENDPOINTS"].get(endpoint, "")

        _providers[endpoint] = limit_value
    return _providers[endpoint]


def init_limits(app) -> list[str]:
    """Bind the limiter and wrap the configured endpoints' views; returns (and records in
    ``app.extensions``) the endpoints that are limited. With ``RATELIMIT_ENABLED`` off, nothing
    is bound or wrapped at all."""
    limited: list[str] = []
    app.extensions[EXTENSION_KEY] = limited
    if not app.config.get("RATELIMIT_ENABLED", True):
        return limited
    app.config["RATELIMIT_STORAGE_URI"] = (app.config.get("RATELIMIT_STORAGE_URI") or app.config.get("REDIS_URL")
                                           or "memory://")
    limiter.init_app(app)
    for endpoint in sorted(app.config.get("RATELIMIT_ENDPOINTS") or {}):
        view = app.view_functions.get(endpoint)
        if view is None:
            continue
        app.view_functions[endpoint] = limiter.limit(_provider(endpoint), methods=list(LIMITED_METHODS))(view)
        limited.append(endpoint)
    app.register_error_handler(RateLimitExceeded, too_many_requests)
    return limited


def retry_after_seconds(error: RateLimitExceeded) -> int:
    """Seconds until the breached limit's window ends: at least 1, at most the window's length."""
    window = max(1, int(error.limit.limit.get_expiry()))
    current = limiter.current_limit
    if current is not None and current.breached:
        return min(window, max(1, math.ceil(current.reset_at - time.time())))
    return window


def too_many_requests(error: RateLimitExceeded):
    """The translated 429 page, saying how long to wait, with ``Retry-After``."""
    from app.core.errors import render_error

    db.session.rollback()
    seconds = retry_after_seconds(error)
    minutes = math.ceil(seconds / 60)
    detail = " ".join([
        ngettext("Too many attempts came from your connection. Please wait %(num)d minute and try again.",
                 "Too many attempts came from your connection. Please wait %(num)d minutes and try again.",
                 minutes),
        _("What you entered has not been saved. Your browser's back button takes you back to the form, "
          "usually with your text still in it."),
    ])
    response, code = render_error(429, detail)
    response = current_app.make_response((response, code))
    response.headers["Retry-After"] = str(seconds)
    return response
