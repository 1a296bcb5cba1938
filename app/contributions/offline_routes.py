"""Offline input pages under ``/<lang>/offline/consultations/<slug>/``: assisted entry, workshop and
paper rounds, the import of a spreadsheet, and the export of every contribution as CSV or XLSX.

Everyone who may not enter input for the consultation (see :mod:`app.contributions.offline`) gets
a 404, also on POST; so the CSRF token is checked in :func:`guard`, after that check. The import
takes files up to ``OFFLINE_IMPORT_MAX_BYTES`` (20 MB by default): the larger request limit is set
for that one endpoint only, before its body is read.
"""
from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import secure_filename

from app.contributions import imports, offline, services
from app.contributions.forms import answers_from_form, build_contribution_form, self_description_from_form
from app.contributions.models import Channel, InputSessionFormat
from app.contributions.offline_forms import (
    AssistedEntryForm,
    BatchForm,
    ImportForm,
    InputSessionForm,
    organisation_id,
    set_organisation_choices,
)
from app.core.errors import render_error
from app.core.spreadsheets import write_csv, write_xlsx
from app.extensions import csrf, db
from app.i18n.content import localize
from app.i18n.locale import current_language

bp = Blueprint("offline", __name__, url_prefix="/<lang:lang>/offline/consultations/<slug>",
               template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the permission check

TEMPLATES = "contributions/offline/"
DEFAULT_IMPORT_MAX_BYTES = 20 * 1024 * 1024
EXPORT_ENDPOINTS = frozenset({"offline.index", "offline.export_csv", "offline.export_xlsx"})

REFUSALS = {
    "organisation": _l("Please choose the organisation you enter this for."),
    "consent": _l("Please confirm that the person agreed."),
    "channel": _l("Please choose one of the options offered."),
    "language": _l("Please choose one of the options offered."),
    "event": _l("Please choose one of the options offered."),
    "participants": _l("Please enter a number from 0 to 100,000."),
    "title": _l("Please answer this question."),
    "empty": _l("Please enter at least one contribution."),
    "too_many": _l("Please enter at most %(max)s contributions at once."),
    "text": _l("Each contribution may have at most %(max)s characters."),
    "no_free_text": _l("This consultation has no free-text question."),
}


def _refusal(reason: str) -> str:
    """The message for an ``OfflineRefused`` reason."""
    message = str(REFUSALS.get(reason, REFUSALS["channel"]))
    if reason == "text":
        return message % {"max": current_app.config["MAX_ANSWER_LENGTH"]}
    if reason == "too_many":
        return message % {"max": offline.BATCH_MAX}
    return message


def _not_saved() -> str:
    return _("Your contribution could not be saved. Please check your answers and send them again.")


def _import_max_bytes() -> int:
    return int(current_app.config.get("OFFLINE_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def _import_max_megabytes() -> str:
    """The import's size limit in MB, formatted for the reader's language (``20``, ``0,1``)."""
    return format_decimal(round(_import_max_bytes() / (1024 * 1024), 1))


@bp.before_request
def guard():
    """404 for everyone who may not enter input for (or, on the export and the overview, read) the
    consultation; then the larger body limit of the import, then the CSRF check of every POST."""
    slug = (request.view_args or {}).get("slug", "")
    g.consultation = offline.consultation_or_404(slug, current_user, export=request.endpoint in EXPORT_ENDPOINTS)
    if request.endpoint == "offline.import_file":
        request.max_content_length = _import_max_bytes()
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        try:
            csrf.protect()
        except RequestEntityTooLarge:
            db.session.rollback()
            detail = _("The file is too large. Files of up to %(size)s MB can be imported.",
                       size=_import_max_megabytes()) \
                if request.endpoint == "offline.import_file" else None
            return render_error(413, detail)
    return None


def _organisation_context(form):
    organisations, none_allowed = offline.organisation_choices(current_user, g.consultation)
    set_organisation_choices(form, organisations, none_allowed)
    return len(form.organisation.choices) > 1


# --- overview -----------------------------------------------------------------------------

@bp.get("/")
def index(slug: str):
    consultation = g.consultation
    return render_template(TEMPLATES + "index.html", consultation=consultation,
                           sessions=offline.sessions_with_counts(consultation),
                           can_enter=offline.can_enter(current_user, consultation))


# --- assisted entry -----------------------------------------------------------------------

@bp.route("/assisted", methods=["GET", "POST"])
def assisted(slug: str):
    consultation = g.consultation
    max_length = current_app.config["MAX_ANSWER_LENGTH"]
    form = build_contribution_form(consultation, current_language(), max_length, ask_contact=False)
    extra = AssistedEntryForm()
    show_organisation = _organisation_context(extra)
    refused = None
    if request.method == "POST":
        valid = form.validate_on_submit()
        valid = extra.validate() and valid
        if valid:
            try:
                organisation = offline.resolve_organisation(current_user, consultation, organisation_id(extra))
                contribution = offline.submit_assisted(
                    consultation, answers_from_form(consultation, form), actor=current_user,
                    organisation=organisation, channel=Channel(extra.channel.data), language=form.language.data,
                    max_length=max_length, self_description=self_description_from_form(form),
                    consent=bool(extra.consent.data))
            except services.ContributionRefused as error:
                db.session.rollback()
                if error.reason == "closed":
                    return render_template("contributions/closed.html", consultation=consultation), 409
                refused = _not_saved()
            except offline.OfflineRefused as error:
                db.session.rollback()
                refused = _refusal(error.reason)
            else:
                db.session.commit()
                services.after_storing([contribution.id])
                flash(_("The contribution has been saved (number %(number)s).", number=contribution.id), "success")
                return redirect(url_for("offline.assisted", slug=consultation.slug), code=303)
        status = 422
    else:
        status = 200
    return render_template(TEMPLATES + "assisted.html", consultation=consultation, form=form, extra=extra,
                           show_organisation=show_organisation, refused=refused), status


# --- input sessions -----------------------------------------------------------------------

@bp.route("/sessions/new", methods=["GET", "POST"])
def new_session(slug: str):
    consultation = g.consultation
    form = InputSessionForm()
    show_organisation = _organisation_context(form)
    form.event.choices = [("", _("No event"))] + [
        (str(e.id), f"{localize(e.title, current_language()).text} ({e.starts_at:%Y-%m-%d})")
        for e in offline.session_events(consultation)]
    refused = None
    if form.validate_on_submit():
        try:
            organisation = offline.resolve_organisation(current_user, consultation, organisation_id(form))
            session = offline.create_session(
                consultation, actor=current_user, organisation=organisation,
                format=InputSessionFormat(form.format.data), title=form.title.data, held_on=form.held_on.data,
                place=form.place.data, organiser=form.organiser.data,
                participant_count=form.participant_count.data, languages=form.languages.data or [],
                event_id=int(form.event.data) if form.event.data else None, notes=form.notes.data)
        except offline.OfflineRefused as error:
            db.session.rollback()
            refused = _refusal(error.reason)
        else:
            db.session.commit()
            flash(_("The workshop or paper round has been saved. You can now enter its contributions."), "success")
            return redirect(url_for("offline.session", slug=consultation.slug, session_id=session.id), code=303)
    status = 422 if form.is_submitted() else 200
    return render_template(TEMPLATES + "session_new.html", consultation=consultation, form=form,
                           show_organisation=show_organisation, refused=refused), status


def _session_page(session, *, form=None, batch=None, preview=None, refused=None, status=200):
    consultation = g.consultation
    max_length = current_app.config["MAX_ANSWER_LENGTH"]
    if form is None:
        form = build_contribution_form(consultation, current_language(), max_length, ask_contact=False,
                                       formdata=None)
    if batch is None:
        batch = BatchForm(prefix="batch", formdata=None)
    return render_template(TEMPLATES + "session.html", consultation=consultation, session=session, form=form,
                           batch=batch, preview=preview, refused=refused,
                           contributions=offline.session_contributions(session),
                           free_text=offline.first_free_text_question(consultation)), status


@bp.get("/sessions/<int:session_id>")
def session(slug: str, session_id: int):
    return _session_page(offline.session_or_404(g.consultation, session_id))


@bp.post("/sessions/<int:session_id>/contributions")
def session_add(slug: str, session_id: int):
    """One contribution of the session, with answers to every question."""
    consultation = g.consultation
    input_session = offline.session_or_404(consultation, session_id)
    max_length = current_app.config["MAX_ANSWER_LENGTH"]
    form = build_contribution_form(consultation, current_language(), max_length, ask_contact=False)
    refused = None
    if form.validate_on_submit():
        try:
            contribution = offline.add_session_contribution(
                input_session, answers_from_form(consultation, form), actor=current_user,
                language=form.language.data, max_length=max_length,
                self_description=self_description_from_form(form))
        except services.ContributionRefused:
            db.session.rollback()
            refused = _not_saved()
        else:
            db.session.commit()
            services.after_storing([contribution.id])
            flash(_("The contribution has been saved (number %(number)s).", number=contribution.id), "success")
            return redirect(url_for("offline.session", slug=consultation.slug, session_id=session_id), code=303)
    return _session_page(input_session, form=form, refused=refused, status=422)


@bp.post("/sessions/<int:session_id>/batch")
def session_batch(slug: str, session_id: int):
    """Several contributions at once; "preview" shows how they were split, "save" stores them."""
    consultation = g.consultation
    input_session = offline.session_or_404(consultation, session_id)
    batch = BatchForm(prefix="batch")
    if not batch.validate_on_submit():
        return _session_page(input_session, batch=batch, status=422)
    texts = offline.split_batch(batch.texts.data)
    if "preview" in request.form:
        return _session_page(input_session, batch=batch, preview=texts)
    try:
        ids = offline.add_session_batch(input_session, texts, actor=current_user, language=batch.language.data,
                                        max_length=current_app.config["MAX_ANSWER_LENGTH"])
    except offline.OfflineRefused as error:
        db.session.rollback()
        batch.texts.errors = [*batch.texts.errors, _refusal(error.reason)]
        return _session_page(input_session, batch=batch, preview=texts, status=422)
    db.session.commit()
    translation = services.after_storing(ids)
    flash(ngettext("%(num)d contribution has been saved.", "%(num)d contributions have been saved.", len(ids)),
          "success")
    if translation:
        flash(translation, "info")
    return redirect(url_for("offline.session", slug=consultation.slug, session_id=session_id), code=303)


# --- import -------------------------------------------------------------------------------

@bp.route("/import", methods=["GET", "POST"])
def import_file(slug: str):
    consultation = g.consultation
    form = ImportForm()
    report = error = None
    if form.validate_on_submit():
        upload = form.file.data
        data = upload.read(_import_max_bytes() + 1) if upload is not None and hasattr(upload, "read") else b""
        if not data:
            form.file.errors = [*form.file.errors, _("Please choose a file.")]
        else:
            try:
                report = imports.import_file(
                    consultation, data, upload.filename, dry_run=bool(form.dry_run.data), actor=current_user,
                    default_channel=Channel(form.default_channel.data))
            except imports.ImportFailed as failed:
                db.session.rollback()
                error = failed.message()
            else:
                if report.dry_run or not report.ok:
                    db.session.rollback()
                else:
                    db.session.commit()
                    translation = services.after_storing(report.added_ids)
                    flash(_("%(added)s added, %(skipped)s skipped as already present, %(refused)s refused.",
                            **report.counts()), "success")
                    if translation:
                        flash(translation, "info")
                    return redirect(url_for("offline.import_file", slug=consultation.slug), code=303)
    status = 200
    if form.is_submitted() and (form.errors or error or (report is not None and not report.ok)):
        status = 422
    return render_template(TEMPLATES + "import.html", consultation=consultation, form=form, report=report,
                           error=error, max_mb=_import_max_megabytes(),
                           columns=imports.COLUMNS), status


# --- export -------------------------------------------------------------------------------

def _download(body: bytes, mimetype: str, extension: str) -> Response:
    name = secure_filename(f"{g.consultation.slug}-contributions.{extension}") or f"contributions.{extension}"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/export.csv")
def export_csv(slug: str):
    consultation = g.consultation
    body = write_csv(offline.export_rows(consultation, current_language()), offline.EXPORT_HEADERS)
    offline.record_export(current_user, consultation, "csv")
    db.session.commit()
    return _download(body, "text/csv", "csv")


@bp.get("/export.xlsx")
def export_xlsx(slug: str):
    consultation = g.consultation
    body = write_xlsx(offline.export_rows(consultation, current_language()), offline.EXPORT_HEADERS,
                      sheet_title="Contributions")
    offline.record_export(current_user, consultation, "xlsx")
    db.session.commit()
    return _download(body, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


@bp.app_template_global()
def may_enter_offline(consultation) -> bool:
    """Whether the current user may enter offline input for ``consultation`` (for links)."""
    return offline.can_enter(current_user, consultation)
