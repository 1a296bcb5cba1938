"""Authorisation matrix rows for the offline pages (collected by tests/security/route_table.py).

Offline input (assisted entry, workshop and paper rounds, import) is for members of a verified
organisation co-hosting the consultation and for moderators and administrators; the overview and
the export also for working-group members. Everyone else: 404."""
from __future__ import annotations

from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)

ENTRY = MODERATORS + COHOST  # enter offline input for w.pub
READERS = ENTRY + ("working_group",)  # the overview and the export of w.pub


def _slug(name):
    return lambda w: {"slug": getattr(w, name).slug}


def _session(slug_of="pub"):
    return lambda w: {"slug": getattr(w, slug_of).slug, "session_id": w.input_session.id}


CASES: list = [
    get("offline.index", only(READERS, 200), _slug("pub"), label="co-hosted"),
    get("offline.index", only(STAFF, 200), _slug("internal"), label="not co-hosted"),
    get("offline.index", only(ADMIN, 200), _slug("draft"), label="draft"),
    get("offline.index", everyone(404), lambda w: {"slug": "no-such-consultation"}, label="unknown"),
    get("offline.assisted", only(ENTRY, 200), _slug("pub"), label="co-hosted"),
    get("offline.assisted", only(MODERATORS, 200), _slug("internal"), label="not co-hosted"),
    post("offline.assisted", only(ENTRY, 422), _slug("pub"), label="empty form"),
    get("offline.new_session", only(ENTRY, 200), _slug("pub")),
    post("offline.new_session", only(ENTRY, 422), _slug("pub"), label="empty form"),
    get("offline.session", only(ENTRY, 200), _session()),
    get("offline.session", everyone(404), _session("internal"), label="session of another consultation"),
    post("offline.session_add", only(ENTRY, 422), _session(), label="empty form"),
    post("offline.session_batch", only(ENTRY, 422), _session(), label="empty form"),
    get("offline.import_file", only(ENTRY, 200), _slug("pub")),
    post("offline.import_file", only(ENTRY, 422), _slug("pub"), label="no file"),
    get("offline.export_csv", only(READERS, 200), _slug("pub"), label="co-hosted"),
    get("offline.export_csv", only(STAFF, 200), _slug("internal"), label="not co-hosted"),
    get("offline.export_xlsx", only(READERS, 200), _slug("pub")),
]
