"""The contribution form and its confirmation page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, redirect, render_template, session, url_for
from flask_login import current_user

from app.consultations import permissions, queries
from app.contributions import services
from app.contributions.forms import answers_from_form, build_contribution_form
from app.contributions.models import ContributionStatus
from app.extensions import db
from app.i18n.locale import current_language

bp = Blueprint("contributions", __name__, url_prefix="/<lang:lang>/consultations/<slug>",
               template_folder="templates")

LAST_CONTRIBUTION_KEY = "last_contribution"


@bp.route("/contribute", methods=["GET", "POST"])
def contribute(slug: str):
    consultation = queries.get_visible_or_404(slug)
    if not consultation.accepts_contributions():
        return render_template("contributions/closed.html", consultation=consultation), 409
    if permissions.needs_login_to_contribute(current_user, consultation):
        return render_template("contributions/login_required.html", consultation=consultation), 401
    max_length = current_app.config["MAX_ANSWER_LENGTH"]
    form = build_contribution_form(consultation, current_language(), max_length)
    if form.validate_on_submit():
        try:
            contribution = services.submit_contribution(
                consultation, answers_from_form(consultation, form), language=form.language.data,
                author=current_user, max_length=max_length)
        except services.ContributionRefused as refused:
            db.session.rollback()
            return render_template("contributions/form.html", consultation=consultation, form=form,
                                   refused=refused.reason), 422
        db.session.commit()
        session[LAST_CONTRIBUTION_KEY] = contribution.id
        return redirect(url_for("contributions.thanks", slug=consultation.slug), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("contributions/form.html", consultation=consultation, form=form, refused=None), status


@bp.get("/thanks")
def thanks(slug: str):
    consultation = queries.get_visible_or_404(slug)
    contribution = services.own_recent_contribution(consultation, session.get(LAST_CONTRIBUTION_KEY))
    if contribution is None:
        abort(404)
    return render_template("contributions/thanks.html", consultation=consultation, contribution=contribution,
                           pending=contribution.status is ContributionStatus.PENDING)
