"""Authorisation matrix rows for the cohost pages (collected by tests/security/route_table.py).

Members of w.org (member, mediator, owner) work on w.pub, which w.org co-hosts, and on nothing else;
administrators on every consultation; everyone else gets 404. The translation queue is for language
mediators (and administrators)."""
from __future__ import annotations

from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)

WORKSPACE = COHOST + ADMIN  # the co-host pages of w.pub
MEDIATORS = ("mediator", "admin")  # the translation queue


def _slug(name, **query):
    return lambda w: {"slug": getattr(w, name).slug, **query}


def _update(name):
    return lambda w: {"slug": getattr(w, name).consultation.slug, "update_id": getattr(w, name).id}


def _item(name):
    return lambda w: {"contribution_id": getattr(w, name).id}


def _german(w):
    return {"language": "de", "title": ""}


CASES: list = [
    get("cohost.index", only(WORKSPACE, 200)),
    # the consultation's texts per language
    get("cohost.translations", only(WORKSPACE, 200), _slug("pub"), label="co-hosted"),
    get("cohost.translations", only(WORKSPACE, 200), _slug("pub", language="ar"), label="Arabic"),
    get("cohost.translations", only(WORKSPACE, 400), _slug("pub", language="xx"), label="unknown language"),
    get("cohost.translations", only(ADMIN, 200), _slug("internal"), label="not co-hosted"),
    get("cohost.translations", only(ADMIN, 200), _slug("draft"), label="draft, not co-hosted"),
    post("cohost.translations", only(WORKSPACE, 422), _slug("pub"), data=_german, label="German emptied"),
    post("cohost.translations", only(WORKSPACE, 400), _slug("pub"), label="no language"),
    post("cohost.translations", only(ADMIN, 422), _slug("internal"), data=_german, label="not co-hosted"),
    # news updates
    get("cohost.updates", only(WORKSPACE, 200), _slug("pub"), label="co-hosted"),
    get("cohost.updates", only(ADMIN, 200), _slug("internal"), label="not co-hosted"),
    post("cohost.updates", only(WORKSPACE, 422), _slug("pub"), label="empty form"),
    post("cohost.updates", only(ADMIN, 422), _slug("internal"), label="not co-hosted"),
    get("cohost.update", only(WORKSPACE, 200), _update("pub_update"), label="own organisation's"),
    get("cohost.update", only(ADMIN, 200), _update("internal_update"), label="not co-hosted"),
    post("cohost.update", only(WORKSPACE, 422), _update("pub_update"), label="empty form"),
    post("cohost.update", only(ADMIN, 422), _update("internal_update"), label="not co-hosted"),
    # the mediators' queue
    get("cohost.translate_queue", only(MEDIATORS, 200)),
    get("cohost.translate_item", only(MEDIATORS, 200), _item("pub_arabic"), label="co-hosted"),
    get("cohost.translate_item", only(ADMIN, 200), _item("internal_arabic"), label="not co-hosted"),
    get("cohost.translate_item", everyone(404), _item("published"), label="German"),
    get("cohost.translate_item", everyone(404), _item("hidden"), label="hidden"),
    post("cohost.translate_item", only(MEDIATORS, 422), _item("pub_arabic"), label="empty text"),
    post("cohost.translate_item", only(ADMIN, 422), _item("internal_arabic"), label="not co-hosted"),
    # deleting last: the rows above still find the updates
    post("cohost.delete_update", only(ADMIN, 303), _update("internal_update"), label="not co-hosted"),
    post("cohost.delete_update", only(WORKSPACE, 303), _update("pub_update"), label="own organisation's"),
]
