"""Helpers for the moderation tests: CSRF tokens from any form, reporting through the page."""
from __future__ import annotations

import re

import sqlalchemy as sa

TOKEN_RE = re.compile(r'name="(?:[a-z]+-)?csrf_token"[^>]*value="([^"]+)"')


def token(client, path: str) -> str:
    """The CSRF token of the client's session, from the first form on ``path``."""
    response = client.get(path)
    match = TOKEN_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {path} ({response.status_code})"
    return match.group(1)


def report_url(contribution, lang: str = "en") -> str:
    return f"/{lang}/consultations/{contribution.consultation.slug}/contributions/{contribution.id}/report"


def report(client, contribution, reason: str = "spam", comment: str = "", csrf: str | None = None, **extra):
    """Post the report form as a reader would (fetching the page for its token first)."""
    url = report_url(contribution)
    data = {"flag-reason": reason, "flag-comment": comment, **extra}
    data["flag-csrf_token"] = csrf if csrf is not None else token(client, url)
    return client.post(url, data=data)


def reload(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def rows(db, model, *where):
    db.session.expire_all()
    return db.session.scalars(sa.select(model).where(*where)).all()
