"""Theme pages for analysts (working group and administrators): the themes of a scope (a
consultation, or an action field and a date range), a theme with its contributions (rename, merge,
split, move, tag with codes), the codebook, a summary run's progress, and approving a summary.

Everyone else gets a 404 (the pages do not reveal that they exist); the CSRF token is checked in
:func:`guard`, after the role check. A theme or run is reached through its scope: a consultation's
must be visible to the analyst, an action field's field must exist. Views load, call one service,
commit once and redirect.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_percent
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from app.analysis import abstracts, runs, stats, themes
from app.analysis.forms import RangeForm
from app.analysis.models import AnalysisRun, Code, RunStatus, Theme
from app.analysis.permissions import can_analyse
from app.analysis.routes import BadArguments, bad_arguments, date_range, field_or_404, field_text
from app.analysis.theme_forms import CodeForm, ConfirmForm, MergeForm, RenameForm, RunForm, SelectionForm
from app.consultations import queries
from app.consultations.models import ActionField, Consultation
from app.core.pagination import page_args, paginate
from app.extensions import csrf, db
from app.i18n.content import localize
from app.i18n.locale import current_language

bp = Blueprint("themes", __name__, url_prefix="/<lang:lang>/analysis", template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the role check
bp.register_error_handler(BadArguments, bad_arguments)  # bad dates of an action field: 400 with the reason

TEMPLATES = "analysis/"
MAX_ID = 2**31 - 1


@bp.before_request
def guard():
    if not can_analyse(current_user):
        abort(404)
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


@dataclass(frozen=True)
class ScopeView:
    """A scope as the theme pages show it: a consultation, or an action field and a date range."""

    key: str
    consultation: Consultation | None = None
    field: ActionField | None = None
    start: date | None = None
    end: date | None = None

    @property
    def range_args(self) -> dict:
        """The ``from`` and ``to`` URL arguments of an action field's period."""
        return {k: v.isoformat() for k, v in (("from", self.start), ("to", self.end)) if v}

    @property
    def text(self) -> str:
        """The scope as a line of text (a consultation's title, or the field and its period)."""
        if self.consultation is not None:
            return localize(self.consultation.title, current_language()).text
        return field_text(self.field, self.start, self.end, current_language())

    @property
    def themes_url(self) -> str:
        if self.consultation is not None:
            return url_for("themes.consultation_themes", slug=self.consultation.slug)
        return url_for("themes.field_themes", slug=self.field.slug, **self.range_args)

    @property
    def run_url(self) -> str:
        if self.consultation is not None:
            return url_for("themes.start_run", slug=self.consultation.slug)
        return url_for("themes.start_field_run", slug=self.field.slug, **self.range_args)

    @property
    def summary_url(self) -> str:
        if self.consultation is not None:
            return url_for("analysis.consultation", slug=self.consultation.slug)
        return url_for("analysis.field", slug=self.field.slug, **self.range_args)

    def range_form(self) -> RangeForm:
        return RangeForm(MultiDict(self.range_args))


def _themes_url(scope_key: str) -> str | None:
    """The theme page of a scope (no database access, no check), or None for an unknown kind."""
    try:
        info = stats.describe_scope(scope_key)
    except stats.BadScope:
        return None
    if info["kind"] == "consultation":
        consultation = db.session.get(Consultation, info["consultation_id"])
        return url_for("themes.consultation_themes", slug=consultation.slug) if consultation else None
    args = {k: info[k] for k in ("from", "to") if info[k]}
    return url_for("themes.field_themes", slug=info["field"], **args)


@bp.app_template_global()
def theme_section(scope_key: str) -> dict | None:
    """What ``analysis/themes_section.html`` shows of a scope (None for those who may not see it)."""
    if not can_analyse(current_user):
        return None
    data = themes.overview(scope_key)
    data["url"] = _themes_url(scope_key)
    return data


@bp.app_template_global()
def published_summary(consultation: Consultation) -> dict | None:
    """What ``analysis/public_summary.html`` shows every reader of a consultation (None: nothing)."""
    return themes.public_summary(consultation, current_language())


@bp.app_template_filter("theme_share")
def theme_share(value: float) -> str:
    """A share (0..1) as a percentage in the reader's locale."""
    return format_percent(value or 0.0)


# --- loading ------------------------------------------------------------------------------

def _consultation_or_404(consultation_id: int | None) -> Consultation:
    if consultation_id is None:
        abort(404)
    consultation = db.session.scalars(queries.visible_consultations().where(
        Consultation.id == consultation_id)).first()
    if consultation is None:
        abort(404)
    return consultation


def _field_of_key_or_404(scope_key: str, info: dict) -> ScopeView:
    field = db.session.scalars(sa.select(ActionField).where(ActionField.slug == info["field"])).first()
    if field is None:
        abort(404)
    try:
        start, end = stats.parse_day(info["from"]), stats.parse_day(info["to"])
    except stats.BadScope:
        abort(404)
    return ScopeView(scope_key, field=field, start=start, end=end)


def _check_scope(scope_key: str) -> ScopeView | None:
    """The scope of a theme or run, which the analyst must be able to see: a consultation's must be
    visible, an action field's field must exist. None for a key of an unknown kind."""
    try:
        info = stats.describe_scope(scope_key)
    except stats.BadScope:
        return None
    if info["kind"] == "consultation":
        consultation = _consultation_or_404(info["consultation_id"])
        return ScopeView(scope_key, consultation=consultation)
    return _field_of_key_or_404(scope_key, info)


def _consultation_scope(consultation: Consultation) -> ScopeView:
    return ScopeView(themes.consultation_scope(consultation), consultation=consultation)


def _field_scope_or_404(slug: str) -> ScopeView:
    """An action field and the period of the URL arguments ``from`` and ``to`` (bad dates: 400)."""
    field = field_or_404(slug)
    _form, start, end = date_range()
    return ScopeView(stats.field_scope(field.slug, start, end), field=field, start=start, end=end)


def _theme_or_404(theme_id: int) -> tuple[Theme, ScopeView | None]:
    theme = db.session.get(Theme, theme_id) if theme_id <= MAX_ID else None
    if theme is None:
        abort(404)
    return theme, _check_scope(theme.scope_key)


def _run_or_404(run_id: int) -> tuple[AnalysisRun, ScopeView | None]:
    run = db.session.get(AnalysisRun, run_id) if run_id <= MAX_ID else None
    if run is None:
        abort(404)
    return run, _check_scope(run.scope_key)


def _code_or_404(code_id: int) -> Code:
    code = db.session.get(Code, code_id) if code_id <= MAX_ID else None
    if code is None:
        abort(404)
    return code


def _back_to_scope(scope: ScopeView | None):
    return redirect(scope.themes_url if scope is not None else url_for(".codes"), code=303)


# --- a scope's themes ---------------------------------------------------------------------

def _render_overview(scope: ScopeView, run_form: RunForm | None = None, code: int = 200):
    active = runs.active_run(scope.key)
    data = themes.overview(scope.key)
    return render_template(
        TEMPLATES + "themes.html", scope=scope, scope_key=scope.key,
        range_form=scope.range_form() if scope.field is not None else None,
        data=data, active=active, run_form=run_form or RunForm(formdata=None),
        progress_text=runs.progress_text, summary_host=abstracts.service_host(current_app.config),
        public_run=themes.public_run(scope.consultation) if scope.consultation is not None else None,
        subject_view=themes.subject_view_of(data["run"], current_language()),
    ), code


def _start_run(scope: ScopeView):
    form = RunForm()
    if not form.validate():
        return _render_overview(scope, form, 422)
    try:
        run = runs.create_run(scope.key, current_user, form.k.data)
    except themes.ThemeRefused as refused:
        db.session.rollback()
        form.k.errors = [*form.k.errors, themes.refusal_message(refused.reason)]
        return _render_overview(scope, form, 409 if refused.reason == "running" else 422)
    db.session.commit()
    run_id = run.id
    runs.dispatch_run(run_id)
    return redirect(url_for(".run_status", run_id=run_id), code=303)


@bp.get("/consultations/<slug>/themes")
def consultation_themes(slug: str):
    return _render_overview(_consultation_scope(queries.get_visible_or_404(slug)))


@bp.post("/consultations/<slug>/themes/run")
def start_run(slug: str):
    return _start_run(_consultation_scope(queries.get_visible_or_404(slug)))


@bp.get("/fields/<slug>/themes")
def field_themes(slug: str):
    """The themes of an action field and a period (``?from=YYYY-MM-DD&to=YYYY-MM-DD``, both optional)."""
    return _render_overview(_field_scope_or_404(slug))


@bp.post("/fields/<slug>/themes/run")
def start_field_run(slug: str):
    """Compute the themes of an action field and the period of the URL arguments."""
    return _start_run(_field_scope_or_404(slug))


@bp.get("/runs/<int:run_id>")
def run_status(run_id: int):
    run, scope = _run_or_404(run_id)
    active = run.status in (RunStatus.QUEUED, RunStatus.RUNNING)
    return render_template(TEMPLATES + "themes_run.html", run=run, scope=scope, active=active,
                           progress_text=runs.progress_text(run))


def _run_action(run_id: int, service, message: str):
    """Approve, publish or unpublish a run: one service call; a refusal is a 409 with its reason."""
    run, scope = _run_or_404(run_id)
    if not ConfirmForm().validate():
        abort(400)
    try:
        service(run, current_user)
    except themes.ThemeRefused as refused:
        db.session.rollback()
        if scope is None:
            abort(409)
        flash(themes.refusal_message(refused.reason), "error")
        return _render_overview(scope, code=409)
    db.session.commit()
    flash(message, "success")
    return _back_to_scope(scope)


@bp.post("/runs/<int:run_id>/approve")
def approve(run_id: int):
    return _run_action(run_id, runs.approve_run, _("The summary is approved."))


@bp.post("/runs/<int:run_id>/publish")
def publish(run_id: int):
    """Show an approved summary of a consultation on its public page."""
    return _run_action(run_id, runs.publish_run, _("The summary is shown on the consultation page."))


@bp.post("/runs/<int:run_id>/unpublish")
def unpublish(run_id: int):
    """Take a summary off its consultation's public page."""
    return _run_action(run_id, runs.unpublish_run, _("The summary is no longer shown on the consultation page."))


# --- one theme ----------------------------------------------------------------------------

def _render_theme(theme: Theme, scope: ScopeView | None, *, rename=None, merge=None, selection=None, code: int = 200):
    try:
        page, per_page = page_args(default_per_page=50)
    except ValueError:
        abort(400)
    all_themes = themes.themes_of(theme.scope_key)
    codes = themes.codes()
    pagination = paginate(themes.theme_members(theme), page, per_page)
    ids = [c.id for c in pagination.items]
    return render_template(
        TEMPLATES + "themes_detail.html", theme=theme, scope=scope, pagination=pagination,
        sources=themes.assignment_sources(theme), codes_of=themes.codes_of(ids),
        quotes={c.id: themes.quote(c) for c in pagination.items},
        rename=rename or RenameForm(formdata=None, data={"label": theme.label}),
        merge=merge or MergeForm(all_themes, theme, formdata=None),
        selection=selection or SelectionForm(all_themes, theme, codes, formdata=None),
        has_codes=bool(codes), has_others=len(all_themes) > 1,
    ), code


@bp.get("/themes/<int:theme_id>")
def theme(theme_id: int):
    found, scope = _theme_or_404(theme_id)
    return _render_theme(found, scope)


@bp.post("/themes/<int:theme_id>/rename")
def rename(theme_id: int):
    found, scope = _theme_or_404(theme_id)
    form = RenameForm()
    if form.validate():
        try:
            themes.rename_theme(found, form.label.data, current_user)
        except themes.ThemeRefused as refused:
            db.session.rollback()
            form.label.errors = [*form.label.errors, themes.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(_("The theme is renamed."), "success")
            return redirect(url_for(".theme", theme_id=theme_id), code=303)
    return _render_theme(found, scope, rename=form, code=422)


@bp.post("/themes/<int:theme_id>/merge")
def merge(theme_id: int):
    found, scope = _theme_or_404(theme_id)
    form = MergeForm(themes.themes_of(found.scope_key), found)
    if form.validate():
        try:
            target = themes.merge_theme(found, db.session.get(Theme, form.target_id), current_user)
        except themes.ThemeRefused as refused:
            db.session.rollback()
            form.target.errors = [*form.target.errors, themes.refusal_message(refused.reason)]
        else:
            target_id = target.id
            db.session.commit()
            flash(_("The themes are merged."), "success")
            return redirect(url_for(".theme", theme_id=target_id), code=303)
    return _render_theme(found, scope, merge=form, code=422)


@bp.post("/themes/<int:theme_id>/contributions")
def contributions(theme_id: int):
    """Move, split off or tag the ticked contributions of a theme."""
    found, scope = _theme_or_404(theme_id)
    form = SelectionForm(themes.themes_of(found.scope_key), found, themes.codes())
    if form.validate():
        action = form.action.data
        try:
            if action == "move":
                n = themes.move_contributions(found, form.contribution_ids, db.session.get(Theme, int(form.target.data)),
                                              current_user)
                message = ngettext("%(num)d contribution moved.", "%(num)d contributions moved.", n)
            elif action == "split":
                new = themes.split_theme(found, form.contribution_ids, form.label.data, current_user)
                message = _("The new theme “%(label)s” is created.", label=new.label)
            else:
                n = themes.tag_contributions(found, form.contribution_ids, db.session.get(Code, int(form.code.data)),
                                             current_user, remove=action == "untag")
                message = (ngettext("Code removed from %(num)d contribution.", "Code removed from %(num)d contributions.", n)
                           if action == "untag" else
                           ngettext("%(num)d contribution tagged.", "%(num)d contributions tagged.", n))
        except themes.ThemeRefused as refused:
            db.session.rollback()
            field = {"selection": form.ids, "target": form.target, "label": form.label, "code": form.code}.get(
                refused.reason, form.ids)
            field.errors = [*field.errors, themes.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for(".theme", theme_id=theme_id), code=303)
    return _render_theme(found, scope, selection=form, code=422)


# --- the codebook -------------------------------------------------------------------------

@bp.route("/codes", methods=["GET", "POST"])
def codes():
    all_codes = themes.codes()
    form = CodeForm(all_codes)
    if request.method == "POST" and form.validate():
        parent = db.session.get(Code, form.parent_id) if form.parent_id else None
        try:
            themes.create_code(form.name.data, form.description.data, parent, current_user)
        except themes.ThemeRefused as refused:
            db.session.rollback()
            form.name.errors = [*form.name.errors, themes.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(_("The code is added to the codebook."), "success")
            return redirect(url_for(".codes"), code=303)
    if request.method == "GET":
        form = CodeForm(all_codes, formdata=None)
    return render_template(TEMPLATES + "codes.html", codes=all_codes, usage=themes.code_usage(), form=form), 422 if request.method == "POST" else 200


@bp.route("/codes/<int:code_id>", methods=["GET", "POST"])
def edit_code(code_id: int):
    code = _code_or_404(code_id)
    all_codes = themes.codes()
    if request.method == "GET":
        form = CodeForm(all_codes, formdata=None, current=code, data={
            "name": code.name, "description": code.description or "",
            "parent": str(code.parent_id) if code.parent_id else ""})
        return render_template(TEMPLATES + "codes_edit.html", code=code, form=form)
    form = CodeForm(all_codes, current=code)
    if form.validate():
        parent = db.session.get(Code, form.parent_id) if form.parent_id else None
        try:
            themes.update_code(code, form.name.data, form.description.data, parent, current_user)
        except themes.ThemeRefused as refused:
            db.session.rollback()
            field = form.parent if refused.reason == "code_parent" else form.name
            field.errors = [*field.errors, themes.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(_("The code is saved."), "success")
            return redirect(url_for(".codes"), code=303)
    return render_template(TEMPLATES + "codes_edit.html", code=code, form=form), 422


@bp.post("/codes/<int:code_id>/delete")
def delete_code(code_id: int):
    code = _code_or_404(code_id)
    if not ConfirmForm().validate():
        abort(400)
    themes.delete_code(code, current_user)
    db.session.commit()
    flash(_("The code is deleted."), "success")
    return redirect(url_for(".codes"), code=303)
