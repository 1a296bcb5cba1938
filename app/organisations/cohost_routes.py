"""The co-host workspace (``/<lang>/cohost/...``): "My consultations", the consultation's texts per
language, news updates, and the language mediators' translation queue.

Every address answers 404 to whoever may not use it (see :mod:`app.organisations.cohosting`); the
CSRF token is checked in :func:`guard`, after the access check, so that the pages do not reveal
that they exist. Views parse the request, call one service, commit once and redirect.
"""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.consultations import updates as update_services
from app.consultations.services.common import InvalidInput
from app.contributions.translations import TranslationRefused, refusal_message
from app.core.pagination import page_args, paginate
from app.extensions import csrf, db
from app.i18n.content import SOURCE_LANGUAGE
from app.i18n.locale import current_language
from app.organisations import cohosting
from app.organisations import permissions as org_permissions
from app.organisations.cohost_forms import (
    MediatorTranslationForm,
    QueueFilterForm,
    TextLanguageForm,
    texts_form,
    update_form,
)

bp = Blueprint("cohost", __name__, url_prefix="/<lang:lang>/cohost", template_folder="templates")
csrf.exempt(bp)  # checked in guard(), after the access check

TEMPLATES = "organisations/cohost/"
CONSULTATION_ENDPOINTS = frozenset({"cohost.translations", "cohost.updates", "cohost.update", "cohost.delete_update"})
QUEUE_ENDPOINTS = frozenset({"cohost.translate_queue", "cohost.translate_item"})


@bp.before_request
def guard():
    """404 unless the person may use this page (for this consultation); then the CSRF check."""
    args = request.view_args or {}
    if request.endpoint in CONSULTATION_ENDPOINTS:
        g.consultation = cohosting.get_consultation(args.get("slug"), current_user)
        if g.consultation is None:
            abort(404)
    elif request.endpoint in QUEUE_ENDPOINTS:
        g.scope = cohosting.mediator_scope(current_user)
        if g.scope is None:
            abort(404)
    elif not cohosting.may_use_workspace(current_user):
        abort(404)
    if request.method == "POST" and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()


# --- helpers for other templates ----------------------------------------------------------

@bp.app_template_global()
def may_use_cohost_workspace() -> bool:
    """Whether the navigation offers "My consultations" (members of a co-hosting organisation)."""
    return bool(org_permissions.cohosted_consultation_ids(current_user))


@bp.app_template_global()
def consultation_updates(consultation) -> list:
    """The published news updates of ``consultation``, localized, newest first."""
    lang = current_language()
    return [update_services.localize_update(u, lang) for u in update_services.published_updates(consultation)]


def _page_args():
    try:
        return page_args()
    except ValueError:
        abort(400)


# --- My consultations -----------------------------------------------------------------------

@bp.get("/")
def index():
    page, per_page = _page_args()
    pagination = paginate(cohosting.workspace_consultations(current_user), page, per_page)
    scope = cohosting.mediator_scope(current_user)
    return render_template(
        TEMPLATES + "index.html", pagination=pagination,
        organisations={c.id: org_permissions.cohosting_organisations(current_user, c) for c in pagination.items},
        mediates={c.id for c in pagination.items
                  if scope is not None and (scope.consultation_ids is None or c.id in scope.consultation_ids)},
        offline_available="offline.index" in current_app.view_functions)


# --- the consultation's texts per language --------------------------------------------------------

def _default_text_language(languages: list[str]) -> str:
    page_lang = current_language()
    if page_lang != SOURCE_LANGUAGE and page_lang in languages:
        return page_lang
    return next((c for c in languages if c != SOURCE_LANGUAGE), SOURCE_LANGUAGE)


@bp.route("/consultations/<slug>/translations", methods=["GET", "POST"])
def translations(slug: str):
    consultation = g.consultation
    languages = cohosting.text_languages()
    fields = cohosting.consultation_text_fields(consultation)
    if request.method == "POST":
        language = request.form.get("language", "")
        if language not in languages:
            abort(400)
        form = texts_form(consultation, fields, language, current_language(), submitted=True)
        if form.validate():
            try:
                changed = cohosting.save_consultation_texts(consultation, language, form.values(), current_user)
            except InvalidInput as invalid:
                db.session.rollback()
                form.attach_errors(invalid.errors)
            else:
                db.session.commit()
                flash(_("The texts have been saved.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for(".translations", slug=consultation.slug, language=language), code=303)
        code = 422
    else:
        chooser = TextLanguageForm(languages, formdata=request.args)
        if not chooser.validate():
            abort(400)
        language = chooser.language.data or _default_text_language(languages)
        chooser.language.data = language
        form = texts_form(consultation, fields, language, current_language(), submitted=False)
        code = 200
    if request.method == "POST":
        chooser = TextLanguageForm(languages, formdata=None, data={"language": language})
    rows = [(f, form[f.key], (getattr(f.obj, f.attribute) or {}).get(SOURCE_LANGUAGE, "")) for f in fields]
    return render_template(TEMPLATES + "translations.html", consultation=consultation, form=form, chooser=chooser,
                           language=language, rows=rows, source_language=SOURCE_LANGUAGE), code


# --- news updates -------------------------------------------------------------------------

@bp.route("/consultations/<slug>/updates", methods=["GET", "POST"])
def updates(slug: str):
    consultation = g.consultation
    languages = cohosting.text_languages()
    submitted = request.method == "POST"
    form = update_form(languages, current_language(), submitted=submitted)
    code = 200
    if submitted:
        if form.validate():
            try:
                update_services.create_update(consultation, current_user,
                                              cohosting.update_organisation(current_user, consultation),
                                              form.translations("title"), form.translations("body"),
                                              form.published.data)
            except InvalidInput as invalid:
                db.session.rollback()
                form.attach_errors(invalid.errors)
            else:
                db.session.commit()
                flash(_("The news update has been saved."), "success")
                return redirect(url_for(".updates", slug=consultation.slug), code=303)
        code = 422
    items = update_services.all_updates(consultation)
    lang = current_language()
    return render_template(TEMPLATES + "updates.html", consultation=consultation, form=form,
                           items=[(update_services.localize_update(u, lang),
                                   cohosting.may_edit_update(current_user, u)) for u in items]), code


def _update_or_404(update_id: int):
    update = update_services.get_update(g.consultation, update_id)
    if update is None or not cohosting.may_edit_update(current_user, update):
        abort(404)
    return update


@bp.route("/consultations/<slug>/updates/<int:update_id>", methods=["GET", "POST"])
def update(slug: str, update_id: int):
    consultation = g.consultation
    item = _update_or_404(update_id)
    submitted = request.method == "POST"
    form = update_form(cohosting.text_languages(), current_language(), item, submitted=submitted)
    code = 200
    if submitted:
        if form.validate():
            try:
                changed = update_services.edit_update(item, current_user, form.translations("title"),
                                                      form.translations("body"), form.published.data)
            except InvalidInput as invalid:
                db.session.rollback()
                form.attach_errors(invalid.errors)
            else:
                db.session.commit()
                flash(_("The news update has been saved.") if changed else _("Nothing was changed."), "success")
                return redirect(url_for(".updates", slug=consultation.slug), code=303)
        code = 422
    return render_template(TEMPLATES + "update.html", consultation=consultation, form=form, item=item), code


@bp.post("/consultations/<slug>/updates/<int:update_id>/delete")
def delete_update(slug: str, update_id: int):
    consultation = g.consultation
    item = _update_or_404(update_id)
    update_services.delete_update(item, current_user)
    db.session.commit()
    flash(_("The news update has been deleted."), "success")
    return redirect(url_for(".updates", slug=consultation.slug), code=303)


# --- the language mediators' queue --------------------------------------------------------

def _queue_filters() -> QueueFilterForm:
    scope = g.scope
    filters = QueueFilterForm(cohosting.queue_languages(scope), cohosting.queue_consultations(scope),
                              current_language(), formdata=request.args)
    if not filters.validate():
        abort(400)
    return filters


def _query(filters: QueueFilterForm) -> dict:
    return {k: v for k, v in (("language", filters.language.data), ("consultation", filters.consultation.data)) if v}


@bp.get("/translate")
def translate_queue():
    filters = _queue_filters()
    page, per_page = _page_args()
    pagination = paginate(cohosting.translation_queue(g.scope, filters.language.data or None,
                                                      filters.consultation_id), page, per_page)
    return render_template(TEMPLATES + "translate_queue.html", filters=filters, pagination=pagination,
                           query=_query(filters), target=cohosting.TARGET_LANGUAGE)


@bp.route("/translate/<int:contribution_id>", methods=["GET", "POST"])
def translate_item(contribution_id: int):
    filters = _queue_filters()
    contribution = cohosting.get_translatable(contribution_id, g.scope)
    if contribution is None:
        abort(404)
    query = _query(filters)
    current = contribution.current_translation(cohosting.TARGET_LANGUAGE)
    form = MediatorTranslationForm()
    code = 200
    if form.is_submitted():
        if form.validate():
            try:
                cohosting.save_mediator_translation(contribution, form.text.data, current_user)
            except TranslationRefused as refused:
                db.session.rollback()
                form.text.errors = [*form.text.errors, refusal_message(refused.reason)]
            else:
                db.session.commit()
                flash(_("The translation has been saved."), "success")
                following = cohosting.next_in_queue(g.scope, filters.language.data or None,
                                                    filters.consultation_id, after=contribution.id)
                if following is None:
                    flash(_("No more contributions are waiting for a translation."), "info")
                    return redirect(url_for(".translate_queue", **query), code=303)
                return redirect(url_for(".translate_item", contribution_id=following.id, **query), code=303)
        code = 422
    elif current is not None:
        form.text.data = current.text  # a machine (or earlier) translation to start from
    return render_template(TEMPLATES + "translate_item.html", contribution=contribution, form=form,
                           current=current, query=query, target=cohosting.TARGET_LANGUAGE), code
