"""Statements of organisations: the form (with an optional PDF) and the download of the attachment.

The form is the only address that takes a large body: a URL value preprocessor (it runs before
every ``before_request`` hook, so before CSRFProtect reads the form) raises this request's
``max_content_length`` to MAX_CONTENT_LENGTH + MAX_ATTACHMENT_BYTES. A file between the attachment
limit and that allowance is refused by the service; a larger body by werkzeug; both get a 413 page
that names the limit.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from app.consultations import queries
from app.contributions import permissions as contribution_permissions
from app.core.errors import render_error
from app.i18n.locale import current_language
from app.organisations import statements as services
from app.organisations.statement_forms import StatementForm

bp = Blueprint("statements", __name__, url_prefix="/<lang:lang>/consultations/<slug>/statements",
               template_folder="templates")

UPLOAD_ENDPOINTS = {"statements.new"}


@bp.url_value_preprocessor
def allow_attachment_upload(endpoint, values):
    if endpoint in UPLOAD_ENDPOINTS and request.method == "POST":
        request.max_content_length = (current_app.config["MAX_CONTENT_LENGTH"]
                                      + current_app.config["MAX_ATTACHMENT_BYTES"])


def _megabytes() -> int:
    return max(1, current_app.config["MAX_ATTACHMENT_BYTES"] // (1024 * 1024))


def too_large_message() -> str:
    return _("The attachment is too large: a PDF may have at most %(size)d MB. Please attach a smaller file.",
             size=_megabytes())


@bp.errorhandler(RequestEntityTooLarge)
def body_too_large(error):
    return render_error(413, too_large_message())


@bp.app_template_global()
def statements_for(consultation) -> list:
    """The statements the consultation page lists (see organisations/statements/_list.html)."""
    return services.listed_statements(consultation)


@bp.app_template_global()
def may_submit_statement(consultation) -> bool:
    return consultation.accepts_contributions() and services.can_submit_statement(current_user)


@bp.app_template_global()
def statement_of(contribution):
    """The statement behind a contribution with channel ``statement`` (for the contribution page)."""
    return services.statement_of(contribution)


def _refusal(form, reason: str) -> int:
    """Put the refusal next to its field; returns the status to answer with."""
    if reason == "too_large":
        form.attachment.errors = [too_large_message()]
        return 413
    messages = {
        "not_pdf": (form.attachment, _("The attachment must be a PDF file.")),
        "empty_file": (form.attachment, _("The attached file is empty.")),
        "title": (form.title, _("Please enter a title.")),
        "text": (form.text, _("Please enter the text of the statement.")),
    }
    field, message = messages.get(reason, (form.text, _("The statement could not be saved.")))
    field.errors = [*field.errors, message]
    return 422


@bp.route("/new", methods=["GET", "POST"])
def new(slug: str):
    consultation = queries.get_visible_or_404(slug)
    organisations = services.acting_organisations(current_user)
    if not organisations:
        abort(403)
    if not consultation.accepts_contributions():
        return render_template("contributions/closed.html", consultation=consultation), 409
    form = StatementForm(organisations)
    if form.validate_on_submit():
        organisation = next(o for o in organisations if str(o.id) == form.organisation.data)
        try:
            statement = services.submit_statement(
                consultation, organisation, current_user._get_current_object(), title=form.title.data,
                text=form.text.data, upload=form.attachment.data or None, reading_language=current_language())
        except services.StatementRefused as refused:
            if refused.reason == "closed":
                return render_template("contributions/closed.html", consultation=consultation), 409
            if refused.reason == "organisation":
                abort(403)
            status = _refusal(form, refused.reason)
            return render_template("organisations/statements/form.html", consultation=consultation, form=form,
                                   organisations=organisations), status
        services.after_submission(statement)
        if statement.contribution.status.value == "pending":
            flash(_("Thank you. The statement has been received and will be published after moderation."), "success")
        else:
            flash(_("Thank you. The statement has been published."), "success")
        return redirect(url_for("consultations.detail", slug=consultation.slug, _anchor="statements-heading"),
                        code=303)
    status = 422 if form.is_submitted() else 200
    return render_template("organisations/statements/form.html", consultation=consultation, form=form,
                           organisations=organisations), status


@bp.get("/<int:statement_id>/attachment")
def attachment(slug: str, statement_id: int):
    consultation = queries.get_visible_or_404(slug)
    statement = services.get_statement_or_404(consultation, statement_id)
    if not statement.attachment_key \
            or not contribution_permissions.can_view_contribution(current_user, statement.contribution):
        abort(404)
    path = services.attachment_path(statement.attachment_key)
    if not path.is_file():
        current_app.logger.error("Attachment of statement %s is missing: %s", statement.id, path)
        abort(404)
    response = send_file(path, as_attachment=True, mimetype=services.PDF_MIMETYPE,
                         download_name=services.sanitise_filename(statement.attachment_filename),
                         max_age=0, conditional=True, etag=statement.attachment_sha256 or True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-cache"
    return response
