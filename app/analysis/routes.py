"""Summary pages for the working group: participation, closed questions, statements and what is new
since a date, for a consultation or an action field and a date range; the exports (XLSX, CSV) and
the memo (PDF, DOCX).

Working group and administrators only; everyone else gets a 404 (the pages do not reveal that they
exist). Every route is a GET that changes nothing but the audit log (an export is recorded), so
there is no form to protect with a CSRF token. Views parse the arguments, load, call one service.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import force_locale, format_date, format_decimal, format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from app.analysis import exports, memo, stats
from app.analysis.charts import summary_figures
from app.analysis.forms import FieldScopeForm, RangeForm, SinceForm
from app.analysis.permissions import can_analyse
from app.analysis.themes import consultation_scope
from app.consultations import queries
from app.consultations.models import ActionField, Consultation
from app.contributions.models import Channel, Contribution, ContributionStatus
from app.core.enums import title_of
from app.core.errors import render_error
from app.extensions import db
from app.i18n.content import localize
from app.i18n.languages import direction
from app.i18n.locale import current_language
from app.moderation import audit

bp = Blueprint("analysis", __name__, url_prefix="/<lang:lang>/analysis", template_folder="templates")

TEMPLATES = "analysis/"
audit.register_actions({"analysis.export": _l("Contributions or memo of a summary downloaded")})


@bp.before_request
def guard():
    if not can_analyse(current_user):
        abort(404)


@bp.app_template_global()
def may_analyse() -> bool:
    """Whether the current user may see the summary pages (for links)."""
    return can_analyse(current_user)


@bp.app_template_filter("stat_number")
def stat_number(value) -> str:
    return format_number(value or 0)


@bp.app_template_filter("stat_decimal")
def stat_decimal(value) -> str:
    return format_decimal(value, "0.0#") if value is not None else "–"


@bp.app_template_filter("stat_day")
def stat_day(value: str) -> str:
    """An ISO day (``YYYY-MM-DD``) in the reader's locale."""
    return format_date(date.fromisoformat(value), "medium")


@bp.app_template_filter("channel_title")
def channel_title(value: str) -> str:
    return str(title_of(Channel(value)))


# --- loading and arguments ----------------------------------------------------------------

def _action_fields() -> list[ActionField]:
    return list(db.session.scalars(sa.select(ActionField).order_by(ActionField.position, ActionField.id)))


def field_or_404(slug: str) -> ActionField:
    """The action field with this slug (also used by the theme pages of a field)."""
    field = db.session.scalars(sa.select(ActionField).where(ActionField.slug == slug)).first()
    if field is None:
        abort(404)
    return field


class BadArguments(Exception):
    def __init__(self, form):
        super().__init__("bad arguments")
        self.form = form


def _since() -> tuple[SinceForm, date | None]:
    form = SinceForm(request.args)
    if "since" in request.args and not form.validate():
        raise BadArguments(form)
    return form, form.since.day


def date_range() -> tuple[RangeForm, date | None, date | None]:
    """The checked ``from`` and ``to`` URL arguments; raises :class:`BadArguments` (a 400)."""
    form = RangeForm(request.args)
    if not form.validate():
        raise BadArguments(form)
    return form, form.start.day, form.end.day


def _message(form) -> str:
    return " ".join(str(e) for f in form for e in f.errors) or _("Please check the dates.")


@bp.errorhandler(BadArguments)
def bad_arguments(error: BadArguments):
    return render_error(400, _message(error.form))


def _field_scope(field: ActionField, start, end) -> str:
    return stats.field_scope(field.slug, start, end)


def field_text(field: ActionField, start, end, lang: str) -> str:
    """An action field and its period as a line of text in the reader's language."""
    name = localize(field.name, lang).text
    if start and end:
        return _("%(field)s, %(start)s to %(end)s", field=name, start=format_date(start, "medium"),
                 end=format_date(end, "medium"))
    if start:
        return _("%(field)s, from %(start)s", field=name, start=format_date(start, "medium"))
    if end:
        return _("%(field)s, until %(end)s", field=name, end=format_date(end, "medium"))
    return name


# --- pages --------------------------------------------------------------------------------

@bp.get("/")
def index():
    lang = current_language()
    form = FieldScopeForm(_action_fields(), lang, request.args if request.args else None)
    return _render_index(form, 200)


def _render_index(form, code: int):
    counts = dict(db.session.execute(
        sa.select(Contribution.consultation_id, sa.func.count(Contribution.id))
        .where(Contribution.status == ContributionStatus.PUBLISHED).group_by(Contribution.consultation_id)).all())
    consultations = list(db.session.scalars(queries.visible_consultations().order_by(
        Consultation.created_at.desc(), Consultation.id.desc())))
    return render_template(TEMPLATES + "index.html", consultations=consultations, counts=counts, form=form,
                           action_fields=_action_fields()), code


@bp.get("/fields")
def choose_field():
    """The action-field form of the index page: checked, then on to the field's summary."""
    form = FieldScopeForm(_action_fields(), current_language(), request.args)
    if not form.validate():
        return _render_index(form, 400)
    args = {k: v for k, v in (("from", form.start.data), ("to", form.end.data)) if v}
    return redirect(url_for(".field", slug=form.field.data, **args), code=303)


@bp.get("/consultations/<slug>")
def consultation(slug: str):
    item = queries.get_visible_or_404(slug)
    since_form, since = _since()
    scope_key = consultation_scope(item)
    data = stats.summary_stats(scope_key, since)
    return _render_summary(data, since_form, title=localize(item.title, current_language()), consultation=item,
                           exports=_links(".consultation_export", ".consultation_memo", since, slug=item.slug))


@bp.get("/fields/<slug>")
def field(slug: str):
    field_ = field_or_404(slug)
    range_form, start, end = date_range()
    since_form, since = _since()
    scope_key = _field_scope(field_, start, end)
    data = stats.summary_stats(scope_key, since)
    range_args = {k: v.isoformat() for k, v in (("from", start), ("to", end)) if v}
    return _render_summary(data, since_form, title=field_text(field_, start, end, current_language()),
                           field=field_, range_form=range_form, range_args=range_args,
                           exports=_links(".field_export", ".field_memo", since, slug=field_.slug, **range_args))


def _links(export_endpoint: str, memo_endpoint: str, since, **args) -> dict:
    memo_args = dict(args, since=since.isoformat()) if since else args
    return {
        "xlsx": url_for(export_endpoint, fmt="xlsx", **args), "csv": url_for(export_endpoint, fmt="csv", **args),
        "pdf": url_for(memo_endpoint, fmt="pdf", **memo_args), "docx": url_for(memo_endpoint, fmt="docx", **memo_args),
    }


def _render_summary(data: dict, since_form, **context):
    lang = current_language()
    figures = summary_figures(data, lang, rtl=direction(lang) == "rtl")
    return render_template(TEMPLATES + "summary.html", data=data, figures=figures, since_form=since_form,
                           scope_key=data["scope_key"], **context)


# --- downloads ----------------------------------------------------------------------------

def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _file_name(base: str, extension: str) -> str:
    safe = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "-" for ch in base)[:80]
    return f"{safe}.{extension}"


def _export(scope_key: str, obj, fmt: str, base: str) -> Response:
    body = exports.export_xlsx(scope_key) if fmt == "xlsx" else exports.export_csv(scope_key)
    audit.record(current_user, "analysis.export", obj, scope=scope_key, file_format=fmt)
    db.session.commit()
    mimetype = exports.XLSX_MIMETYPE if fmt == "xlsx" else exports.CSV_MIMETYPE
    return _download(body, mimetype, _file_name(base, fmt))


def _memo(scope_key: str, obj, fmt: str, base: str, scope_title: str, scope_text: str, since) -> Response:
    blocks = memo.memo_blocks(scope_key, scope_title=scope_title, scope_text=scope_text, since=since)
    title = f"{blocks[0].text}: {scope_title}"
    body = memo.memo_pdf(blocks, title) if fmt == "pdf" else memo.memo_docx(blocks, title)
    audit.record(current_user, "analysis.export", obj, scope=scope_key, file_format=fmt)
    db.session.commit()
    mimetype = memo.PDF_MIMETYPE if fmt == "pdf" else memo.DOCX_MIMETYPE
    return _download(body, mimetype, _file_name(base, fmt))


@bp.get("/consultations/<slug>/export.<any(xlsx, csv):fmt>")
def consultation_export(slug: str, fmt: str):
    item = queries.get_visible_or_404(slug)
    return _export(consultation_scope(item), item, fmt, f"beitraege-{item.slug}")


@bp.get("/fields/<slug>/export.<any(xlsx, csv):fmt>")
def field_export(slug: str, fmt: str):
    field_ = field_or_404(slug)
    _form, start, end = date_range()
    return _export(_field_scope(field_, start, end), field_, fmt, _range_name("beitraege", field_, start, end))


@bp.get("/consultations/<slug>/memo.<any(pdf, docx):fmt>")
def consultation_memo(slug: str, fmt: str):
    item = queries.get_visible_or_404(slug)
    _form, since = _since()
    with force_locale("de"):
        title = localize(item.title, "de").text
        text = _("Consultation “%(title)s”", title=title)
    return _memo(consultation_scope(item), item, fmt, f"vermerk-{item.slug}", title, text, since)


@bp.get("/fields/<slug>/memo.<any(pdf, docx):fmt>")
def field_memo(slug: str, fmt: str):
    field_ = field_or_404(slug)
    _form, start, end = date_range()
    _sform, since = _since()
    with force_locale("de"):
        title = localize(field_.name, "de").text
        text = _("Action field: %(scope)s", scope=field_text(field_, start, end, "de"))
    return _memo(_field_scope(field_, start, end), field_, fmt, _range_name("vermerk", field_, start, end),
                 title, text, since)


def _range_name(prefix: str, field_: ActionField, start, end) -> str:
    parts = [prefix, field_.slug] + [d.isoformat() for d in (start, end) if d]
    return "-".join(parts)
