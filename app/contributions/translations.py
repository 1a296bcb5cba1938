"""Translations of contributions: machine translation as a background job, human
translations and corrections, and the history of each language.

A translation is stored beside the original, never over it. A correction adds a new row
based on the one it corrects and retires that one, so the history is kept. A provider
failure never blocks or loses a contribution: the contribution simply stays untranslated
until a later run (``flask --app wsgi translations pending``) or a person translates it.
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

import click
import sqlalchemy as sa
from flask import Flask, current_app
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.contributions.models import Contribution, ContributionTranslation, TranslationSource
from app.core import jobs
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.i18n.providers import (
    TranslationError,
    Translator,
    get_translator,
    machine_translation_enabled,
)

log = logging.getLogger(__name__)

MAX_TRANSLATION_LENGTH = 10_000
TRANSLATIONS_PER_JOB = 100  # contributions per job when many are stored at once (an import)
INLINE_TRANSLATIONS_MAX = 20  # without a queue, more than this many are left for `translations pending`


class TranslationRefused(Exception):
    """A human translation that may not be stored; ``reason`` is a stable code
    (``language``, ``same_language``, ``text``, ``actor``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


REFUSAL_MESSAGES = {
    "actor": _l("You are not allowed to translate contributions."),
    "language": _l("Please choose one of the options offered."),
    "same_language": _l("This is the language the contribution is written in; please choose another language."),
    "text": _l("Please enter the translation (at most 10,000 characters)."),
}


def refusal_message(reason: str):
    """The translated message for a :class:`TranslationRefused` reason."""
    return REFUSAL_MESSAGES.get(reason, REFUSAL_MESSAGES["text"])


@dataclass
class MachineTranslationOutcome:
    """What one run of :func:`machine_translate_contribution` did, by target language."""

    created: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # gave up (logged); retried by a later run
    skipped: list[str] = field(default_factory=list)  # original language or already translated


def translation_targets(contribution: Contribution) -> list[str]:
    """The configured target languages other than the contribution's own."""
    return [t for t in dict.fromkeys(current_app.config.get("TRANSLATION_TARGETS") or [])
            if t != contribution.language]


def _has_current(contribution_id: int, language: str) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(ContributionTranslation).where(
            ContributionTranslation.contribution_id == contribution_id,
            ContributionTranslation.language == language,
            ContributionTranslation.is_current.is_(True),
        )
    ) > 0


def _translate_with_retries(translator: Translator, text: str, source: str, target: str,
                            waits: list[float]) -> str:
    """One attempt, then one more after each wait in ``waits`` while the error is retryable."""
    attempt = 0
    while True:
        try:
            return translator.translate(text, source, target)
        except TranslationError as exc:
            if not exc.retryable or attempt >= len(waits):
                raise
            log.info("Translation into %s failed (%s); retrying in %s s", target, exc, waits[attempt])
            time.sleep(waits[attempt])
            attempt += 1


def machine_translate_contribution(contribution_id: int) -> MachineTranslationOutcome:
    """The job: translate a contribution into each target language that lacks a current
    translation, storing unreviewed MACHINE translations; commits each one.

    Idempotent (a second run adds nothing). Transient provider errors are retried inline
    (waits ``TRANSLATION_RETRY_WAITS``); under an RQ worker there is one attempt and the job
    raises afterwards so that RQ's Retry tries again later. Permanent errors are logged and
    the language is left untranslated; the contribution itself is never changed."""
    outcome = MachineTranslationOutcome()
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        log.info("Machine translation: contribution %s no longer exists", contribution_id)
        return outcome
    text = (contribution.text or "").strip()
    targets = translation_targets(contribution)
    pending = [t for t in targets if not _has_current(contribution.id, t)]
    outcome.skipped = [t for t in targets if t not in pending]
    if not text or not pending:
        return outcome
    try:
        translator = get_translator(current_app.config)
    except TranslationError as exc:
        log.warning("Machine translation of contribution %s is not possible: %s", contribution_id, exc)
        outcome.failed = pending
        return outcome
    if translator is None:
        outcome.skipped += pending
        return outcome

    under_rq = jobs.in_worker()
    waits = [] if under_rq else list(current_app.config.get("TRANSLATION_RETRY_WAITS") or [])
    source = contribution.language or "und"
    retry_later: list[str] = []
    for target in pending:
        try:
            translated = _translate_with_retries(translator, text, source, target, waits)
        except TranslationError as exc:
            outcome.failed.append(target)
            if exc.retryable:
                retry_later.append(target)
            log.warning("Machine translation of contribution %s into %s failed%s: %s", contribution_id,
                        target, " (will be retried)" if exc.retryable and under_rq else "", exc)
            continue
        # A person may have translated it while the provider was working.
        if _has_current(contribution.id, target):
            outcome.skipped.append(target)
            continue
        db.session.add(ContributionTranslation(
            contribution_id=contribution.id, language=target, source_language=source, text=translated,
            source=TranslationSource.MACHINE, provider=translator.name, model=translator.model,
            reviewed=False, is_current=True,
        ))
        db.session.commit()
        outcome.created.append(target)
    if under_rq and retry_later:
        raise TranslationError(f"Machine translation of contribution {contribution_id} into "
                               f"{', '.join(retry_later)} failed for now", retryable=True)
    return outcome


def schedule_machine_translation(contribution_id: int):
    """Queue the machine translation of a committed contribution (by id) when a provider is
    configured; runs it right away when no Redis is configured. Never raises for provider
    or queue failures. Returns the RQ job or None."""
    if isinstance(contribution_id, Contribution):
        contribution_id = contribution_id.id
    if not machine_translation_enabled(current_app.config):
        return None
    return jobs.enqueue(machine_translate_contribution, contribution_id)


def machine_translate_batch(*contribution_ids: int) -> None:
    """The job for contributions stored together: :func:`machine_translate_contribution` for
    each. Under RQ a transient failure of one does not stop the others; the job raises at the end
    so that RQ's Retry runs it again (contributions translated by then are skipped)."""
    retry = []
    for contribution_id in contribution_ids:
        try:
            machine_translate_contribution(contribution_id)
        except TranslationError as exc:
            if not exc.retryable:
                raise
            retry.append(contribution_id)
    if retry:
        raise TranslationError(f"Machine translation of {len(retry)} of {len(contribution_ids)} contributions "
                               "failed for now", retryable=True)


def schedule_batch_translation(contribution_ids) -> str | None:
    """Machine translation of contributions stored together (an import), when a provider is
    configured: jobs of :data:`TRANSLATIONS_PER_JOB` with a queue; without one, at most
    :data:`INLINE_TRANSLATIONS_MAX` right away, more are left for ``flask --app wsgi translations
    pending`` (translating thousands would hold the request for hours). Returns what happened,
    for the person who imported them, or None (machine translation off, nothing stored). Never
    raises: the contributions are stored whatever happens here."""
    ids = [int(i) for i in contribution_ids]
    if not ids or not machine_translation_enabled(current_app.config):
        return None
    try:
        queue = jobs.get_queue()
        if queue is None and len(ids) > INLINE_TRANSLATIONS_MAX:
            log.info("%s contributions stored at once without a job queue: left for 'translations pending'", len(ids))
            return ngettext("Machine translation of %(num)d contribution was left for later: an administrator "
                            "starts it with “flask --app wsgi translations pending”.",
                            "Machine translation of %(num)d contributions was left for later: an administrator "
                            "starts it with “flask --app wsgi translations pending”.", len(ids))
        for start in range(0, len(ids), TRANSLATIONS_PER_JOB):
            job = jobs.enqueue(machine_translate_batch, *ids[start:start + TRANSLATIONS_PER_JOB])
            if queue is not None and job is None:  # Redis did not take it (logged by enqueue)
                raise RuntimeError("the job queue did not accept the job")
    except Exception:  # noqa: BLE001 - an import must never fail because of machine translation
        log.exception("Could not schedule the machine translation of %s contributions", len(ids))
        return ngettext("Machine translation of %(num)d contribution could not be started; an administrator "
                        "starts it with “flask --app wsgi translations pending”.",
                        "Machine translation of %(num)d contributions could not be started; an administrator "
                        "starts it with “flask --app wsgi translations pending”.", len(ids))
    return ngettext("Machine translation requested for %(num)d contribution.",
                    "Machine translation requested for %(num)d contributions.", len(ids))


def add_human_translation(contribution: Contribution, language: str, text: str, actor) -> ContributionTranslation:
    """Store a person's translation (or correction) into ``language``: reviewed, HUMAN,
    based on and replacing the current one, which is kept as history. Flushes, does not commit.

    Raises :class:`TranslationRefused` for an unknown language, the contribution's own
    language, an empty or too long text, or no acting user."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise TranslationRefused("actor")
    if language not in CONTRIBUTION_LANGUAGES or language == "und":
        raise TranslationRefused("language")
    if language == contribution.language:
        raise TranslationRefused("same_language")
    if not isinstance(text, str):
        raise TranslationRefused("text")
    text = text.strip()
    if not text or len(text) > MAX_TRANSLATION_LENGTH or "\x00" in text:
        raise TranslationRefused("text")

    actor = getattr(actor, "_get_current_object", lambda: actor)()  # Flask-Login's proxy
    current = list(db.session.scalars(sa.select(ContributionTranslation).where(
        ContributionTranslation.contribution_id == contribution.id,
        ContributionTranslation.language == language,
        ContributionTranslation.is_current.is_(True),
    )))
    previous = max(current, key=lambda t: (t.created_at, t.id)) if current else None
    for translation in current:
        translation.is_current = False
    translation = ContributionTranslation(
        language=language, source_language=contribution.language, text=text,
        source=TranslationSource.HUMAN, provider=None, model=None, translator=actor,
        reviewed=True, based_on=previous, is_current=True,
    )
    contribution.translations.append(translation)
    db.session.flush()
    return translation


def translation_history(contribution: Contribution, language: str) -> list[ContributionTranslation]:
    """Every translation of ``contribution`` into ``language``, newest first."""
    return list(db.session.scalars(
        sa.select(ContributionTranslation)
        .where(ContributionTranslation.contribution_id == contribution.id,
               ContributionTranslation.language == language)
        .order_by(ContributionTranslation.created_at.desc(), ContributionTranslation.id.desc())
    ))


def untranslated_contributions(targets: list[str], limit: int | None = None):
    """``select()`` of contributions with text that lack a current translation into one of
    ``targets`` (other than their own language), oldest first."""
    conditions = []
    for target in dict.fromkeys(targets):
        current = (sa.select(ContributionTranslation.id)
                   .where(ContributionTranslation.contribution_id == Contribution.id,
                          ContributionTranslation.language == target,
                          ContributionTranslation.is_current.is_(True))
                   .exists())
        conditions.append(sa.and_(Contribution.language != target, ~current))
    query = (sa.select(Contribution.id)
             .where(Contribution.text != "", sa.or_(*conditions) if conditions else sa.false())
             .order_by(Contribution.id))
    return query.limit(limit) if limit else query


def register_cli(app: Flask) -> None:
    """Add ``flask --app wsgi translations pending [--limit N]``."""
    translations_cli = AppGroup("translations", help="Translations of contributions.")

    @translations_cli.command("pending")
    @click.option("--limit", type=click.IntRange(min=1), default=None,
                  help="Translate at most this many contributions.")
    def pending(limit: int | None):
        """Machine-translate contributions that lack a translation into the target languages."""
        config = current_app.config
        if not machine_translation_enabled(config):
            raise click.ClickException("Machine translation is off (TRANSLATION_PROVIDER=none).")
        try:
            get_translator(config)
        except TranslationError as exc:
            raise click.ClickException(str(exc)) from exc
        ids = list(db.session.scalars(untranslated_contributions(config.get("TRANSLATION_TARGETS") or [], limit)))
        created = failed = 0
        for contribution_id in ids:
            outcome = machine_translate_contribution(contribution_id)
            created += len(outcome.created)
            failed += len(outcome.failed)
        click.echo(f"{len(ids)} contributions checked: {created} translations stored, {failed} failed.")
        if failed:
            raise SystemExit(1)

    app.cli.add_command(translations_cli)
