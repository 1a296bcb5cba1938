"""The contribution form and its confirmation page."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consultations import permissions, queries
from app.consultations.models import ModerationMode
from app.contributions import permissions as contribution_permissions
from app.contributions import services, translations
from app.contributions.forms import (
    LanguageCorrectForm,
    TranslationAddForm,
    answers_from_form,
    build_contribution_form,
    contact_from_form,
    self_description_from_form,
)
from app.contributions.models import ContributionStatus
from app.contributions.privacy import consent_details
from app.core.honeypot import honeypot_filled
from app.extensions import db
from app.i18n.locale import current_language

bp = Blueprint("contributions", __name__, url_prefix="/<lang:lang>/consultations/<slug>",
               template_folder="templates")

LAST_CONTRIBUTION_KEY = "last_contribution"
RECEIVED_KEY = "received_in"  # a submission with a filled honeypot: thanked, but nothing stored


@bp.route("/contribute", methods=["GET", "POST"])
def contribute(slug: str):
    consultation = queries.get_visible_or_404(slug)
    if not consultation.accepts_contributions():
        return render_template("contributions/closed.html", consultation=consultation), 409
    if permissions.needs_login_to_contribute(current_user, consultation):
        return render_template("contributions/login_required.html", consultation=consultation), 401
    max_length = current_app.config["MAX_ANSWER_LENGTH"]
    form = build_contribution_form(consultation, current_language(), max_length,
                                   ask_contact=not current_user.is_authenticated)
    consent = consent_details(consultation)
    if form.is_submitted() and honeypot_filled(form):
        # Most likely a bot: answer exactly as after a real contribution, and store nothing.
        session.pop(LAST_CONTRIBUTION_KEY, None)
        session[RECEIVED_KEY] = consultation.id
        return redirect(url_for("contributions.thanks", slug=consultation.slug), code=303)
    if form.validate_on_submit():
        contact_email, contact_consent = contact_from_form(form)
        try:
            contribution = services.submit_contribution(
                consultation, answers_from_form(consultation, form), language=form.language.data,
                reading_language=current_language(), author=current_user, max_length=max_length,
                contact_email=contact_email, contact_consent=contact_consent,
                self_description=self_description_from_form(form))
        except services.ContributionRefused as refused:
            db.session.rollback()
            return render_template("contributions/form.html", consultation=consultation, form=form,
                                   refused=refused.reason, consent=consent), 422
        db.session.commit()
        services.after_submission(contribution)
        session.pop(RECEIVED_KEY, None)
        session[LAST_CONTRIBUTION_KEY] = contribution.id
        return redirect(url_for("contributions.thanks", slug=consultation.slug), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("contributions/form.html", consultation=consultation, form=form, refused=None,
                           consent=consent), status


def _own_recent_or_404(slug: str):
    consultation = queries.get_visible_or_404(slug)
    contribution = services.own_recent_contribution(consultation, session.get(LAST_CONTRIBUTION_KEY))
    if contribution is None:
        abort(404)
    return consultation, contribution


@bp.get("/thanks")
def thanks(slug: str):
    consultation = queries.get_visible_or_404(slug)
    contribution = services.own_recent_contribution(consultation, session.get(LAST_CONTRIBUTION_KEY))
    if contribution is None:
        if session.get(RECEIVED_KEY) != consultation.id:
            abort(404)
        # After a filled honeypot: the same thanks, without anything about a stored contribution.
        return render_template("contributions/thanks.html", consultation=consultation, contribution=None,
                               pending=consultation.moderation is ModerationMode.PRE, form=None, confirmation=False)
    form = LanguageCorrectForm(language=contribution.language)
    return render_template("contributions/thanks.html", consultation=consultation, contribution=contribution,
                           pending=contribution.status is ContributionStatus.PENDING, form=form,
                           confirmation=bool(contribution.contact_email))


@bp.post("/thanks/language")
def correct_language(slug: str):
    """The author corrects the language the platform recognised."""
    consultation, contribution = _own_recent_or_404(slug)
    form = LanguageCorrectForm()
    if not form.validate():
        return render_template("contributions/thanks.html", consultation=consultation, contribution=contribution,
                               pending=contribution.status is ContributionStatus.PENDING, form=form,
                               confirmation=bool(contribution.contact_email)), 422
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
    can_translate = contribution_permissions.can_translate_contributions(current_user, contribution)
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
