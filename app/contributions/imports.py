"""Bulk import of contributions from a CSV or XLSX file (the offline pages and
``flask --app wsgi contributions import FILE --consultation SLUG [--dry-run]``).

Columns (the header row names them, in any order; only ``text`` is required):

``text``           the contribution (at most ``MAX_ANSWER_LENGTH`` characters)
``language``       a language code (``de``, ``ar``, ...); recognised from the text when empty
``question``       the question it answers: its number as the form shows it (1 = the first), or
                   ``id:42``; empty: the first free-text question. Only free-text questions.
``organisation``   the slug of a verified organisation it comes from
``channel``        ``online``, ``workshop``, ``paper`` or ``statement`` (empty: the default channel)
``submitted_at``   when it was written, ISO 8601 (``2024-05-31`` or ``2024-05-31T14:30``; local
                   time in Bremen unless an offset is given); not in the future; empty: now
``external_id``    the row's id in the source (at most 120 characters): a row whose id is already
                   stored for the consultation is skipped, so importing a file twice adds nothing

An import is all or nothing: when a row is refused, nothing is written and every refusal is
reported with its line. A dry run checks every row and writes nothing. Imported contributions are
published, or wait for moderation when the consultation is pre-moderated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.consultations.models import Consultation, ModerationMode, QuestionKind
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus, LanguageSource
from app.core.spreadsheets import SpreadsheetError, cell_text, read_table
from app.core.timeutil import local_to_utc, utcnow
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES

COLUMNS = ("text", "language", "question", "organisation", "channel", "submitted_at", "external_id")
CHANNELS = {channel.value: channel for channel in Channel}
EXTERNAL_ID_MAX = 120
MAX_ROWS = 100_000
MAX_FILE_BYTES = 200 * 1024 * 1024  # the command line; the web upload has its own, smaller limit
CHUNK_SIZE = 1000
# Control characters no text needs (tab, line feed and carriage return are kept).
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

FILE_ERRORS = {
    "encoding": _l("The file is not saved as UTF-8 (first wrong character in line %(line)s). "
                   "Please save it as “CSV UTF-8” and upload it again."),
    "xls": _l("Old Excel files (.xls) cannot be read. Please save the file as .xlsx or CSV."),
    "format": _l("The file could not be read as CSV or XLSX."),
    "csv": _l("Line %(line)s could not be read. Please check the quotation marks."),
    "empty": _l("The file is empty or has no header row."),
    "no_rows": _l("The file contains no rows below the header row."),
    "too_many_rows": _l("The file has more than %(max)s rows. Please split it."),
    "missing_text": _l("The column “text” is missing."),
    "unknown_columns": _l("Unknown columns: %(columns)s. Allowed are: %(allowed)s."),
    "duplicate_columns": _l("Columns that appear more than once: %(columns)s."),
}

ROW_ERRORS = {
    "text_empty": _l("The text is empty."),
    "text_too_long": _l("The text is longer than %(max)s characters."),
    "text_invalid": _l("The text contains control characters."),
    "language": _l("“%(value)s” is not a known language code."),
    "question": _l("“%(value)s” is not a question of this consultation."),
    "question_kind": _l("Question “%(value)s” is not a free-text question."),
    "no_free_text": _l("This consultation has no free-text question."),
    "organisation": _l("“%(value)s” is not a verified organisation."),
    "channel": _l("“%(value)s” is not a channel (online, workshop, paper, statement)."),
    "submitted_at": _l("“%(value)s” is not a date in ISO 8601 format (for example 2024-05-31T14:30)."),
    "submitted_at_future": _l("The date “%(value)s” lies in the future."),
    "external_id_too_long": _l("The external_id is longer than %(max)s characters."),
    "external_id_duplicate": _l("The external_id “%(value)s” appears more than once in the file "
                                "(first in line %(first)s)."),
    "extra_cells": _l("The row has more cells than the header row."),
}


class ImportFailed(Exception):
    """The file as a whole cannot be imported; ``reason`` is a key of :data:`FILE_ERRORS`."""

    def __init__(self, reason: str, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params

    def message(self) -> str:
        return str(FILE_ERRORS[self.reason]) % self.params if self.params else str(FILE_ERRORS[self.reason])


@dataclass
class Refusal:
    """A refused row: its line in the file and why (a key of :data:`ROW_ERRORS`)."""

    line: int
    reason: str
    value: str | None = None
    first: int | None = None

    def message(self) -> str:
        value = self.value if self.value is None or len(self.value) <= 80 else self.value[:79] + "…"
        return str(ROW_ERRORS[self.reason]) % {"value": value, "first": self.first,
                                               "max": _max_for(self.reason)}


def _max_for(reason: str) -> int:
    if reason == "text_too_long":
        return current_app.config["MAX_ANSWER_LENGTH"]
    return EXTERNAL_ID_MAX


@dataclass(slots=True)
class NewContribution:
    """One contribution to write: a checked row of the file (or an entry of a batch)."""

    text: str
    question_id: int
    language: str | None = None  # None: recognise it
    channel: Channel = Channel.PAPER
    organisation_id: int | None = None
    submitted_at: datetime | None = None
    external_id: str | None = None
    line: int = 0


@dataclass
class ImportReport:
    format: str
    dry_run: bool
    rows: int = 0
    added: int = 0  # on a dry run: how many would be added
    added_ids: list[int] = field(default_factory=list)  # the new contributions (none on a dry run)
    skipped: int = 0  # already present (same external_id)
    refused: list[Refusal] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.refused

    def counts(self) -> dict:
        return {"rows": self.rows, "added": self.added, "skipped": self.skipped, "refused": len(self.refused)}


def import_file(consultation: Consultation, data: bytes, filename: str | None = None, *, dry_run: bool = False,
                actor=None, default_channel: Channel = Channel.PAPER, input_session=None,
                via: str = "web") -> ImportReport:
    """Check every row of ``data`` (CSV or XLSX bytes) and, unless ``dry_run`` or a row is refused,
    add the contributions in one go. Flushes, does not commit; the caller commits (or rolls back).

    Raises :class:`ImportFailed` for a file that cannot be read or has wrong columns."""
    try:
        table = read_table(data, filename)
    except SpreadsheetError as error:
        raise ImportFailed(error.reason, line=error.line) from None
    columns = _check_columns(table.headers)
    report = ImportReport(format=table.format, dry_run=dry_run)
    checker = _RowChecker(consultation, default_channel)
    accepted: list[NewContribution] = []
    try:
        for line, cells in table.rows:
            report.rows += 1
            if report.rows > MAX_ROWS:
                raise ImportFailed("too_many_rows", max=MAX_ROWS)
            outcome = checker.check(line, cells, columns)
            if isinstance(outcome, Refusal):
                report.refused.append(outcome)
            elif outcome is None:
                report.skipped += 1
            else:
                accepted.append(outcome)
    except SpreadsheetError as error:
        raise ImportFailed(error.reason, line=error.line) from None
    if not report.rows:
        raise ImportFailed("no_rows")
    report.added = len(accepted)
    if dry_run:
        return report
    if report.refused:
        report.added = 0
        return report
    report.added_ids = add_contributions(consultation, accepted, actor=actor, input_session=input_session)
    from app.moderation.audit import record

    record(actor, "contribution.import", consultation, file_format=table.format, via=via,
           **report.counts())
    return report


def _check_columns(headers: list[str]) -> dict[str, int]:
    """Column name -> index; unnamed columns are ignored (their cells must stay empty)."""
    names = [h.strip().lower() for h in headers]
    named = [n for n in names if n]
    unknown = sorted({n for n in named if n not in COLUMNS})
    if unknown:
        raise ImportFailed("unknown_columns", columns=", ".join(unknown), allowed=", ".join(COLUMNS))
    duplicates = sorted({n for n in named if named.count(n) > 1})
    if duplicates:
        raise ImportFailed("duplicate_columns", columns=", ".join(duplicates))
    if "text" not in named:
        raise ImportFailed("missing_text")
    return {name: index for index, name in enumerate(names) if name}


class _RowChecker:
    """Checks rows one by one, remembering what it needs across rows (organisations, ids seen)."""

    def __init__(self, consultation: Consultation, default_channel: Channel):
        self.consultation = consultation
        self.default_channel = default_channel
        self.max_length = current_app.config["MAX_ANSWER_LENGTH"]
        self.questions = list(consultation.questions)
        self.by_id = {q.id: q for q in self.questions}
        self.first_free_text = next((q for q in self.questions if q.kind is QuestionKind.FREE_TEXT), None)
        self.organisations: dict[str, int | None] = {}
        self.seen_ids: dict[str, int] = {}
        self.stored_ids = set(db.session.scalars(sa.select(Contribution.external_id).where(
            Contribution.consultation_id == consultation.id, Contribution.external_id.is_not(None))))
        self.now = utcnow()

    def check(self, line: int, cells: list, columns: dict[str, int]) -> NewContribution | Refusal | None:
        """The row as a contribution to add, a refusal, or ``None`` (already present)."""
        named = set(columns.values())
        if any(cell_text(v).strip() for i, v in enumerate(cells) if i not in named):
            return Refusal(line, "extra_cells")

        def value(name: str):
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        external_id = cell_text(value("external_id")).strip() or None
        if external_id is not None:
            if len(external_id) > EXTERNAL_ID_MAX:
                return Refusal(line, "external_id_too_long")
            if external_id in self.seen_ids:
                return Refusal(line, "external_id_duplicate", external_id, first=self.seen_ids[external_id])
            self.seen_ids[external_id] = line
            if external_id in self.stored_ids:
                return None
        text = cell_text(value("text")).replace("\r\n", "\n").replace("\r", "\n").strip()
        if not text:
            return Refusal(line, "text_empty")
        if len(text) > self.max_length:
            return Refusal(line, "text_too_long")
        if _CONTROL_RE.search(text):
            return Refusal(line, "text_invalid")
        row = NewContribution(text=text, question_id=0, external_id=external_id, line=line)

        language = cell_text(value("language")).strip()
        if language:
            if language.lower() not in CONTRIBUTION_LANGUAGES:
                return Refusal(line, "language", language)
            row.language = language.lower()

        question_value = cell_text(value("question")).strip()
        question = self._question(question_value)
        if question is None:
            if not question_value:
                return Refusal(line, "no_free_text")
            return Refusal(line, "question", question_value)
        if question.kind is not QuestionKind.FREE_TEXT:
            return Refusal(line, "question_kind", question_value)
        row.question_id = question.id

        slug = cell_text(value("organisation")).strip()
        if slug:
            row.organisation_id = self._organisation_id(slug)
            if row.organisation_id is None:
                return Refusal(line, "organisation", slug)

        channel = cell_text(value("channel")).strip().lower()
        row.channel = CHANNELS.get(channel) if channel else self.default_channel
        if row.channel is None:
            return Refusal(line, "channel", cell_text(value("channel")).strip())

        raw_time = value("submitted_at")
        if raw_time not in (None, ""):
            shown = cell_text(raw_time).strip()
            row.submitted_at = parse_submitted_at(raw_time)
            if row.submitted_at is None:
                return Refusal(line, "submitted_at", shown)
            if row.submitted_at > self.now:
                return Refusal(line, "submitted_at_future", shown)
        return row

    def _question(self, value: str):
        if not value:
            return self.first_free_text
        lowered = value.lower()
        for prefix in ("id:", "#"):
            if lowered.startswith(prefix):
                number = lowered[len(prefix):].strip()
                return self.by_id.get(int(number)) if number.isdigit() and len(number) < 10 else None
        if value.isdigit() and len(value) < 10:
            number = int(value)
            if 1 <= number <= len(self.questions):
                return self.questions[number - 1]
            return self.by_id.get(number)
        return None

    def _organisation_id(self, slug: str) -> int | None:
        from app.organisations.models import Organisation, OrganisationStatus

        key = slug.lower()
        if key not in self.organisations:
            self.organisations[key] = db.session.scalar(sa.select(Organisation.id).where(
                sa.func.lower(Organisation.slug) == key, Organisation.status == OrganisationStatus.VERIFIED))
        return self.organisations[key]


def parse_submitted_at(value) -> datetime | None:
    """An ISO 8601 date or date and time (or a spreadsheet's date cell) as naive UTC; local time
    in Bremen unless it carries an offset. ``None`` when it is not one."""
    from datetime import date

    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    else:
        text = cell_text(value).strip()
        if not re.fullmatch(r"\d{4}-?\d{2}-?\d{2}([T ][0-9:.,]+(Z|[+-]\d{2}(:?\d{2})?)?)?", text, re.IGNORECASE):
            return None
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    try:
        if moment.tzinfo is not None:
            return moment.astimezone(UTC).replace(tzinfo=None)
        return local_to_utc(moment)
    except (OverflowError, ValueError):
        return None


def add_contributions(consultation: Consultation, rows: list[NewContribution], *, actor=None,
                      input_session=None, assisted: bool = False) -> list[int]:
    """Insert ``rows`` as contributions (each with one answer) in chunks of :data:`CHUNK_SIZE`;
    languages that are not given are recognised. Returns the new ids. Flushes, does not commit."""
    from app.i18n.detection import detect_language

    status = ContributionStatus.PENDING if consultation.moderation is ModerationMode.PRE else ContributionStatus.PUBLISHED
    now = utcnow()
    actor_id = actor.id if actor is not None and getattr(actor, "is_authenticated", False) else None
    ids: list[int] = []
    for start in range(0, len(rows), CHUNK_SIZE):
        chunk = rows[start:start + CHUNK_SIZE]
        values = []
        for row in chunk:
            if row.language is None:
                detection = detect_language(row.text)
                language, confidence, source = detection.code, detection.confidence, LanguageSource.DETECTED
            else:
                language, confidence, source = row.language, None, LanguageSource.STAFF
            values.append({
                "consultation_id": consultation.id, "language": language, "language_confidence": confidence,
                "language_source": source, "channel": row.channel, "status": status, "text": row.text,
                "created_at": row.submitted_at or now, "updated_at": now, "organisation_id": row.organisation_id,
                "input_session_id": input_session.id if input_session is not None else None,
                "entered_by_id": actor_id, "external_id": row.external_id, "assisted": assisted,
            })
        new_ids = list(db.session.scalars(
            sa.insert(Contribution).returning(Contribution.id, sort_by_parameter_order=True), values))
        db.session.execute(sa.insert(Answer), [
            {"contribution_id": cid, "question_id": row.question_id, "text": row.text}
            for cid, row in zip(new_ids, chunk, strict=True)])
        ids.extend(new_ids)
    db.session.flush()
    return ids


def report_lines(report: ImportReport) -> list[str]:
    """The report as text lines (the command line prints them)."""
    lines = [f"{_('Line %(line)s', line=r.line)}: {r.message()}" for r in report.refused]
    if report.dry_run:
        lines.append(_("Dry run: %(added)s would be added, %(skipped)s skipped as already present, "
                       "%(refused)s refused. Nothing was written.", **report.counts()))
    elif report.refused:
        lines.append(_("Nothing was imported: %(refused)s rows were refused.", **report.counts()))
    else:
        lines.append(_("%(added)s added, %(skipped)s skipped as already present, %(refused)s refused.",
                       **report.counts()))
    return lines
