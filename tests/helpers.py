"""Small helpers for tests."""
from __future__ import annotations

import re

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def get_csrf_token(client, path: str = "/de/") -> str:
    """Fetch ``path`` and return the CSRF token from its first form."""
    response = client.get(path)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def count(db, model) -> int:
    import sqlalchemy as sa

    return db.session.scalar(sa.select(sa.func.count()).select_from(model))
