"""Authorisation matrix rows for the offline pages (collected by tests/security/route_table.py)."""
from __future__ import annotations

from tests.security.route_table import (  # noqa: F401
    ADMIN, COHOST, MODERATORS, PUB_MODERATORS, SIGNED_IN, STAFF, everyone, get, only, post, signed_out,
)

CASES: list = []
