"""Moderation pages: the netiquette, reporting a contribution, the moderation queue with single
and bulk decisions, and the audit log.

The queue (``/<lang>/moderation/...``) answers 404 to everyone who may not moderate, and the
audit log 404 to everyone but administrators, so they do not reveal that they exist. For the same
reason the CSRF token is checked in :func:`guard`, after the role check. Views parse the request,
load, call one service, then commit once and redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app.consultations import queries
from app.contributions import services as contribution_services
from app.core.pagination import page_args, paginate
from app.extensions import csrf, db
from app.i18n.locale import current_language
from app.moderation import audit, permissions, services
from app.moderation.forms import (
    AuditFilterForm,
    FlagCreateForm,
    ModerationBulkForm,
    ModerationDecisionForm,
    QueueFilterForm,
)

bp = Blueprint("moderation", __name__, url_prefix="/<lang:lang>", template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the role check

QUEUE_ENDPOINTS = frozenset({"moderation.queue", "moderation.bulk", "moderation.review"})
AUDIT_ENDPOINTS = frozenset({"moderation.audit_log"})
READER_ID_KEY = "reader_id"  # a random id for reporters without an account (never an IP address)
TEMPLATES = "moderation/"


@bp.before_request
def guard():
    """404 on the queue for everyone who may not moderate, and on the audit log for everyone but
    administrators; then the CSRF check of every POST request."""
    if request.endpoint in QUEUE_ENDPOINTS and not permissions.can_moderate(current_user):
        abort(404)
    if request.endpoint in AUDIT_ENDPOINTS and not permissions.can_read_audit_log(current_user):
        abort(404)
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- helpers for other domains' templates -------------------------------------------------

@bp.app_template_global()
def new_flag_form() -> FlagCreateForm:
    """An empty report form, for the contribution page."""
    return FlagCreateForm(formdata=None)


@bp.app_template_global()
def may_moderate(consultation=None) -> bool:
    """Whether the current user may moderate ``consultation`` (any, without one)."""
    return permissions.can_moderate(current_user, consultation)


@bp.app_template_filter("moderation_notice")
def moderation_notice(contribution) -> str | None:
    """The public text shown in place of a hidden contribution."""
    return services.hidden_notice(contribution)


# --- public pages -------------------------------------------------------------------------

@bp.get("/netiquette")
def netiquette():
    return render_template(TEMPLATES + "netiquette.html")


def _reporter_key() -> str:
    if current_user.is_authenticated:
        return services.reporter_key(current_user)
    reader_id = session.get(READER_ID_KEY)
    if not isinstance(reader_id, str) or not 16 <= len(reader_id) <= 64:
        reader_id = session[READER_ID_KEY] = services.new_reader_id()
    return services.reporter_key(reader_id=reader_id)


@bp.route("/consultations/<slug>/contributions/<int:contribution_id>/report", methods=["GET", "POST"])
def flag(slug: str, contribution_id: int):
    """Report a published contribution: anyone may, once."""
    consultation = queries.get_visible_or_404(slug)
    if contribution_id > services.MAX_ID:
        abort(404)
    contribution = contribution_services.get_contribution_or_404(consultation, contribution_id)
    if not permissions.can_flag(contribution):
        abort(404)
    form = FlagCreateForm()
    if form.validate_on_submit():
        try:
            outcome = services.flag_contribution(contribution, form.flag_reason, form.comment.data, _reporter_key())
        except services.ModerationRefused as refused:
            db.session.rollback()
            form.comment.errors = [*form.comment.errors, services.refusal_message(refused.reason)]
        else:
            db.session.commit()
            if not outcome.counted:
                flash(_("You have already reported this contribution. Thank you – a moderator will check it."), "info")
            elif outcome.hidden:
                flash(_("Thank you for your report. The contribution is hidden until a moderator has checked it."),
                      "success")
            else:
                flash(_("Thank you for your report. A moderator will check the contribution."), "success")
            return redirect(url_for("consultations.detail", slug=consultation.slug, _anchor="contributions-heading"),
                            code=303)
    return render_template(TEMPLATES + "flag.html", consultation=consultation, contribution=contribution,
                           form=form), 422 if form.is_submitted() else 200


# --- the queue ----------------------------------------------------------------------------

def _queue_filters() -> QueueFilterForm:
    """The queue's filters from the query string; bad values are a 400."""
    filters = QueueFilterForm(services.queue_consultations(current_user), current_language(), formdata=request.args)
    if not filters.validate():
        abort(400)
    return filters


def _render_queue(filters: QueueFilterForm, form: ModerationBulkForm | None = None, code: int = 200):
    try:
        page, per_page = page_args()
    except ValueError:
        abort(400)
    view, consultation_id = filters.queue_view, filters.consultation_id
    if form is None:
        form = ModerationBulkForm(formdata=None, decisions=services.VIEW_DECISIONS[view])
    pagination = paginate(services.queue(view, current_user, consultation_id), page, per_page)
    return render_template(
        TEMPLATES + "queue.html", filters=filters, form=form, pagination=pagination, view=view,
        counts=services.queue_counts(current_user, consultation_id),
        flags=services.flag_summaries(c.id for c in pagination.items),
        query={k: v for k, v in (("view", view.value), ("consultation", consultation_id)) if v},
    ), code


@bp.get("/moderation/")
def queue():
    return _render_queue(_queue_filters())


@bp.route("/moderation/bulk", methods=["GET", "POST"])
def bulk():
    """One decision for every ticked contribution of the queue."""
    filters = _queue_filters()
    query = {k: v for k, v in (("view", filters.view.data), ("consultation", filters.consultation.data)) if v}
    if request.method == "GET":
        return redirect(url_for(".queue", **query), code=303)
    form = ModerationBulkForm(decisions=services.VIEW_DECISIONS[filters.queue_view])
    if not form.validate():
        return _render_queue(filters, form, 422)
    try:
        outcome = services.decide_many(form.contribution_ids, form.chosen_decision, current_user,
                                       form.flag_reason, form.note.data)
    except services.ModerationRefused as refused:
        db.session.rollback()
        form.note.errors = [*form.note.errors, services.refusal_message(refused.reason)]
        return _render_queue(filters, form, 422)
    db.session.commit()
    if outcome.done:
        flash(_done_message(form.chosen_decision, len(outcome.done)), "success")
    if outcome.skipped:
        flash(ngettext("%(num)d contribution was skipped: this decision does not fit its current state.",
                       "%(num)d contributions were skipped: this decision does not fit their current state.",
                       len(outcome.skipped)), "error")
    return redirect(url_for(".queue", **query), code=303)


def _done_message(decision: services.Decision, n: int) -> str:
    if decision is services.Decision.APPROVE:
        return ngettext("%(num)d contribution approved.", "%(num)d contributions approved.", n)
    if decision is services.Decision.RESTORE:
        return ngettext("%(num)d contribution restored.", "%(num)d contributions restored.", n)
    return ngettext("%(num)d contribution hidden.", "%(num)d contributions hidden.", n)


@bp.route("/moderation/contributions/<int:contribution_id>", methods=["GET", "POST"])
def review(contribution_id: int):
    """One contribution with its open reports, and the decision on it."""
    contribution = services.get_for_moderation_or_404(contribution_id, current_user)
    view = services.view_of(contribution)
    form = ModerationDecisionForm(decisions=services.allowed_decisions(contribution))
    if form.validate_on_submit():
        try:
            services.decide(contribution, form.chosen_decision, current_user, form.flag_reason, form.note.data)
        except services.ModerationRefused as refused:
            db.session.rollback()
            form.note.errors = [*form.note.errors, services.refusal_message(refused.reason)]
        else:
            db.session.commit()
            flash(_done_message(form.chosen_decision, 1), "success")
            return redirect(url_for(".queue", view=view.value, consultation=contribution.consultation_id), code=303)
    return render_template(TEMPLATES + "review.html", contribution=contribution, form=form, view=view,
                           notice=services.hidden_notice(contribution),
                           flags=services.flag_summaries([contribution.id]).get(contribution.id)), \
        422 if form.is_submitted() else 200


# --- the audit log ------------------------------------------------------------------------

@bp.get("/moderation/audit")
def audit_log():
    """The audit log, newest first, for administrators."""
    form = AuditFilterForm(audit.known_actions(), formdata=request.args)
    try:
        page, per_page = page_args()
    except ValueError:
        abort(400)
    if not form.validate():
        abort(400)
    action = form.action.data or None
    pagination = paginate(audit.entries(action), page, per_page)
    return render_template(TEMPLATES + "audit.html", form=form, pagination=pagination,
                           query={"action": action} if action else {},
                           action_title=audit.action_title, reason_title=audit.reason_title)
