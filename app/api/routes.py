"""The read-only open data API: action fields, consultations, published contributions.

Every list is paginated the same way (``page``, ``per_page``) and answers
``{"items": [...], "next": url | null, "total": n}``. Visibility is exactly that of the web
pages (:func:`app.consultations.queries.visible_consultations`); what one may not see is a 404.
Errors are JSON (:func:`app.core.errors.render_error`). The description is at ``/openapi.json``.
"""
from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from app.api import serializers
from app.api.openapi import FILTER_STATUSES, build_document
from app.consultations import queries
from app.consultations.models import ActionField, Consultation, ConsultationStatus, Scope
from app.contributions.services import published_contributions
from app.core.errors import render_error
from app.core.pagination import page_args, paginate
from app.extensions import db

bp = Blueprint("api", __name__, url_prefix="/api/v1")

PUBLIC_MAX_AGE = 60  # seconds an anonymous answer may be reused by any cache


class BadParameter(Exception):
    """A query parameter with a value the API does not accept; ``detail`` says which and why."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


@bp.errorhandler(BadParameter)
def bad_parameter(error: BadParameter):
    return render_error(400, error.detail)


@bp.after_app_request
def open_data_headers(response):
    """Any origin may read the API; successful answers carry an ETag and a cache policy."""
    if not (request.path == bp.url_prefix or request.path.startswith(bp.url_prefix + "/")):
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if request.method == "OPTIONS":  # a CORS preflight, e.g. for a conditional request
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
        response.headers["Access-Control-Max-Age"] = "86400"
    if response.status_code == 200 and request.method in ("GET", "HEAD"):
        # What a signed-in user or a holder of an invitation link sees is theirs alone.
        personal = bool(session) or current_user.is_authenticated
        response.cache_control.no_cache = True if personal else None
        response.cache_control.private = True if personal else None
        response.cache_control.public = not personal
        response.cache_control.max_age = None if personal else PUBLIC_MAX_AGE
        response.add_etag()
        response.make_conditional(request)
    return response


@bp.get("/action-fields")
def action_fields():
    page, per_page = _page_args()
    stmt = sa.select(ActionField).order_by(ActionField.position, ActionField.id)
    return _page_response(paginate(stmt, page, per_page), serializers.action_field)


@bp.get("/consultations")
def consultations():
    page, per_page = _page_args()
    filters, query = _consultation_filters()
    stmt = queries.filtered_consultations(**filters).options(selectinload(Consultation.department))
    return _page_response(paginate(stmt, page, per_page), serializers.consultation, query)


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    return jsonify(serializers.consultation_detail(queries.get_visible_or_404(slug)))


@bp.get("/consultations/<slug>/contributions")
def contributions(slug: str):
    item = queries.get_visible_or_404(slug)
    page, per_page = _page_args()
    pagination = paginate(published_contributions(item), page, per_page)
    return _page_response(pagination, serializers.contribution)


@bp.get("/consultations/<slug>/summary")
def summary(slug: str):
    """Analysis: the latest computed summary of a consultation (themes, stats, unassigned ids), for
    the working group and administrators signed in (session); a 404 for everyone else."""
    from app.analysis.runs import summary_document
    from app.analysis.permissions import can_analyse

    if not can_analyse(current_user):
        return render_error(404)
    return jsonify(summary_document(queries.get_visible_or_404(slug)))


@bp.get("/openapi.json")
def openapi():
    config = current_app.config
    return jsonify(build_document(config["PER_PAGE"], config["API_MAX_PER_PAGE"]))


def _page_args() -> tuple[int, int]:
    """``page`` and ``per_page``, or a 400 that names the parameter at fault."""
    try:
        return page_args()
    except ValueError:
        pass
    limit = current_app.config["API_MAX_PER_PAGE"]
    for name in ("page", "per_page"):
        raw = request.args.get(name, "")
        if raw and not (raw.isascii() and raw.isdigit() and len(raw) <= 9 and int(raw) >= 1):
            raise BadParameter(_("The parameter “%(name)s” must be a whole number of at least 1.", name=name))
    raise BadParameter(_("The parameter “per_page” must be at most %(max)d.", max=limit))


def _consultation_filters() -> tuple[dict, dict]:
    """The list filters as arguments for the query, and as query-string values for ``next``."""
    filters: dict = {}
    query: dict = {}
    slug = request.args.get("action_field", "")
    if slug:
        field = db.session.scalars(sa.select(ActionField).where(ActionField.slug == slug)).first()
        if field is None:
            raise BadParameter(_("The parameter “action_field” must be the slug of an action field "
                                 "(see /api/v1/action-fields)."))
        filters["action_field"], query["action_field"] = field, slug
    status = request.args.get("status", "")
    if status:
        if status not in FILTER_STATUSES:
            raise BadParameter(_("The parameter “%(name)s” must be one of: %(values)s.",
                                 name="status", values=", ".join(FILTER_STATUSES)))
        filters["status"], query["status"] = ConsultationStatus(status), status
    scope = request.args.get("scope", "")
    if scope:
        values = [s.value for s in Scope]
        if scope not in values:
            raise BadParameter(_("The parameter “%(name)s” must be one of: %(values)s.",
                                 name="scope", values=", ".join(values)))
        filters["scope"], query["scope"] = Scope(scope), scope
    return filters, query


def _page_response(pagination: Pagination, serialize: Callable[[object], dict], query: dict | None = None):
    """One page as ``{"items", "next", "total"}``; ``next`` keeps the filters and page size."""
    next_url = None
    if pagination.has_next:
        next_url = url_for(request.endpoint, **(request.view_args or {}), **(query or {}),
                           per_page=pagination.per_page, page=pagination.next_num, _external=True)
    return jsonify({
        "items": [serialize(item) for item in pagination.items],
        "next": next_url,
        "total": pagination.total,
    })
