"""Authorisation matrix rows for the events and statements pages (collected by tests/security/route_table.py).

Objects: ``w.event`` (of w.org, for w.pub, registration with 20 places), ``w.event_token`` (the cancel
link of its one registration), ``w.statement`` (of w.org on w.pub, with a PDF)."""
from __future__ import annotations

from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)

ORGANISERS = COHOST + ADMIN  # announce and manage w.pub's events
ACTING = COHOST + ("other_member",)  # members of a verified organisation: statements (any consultation)


def _event(w):
    return {"event_id": w.event.id}


def _pub(w):
    return {"slug": w.pub.slug}


CASES: list = [
    # --- statements: members of any verified organisation submit; the PDF for every reader
    get("statements.new", only(ACTING, 200, 403), _pub, label="open consultation"),
    post("statements.new", only(ACTING, 422, 403), _pub, label="empty form"),
    get("statements.new", everyone(404), lambda w: {"slug": "no-such"},
        label="unknown consultation"),
    get("statements.new", only(ACTING, 409, 403), lambda w: {"slug": w.closed.slug}, label="closed"),
    get("statements.attachment", everyone(200), lambda w: {"slug": w.pub.slug, "statement_id": w.statement.id}),
    get("statements.attachment", everyone(404), lambda w: {"slug": w.closed.slug, "statement_id": w.statement.id},
        label="wrong consultation"),
    # --- events: public list and page; registration for everyone; managing for the organisers
    get("events.index", everyone(200)),
    get("events.index", everyone(200), lambda w: {"consultation": w.pub.slug}, label="by consultation"),
    get("events.index", only(STAFF, 200), lambda w: {"consultation": w.internal.slug}, label="internal"),
    get("events.detail", everyone(200), _event),
    post("events.register", everyone(422), _event, label="empty form"),
    get("events.cancel_registration", everyone(200), lambda w: {"token": w.event_token}),
    get("events.cancel_registration", everyone(404), lambda w: {"token": "forged-token-forged-token-forged"},
        label="forged link"),
    post("events.cancel_registration", everyone(303), lambda w: {"token": w.event_token}),
    get("events.new", only(ORGANISERS, 200, 403), label="choose the consultation"),
    get("events.new", only(ORGANISERS, 200, 403), lambda w: {"consultation": w.pub.slug}),
    post("events.new", only(ORGANISERS, 422, 403), lambda w: {"consultation": w.pub.slug}, label="empty form"),
    get("events.new", only(ADMIN, 200, 403), lambda w: {"consultation": w.members_only.slug}, label="not co-hosted"),
    get("events.new", only(ADMIN, 409, 403), lambda w: {"consultation": w.closed.slug}, label="closed"),
    get("events.edit", only(ORGANISERS, 200, 403), _event),
    post("events.edit", only(ORGANISERS, 422, 403), _event, label="empty form"),
    get("events.registrations", only(ORGANISERS, 200, 403), _event),
    post("events.cancel", only(ORGANISERS, 422, 403), _event, label="not confirmed"),
]
