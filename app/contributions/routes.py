"""The contribution form and its confirmation page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consultations import permissions, queries
from app.contributions import permissions as contribution_permissions
from app.contributions import services, translations
from app.contributions.forms import (
    LanguageCorrectForm,
    TranslationAddForm,
    answers_from_form,
    build_contribution_form,
)
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
                reading_language=current_language(), author=current_user, max_length=max_length)
        except services.ContributionRefused as refused:
            db.session.rollback()
            return render_template("contributions/form.html", consultation=consultation, form=form,
                                   refused=refused.reason), 422
        db.session.commit()
        services.after_submission(contribution)
        session[LAST_CONTRIBUTION_KEY] = contribution.id
        return redirect(url_for("contributions.thanks", slug=consultation.slug), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("contributions/form.html", consultation=consultation, form=form, refused=None), status


def _own_recent_or_404(slug: str):
    consultation = queries.get_visible_or_404(slug)
    contribution = services.own_recent_contribution(consultation, session.get(LAST_CONTRIBUTION_KEY))
    if contribution is None:
        abort(404)
    return consultation, contribution


@bp.get("/thanks")
def thanks(slug: str):
    consultation, contribution = _own_recent_or_404(slug)
    form = LanguageCorrectForm(language=contribution.language)
    return render_template("contributions/thanks.html", consultation=consultation, contribution=contribution,
                           pending=contribution.status is ContributionStatus.PENDING, form=form)


@bp.post("/thanks/language")
def correct_language(slug: str):
    """The author corrects the language the platform recognised."""
    consultation, contribution = _own_recent_or_404(slug)
    form = LanguageCorrectForm()
    if not form.validate():
        return render_template("contributions/thanks.html", consultation=consultation, contribution=contribution,
                               pending=contribution.status is ContributionStatus.PENDING, form=form), 422
    services.correct_language(contribution, form.language.data, actor=current_user)
    db.session.commit()
    flash(_("Thank you. The language of your contribution has been saved."), "success")
    return redirect(url_for("contributions.thanks", slug=consultation.slug), code=303)


@bp.route("/contributions/<int:contribution_id>", methods=["GET", "POST"])
def detail(slug: str, contribution_id: int):
    """One contribution: the original, its translations with their source, and (for staff)
    a form to add or correct a translation."""
    consultation = queries.get_visible_or_404(slug)
    contribution = services.get_contribution_or_404(consultation, contribution_id)
    if not contribution_permissions.can_view_contribution(current_user, contribution):
        abort(404)
    can_translate = contribution_permissions.can_translate_contributions(current_user)
    if request.method == "POST" and not can_translate:
        abort(403)
    form = TranslationAddForm() if can_translate else None
    if form is not None and form.validate_on_submit():
        try:
            translations.add_human_translation(contribution, form.language.data, form.text.data, actor=current_user)
        except translations.TranslationRefused as refused:
            db.session.rollback()
            form.text.errors = [*form.text.errors, translations.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(_("The translation has been saved."), "success")
            return redirect(url_for("contributions.detail", slug=slug, contribution_id=contribution.id), code=303)
    status = 422 if form is not None and form.is_submitted() else 200
    return render_template("contributions/detail.html", consultation=consultation, contribution=contribution,
                           form=form, history=services.translations_by_language(contribution)), status
