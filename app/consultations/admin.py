"""Staff pages (admin role): the dashboard, creating and editing consultations with their status,
invitation link and questions, and editing the action fields.

Everyone but administrators gets 404 on every staff address, so the pages do not reveal that
they exist. For the same reason the CSRF token is checked here, after the role check, instead of
before it, and the addresses of POST buttons answer GET with a redirect to the edit page (never
405). Views parse the request, load, call one service, then commit once and redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.consultations import permissions, queries, services
from app.consultations.admin_forms import (
    ConsultationStatusForm,
    QuestionMoveForm,
    action_field_form,
    consultation_form,
    question_form,
)
from app.consultations.models import ActionField, Consultation, ConsultationStatus, Question, Visibility
from app.core.enums import title_of
from app.extensions import csrf, db
from app.i18n.locale import current_language

bp = Blueprint("staff", __name__, url_prefix="/<lang:lang>/staff", template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the role check

MAX_ID = 2**31 - 1
TEMPLATES = "consultations/staff/"


@bp.before_request
def guard():
    """404 for everyone but administrators; then the CSRF check of POST requests."""
    if not permissions.can_manage_consultations(current_user):
        abort(404)
    if current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- loading ------------------------------------------------------------------------------

def _consultation_or_404(consultation_id: int) -> Consultation:
    consultation = db.session.get(Consultation, consultation_id, options=[
        selectinload(Consultation.questions).selectinload(Question.options),
        selectinload(Consultation.action_fields),
    ]) if consultation_id <= MAX_ID else None
    if consultation is None:
        abort(404)
    return consultation


def _question_or_404(consultation: Consultation, question_id: int) -> Question:
    question = next((q for q in consultation.questions if q.id == question_id), None)
    if question is None:
        abort(404)
    return question


def _action_field_or_404(field_id: int) -> ActionField:
    field = db.session.get(ActionField, field_id) if field_id <= MAX_ID else None
    if field is None:
        abort(404)
    return field


def _to_edit(consultation: Consultation, anchor: str | None = None):
    return redirect(url_for(".edit", consultation_id=consultation.id, _anchor=anchor), code=303)


def _render_edit(consultation: Consultation, form=None, code: int = 200):
    """The edit page: settings form, status, invitation link and questions."""
    if form is None:
        form = consultation_form(queries.action_fields(), services.departments(), current_language(), consultation,
                                 from_request=False)
    invite_url = None
    if consultation.visibility is Visibility.INVITATION and consultation.invite_token:
        invite_url = url_for("consultations.invitation", token=consultation.invite_token, _external=True)
    return render_template(TEMPLATES + "consultation_edit.html", consultation=consultation, form=form,
                           transitions=services.transition_choices(consultation),
                           contributions=services.contribution_count(consultation),
                           answer_counts=services.answer_counts(consultation),
                           missing=services.missing_translations(consultation.title, consultation.summary,
                                                                 consultation.body),
                           invite_url=invite_url), code


def _refused(consultation: Consultation, refused: services.ActionRefused):
    db.session.rollback()
    flash(str(refused.message), "error")
    return _render_edit(consultation, code=409)


# --- dashboard and consultations ----------------------------------------------------------

@bp.get("/")
def dashboard():
    fields = [(f, services.missing_translations(f.name, f.description)) for f in queries.action_fields()]
    return render_template(TEMPLATES + "dashboard.html", rows=services.dashboard_rows(), action_fields=fields)


@bp.route("/consultations/new", methods=["GET", "POST"])
def create():
    form = consultation_form(queries.action_fields(), services.departments(), current_language())
    if form.validate_on_submit():
        try:
            consultation = services.create_consultation(form.to_data(), actor=current_user)
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        else:
            db.session.commit()
            flash(_("The consultation has been created as a draft. Add its questions, then open it."), "success")
            return _to_edit(consultation)
    code = 422 if form.is_submitted() else 200
    return render_template(TEMPLATES + "consultation_new.html", form=form), code


@bp.route("/consultations/<int:consultation_id>", methods=["GET", "POST"])
def edit(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = consultation_form(queries.action_fields(), services.departments(), current_language(), consultation)
    if not form.validate_on_submit():
        return _render_edit(consultation, form, 422 if form.is_submitted() else 200)
    try:
        services.update_consultation(consultation, form.to_data(), actor=current_user)
    except services.InvalidInput as invalid:
        db.session.rollback()
        form.attach_errors(invalid.errors)
        return _render_edit(consultation, form, 422)
    db.session.commit()
    flash(_("Your changes have been saved."), "success")
    return _to_edit(consultation)


@bp.route("/consultations/<int:consultation_id>/status", methods=["GET", "POST"])
def change_status(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    if request.method == "GET":
        return _to_edit(consultation, "status")
    form = ConsultationStatusForm()
    if not form.validate():
        abort(400)
    try:
        services.set_status(consultation, ConsultationStatus(form.status.data), actor=current_user)
    except services.ActionRefused as refused:
        return _refused(consultation, refused)
    db.session.commit()
    flash(_("The status is now “%(status)s”.", status=title_of(consultation.status)), "success")
    return _to_edit(consultation, "status")


@bp.route("/consultations/<int:consultation_id>/invitation", methods=["GET", "POST"])
def regenerate_invitation(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    if request.method == "GET":
        return _to_edit(consultation, "invitation")
    try:
        services.regenerate_invite_token(consultation, actor=current_user)
    except services.ActionRefused as refused:
        return _refused(consultation, refused)
    db.session.commit()
    flash(_("There is a new invitation link. The old link no longer works."), "success")
    return _to_edit(consultation, "invitation")


# --- questions ----------------------------------------------------------------------------

@bp.route("/consultations/<int:consultation_id>/questions/new", methods=["GET", "POST"])
def add_question(consultation_id: int):
    consultation = _consultation_or_404(consultation_id)
    form = question_form()
    if form.validate_on_submit():
        try:
            services.add_question(consultation, form.to_data(), actor=current_user)
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        else:
            db.session.commit()
            flash(_("The question has been added."), "success")
            return _to_edit(consultation, "questions")
    return render_template(TEMPLATES + "question_form.html", consultation=consultation, question=None,
                           form=form, answers=0), 422 if form.is_submitted() else 200


@bp.route("/consultations/<int:consultation_id>/questions/<int:question_id>", methods=["GET", "POST"])
def edit_question(consultation_id: int, question_id: int):
    consultation = _consultation_or_404(consultation_id)
    question = _question_or_404(consultation, question_id)
    form = question_form(question)
    if form.validate_on_submit():
        try:
            services.update_question(question, form.to_data(), actor=current_user)
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        else:
            db.session.commit()
            flash(_("The question has been saved."), "success")
            return _to_edit(consultation, "questions")
    return render_template(TEMPLATES + "question_form.html", consultation=consultation, question=question,
                           form=form, answers=services.answer_counts(consultation).get(question.id, 0)), \
        422 if form.is_submitted() else 200


@bp.route("/consultations/<int:consultation_id>/questions/<int:question_id>/delete", methods=["GET", "POST"])
def delete_question(consultation_id: int, question_id: int):
    consultation = _consultation_or_404(consultation_id)
    question = _question_or_404(consultation, question_id)
    if request.method == "GET":
        return _to_edit(consultation, "questions")
    try:
        services.delete_question(question, actor=current_user)
    except services.ActionRefused as refused:
        return _refused(consultation, refused)
    db.session.commit()
    flash(_("The question has been deleted."), "success")
    return _to_edit(consultation, "questions")


@bp.route("/consultations/<int:consultation_id>/questions/<int:question_id>/move", methods=["GET", "POST"])
def move_question(consultation_id: int, question_id: int):
    consultation = _consultation_or_404(consultation_id)
    question = _question_or_404(consultation, question_id)
    if request.method == "GET":
        return _to_edit(consultation, "questions")
    form = QuestionMoveForm()
    if not form.validate():
        abort(400)
    services.move_question(question, form.offset, actor=current_user)
    db.session.commit()
    return _to_edit(consultation, "questions")


# --- action fields ------------------------------------------------------------------------

@bp.route("/action-fields/<int:field_id>", methods=["GET", "POST"])
def edit_action_field(field_id: int):
    action_field = _action_field_or_404(field_id)
    form = action_field_form(action_field)
    if form.validate_on_submit():
        try:
            services.update_action_field(action_field, form.to_data(), actor=current_user)
        except services.InvalidInput as invalid:
            db.session.rollback()
            form.attach_errors(invalid.errors)
        else:
            db.session.commit()
            flash(_("The action field has been saved."), "success")
            return redirect(url_for(".dashboard", _anchor="action-fields"), code=303)
    return render_template(TEMPLATES + "action_field_form.html", action_field=action_field, form=form), \
        422 if form.is_submitted() else 200
