"""Public consultation pages: home, action fields, consultation list and detail."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app.consultations import queries
from app.consultations.forms import ConsultationFilterForm
from app.consultations.models import ConsultationStatus, Scope
from app.contributions import services as contribution_services
from app.core.pagination import page_args, paginate
from app.extensions import db
from app.i18n.locale import current_language

bp = Blueprint("consultations", __name__, url_prefix="/<lang:lang>", template_folder="templates")


@bp.get("/")
def home():
    return render_template("consultations/home.html", open_consultations=queries.open_consultations(),
                           action_fields=queries.action_fields())


@bp.get("/leichte-sprache")
def easy_read():
    """How to take part, in easy-to-read German (Leichte Sprache), whatever the interface language."""
    return render_template("consultations/easy_read.html")


@bp.get("/action-fields")
def action_fields():
    return render_template("consultations/action_fields.html", action_fields=queries.action_fields())


@bp.get("/action-fields/<slug>")
def action_field(slug: str):
    field = queries.get_action_field_or_404(slug)
    consultations = db.session.scalars(queries.filtered_consultations(action_field=field)).all()
    return render_template("consultations/action_field.html", field=field, consultations=consultations)


@bp.get("/consultations")
def index():
    fields = queries.action_fields()
    form = ConsultationFilterForm(fields, current_language(), formdata=request.args)
    try:
        page, per_page = page_args()
    except ValueError:
        abort(400)
    if not form.validate():
        return render_template("consultations/index.html", form=form, pagination=None, filters={}), 400
    field = next((f for f in fields if f.slug == form.action_field.data), None)
    stmt = queries.filtered_consultations(
        action_field=field,
        status=ConsultationStatus(form.status.data) if form.status.data else None,
        scope=Scope(form.scope.data) if form.scope.data else None,
        text=form.q.data,
    )
    filters = {k: v for k, v in request.args.items() if k in form.data and v}
    return render_template("consultations/index.html", form=form, pagination=paginate(stmt, page, per_page),
                           filters=filters)


@bp.get("/consultations/<slug>")
def detail(slug: str):
    consultation = queries.get_visible_or_404(slug)
    try:
        page, per_page = page_args()
    except ValueError:
        abort(400)
    contributions = paginate(contribution_services.listed_contributions(consultation), page, per_page)
    return render_template("consultations/detail.html", consultation=consultation, contributions=contributions,
                           published=contribution_services.published_count(consultation),
                           accepts=consultation.accepts_contributions())


@bp.get("/invitation/<token>")
def invitation(token: str):
    """A secret invitation link: remember it in this browser, then show the consultation."""
    consultation = queries.get_by_invite_token_or_404(token)
    queries.remember_invite_token(token)
    return redirect(url_for("consultations.detail", slug=consultation.slug))
