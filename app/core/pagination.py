"""One way to paginate a 2.0-style ``select()`` for pages and for the API."""
from __future__ import annotations

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from app.extensions import db


def page_args(default_per_page: int | None = None, max_per_page: int | None = None) -> tuple[int, int]:
    """Read ``page`` and ``per_page`` from the query string; bad values raise ``ValueError``."""
    per_default = default_per_page or current_app.config["PER_PAGE"]
    limit = max_per_page or current_app.config["API_MAX_PER_PAGE"]
    page = _positive_int(request.args.get("page"), 1)
    per_page = _positive_int(request.args.get("per_page"), per_default)
    if per_page > limit:
        raise ValueError("per_page")
    return page, per_page


def _positive_int(raw: str | None, default: int) -> int:
    if raw is None or raw == "":
        return default
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        raise ValueError(raw)
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


def paginate(stmt, page: int, per_page: int) -> Pagination:
    return db.paginate(stmt, page=page, per_page=per_page, error_out=False, count=True)
