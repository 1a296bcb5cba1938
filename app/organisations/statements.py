"""Statements (Stellungnahmen) of organisations: who may submit one, storing the optional PDF, and
what readers see.

A statement is a :class:`~app.contributions.models.Contribution` with channel ``statement`` (so that it
is counted, moderated, translated and analysed with the rest) plus a :class:`Statement` row with the
title and the attachment. The PDF is written under ``ATTACHMENT_DIR`` (outside ``static/``) with a
random name, atomically (a temporary file renamed into place), before the database rows are
committed; if the commit fails the file is deleted again, so there is never a file without a row or
a row without its file.
"""
from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.consultations.models import Consultation, ModerationMode
from app.contributions.models import Channel, Contribution, ContributionStatus
from app.contributions.services import AUTO_LANGUAGE, LISTED_STATUSES, set_detected_or_chosen_language
from app.extensions import db
from app.organisations import permissions
from app.organisations.models import Organisation, Statement

PDF_MIMETYPE = "application/pdf"
PDF_MAGIC = b"%PDF-"
TITLE_MAX = 200
TEXT_MAX = 20000
FILENAME_MAX = 200
KEY_RE = re.compile(r"[A-Za-z0-9_-]{20,80}")
CHUNK = 64 * 1024


class StatementRefused(Exception):
    """A statement that may not be stored; ``reason`` is a stable code (``closed``, ``organisation``,
    ``title``, ``text``, ``not_pdf``, ``too_large``, ``empty_file``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- who may ------------------------------------------------------------------------------------

def acting_organisations(user) -> list[Organisation]:
    """The verified organisations ``user`` may submit statements for (any membership role)."""
    ids = permissions.acting_organisation_ids(user)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(ids)).order_by(Organisation.name)))


def can_submit_statement(user) -> bool:
    """Members of any verified organisation (not only co-hosts) may submit statements."""
    return bool(permissions.acting_organisation_ids(user))


# --- the attachment -----------------------------------------------------------------------------

def attachment_dir() -> Path:
    return Path(current_app.config["ATTACHMENT_DIR"])


def max_attachment_bytes() -> int:
    return int(current_app.config["MAX_ATTACHMENT_BYTES"])


def attachment_path(key: str) -> Path:
    """Where the attachment with storage name ``key`` lies; refuses anything but a generated key."""
    if not isinstance(key, str) or not KEY_RE.fullmatch(key):
        raise ValueError("not an attachment key")
    return attachment_dir() / f"{key}.pdf"


def sanitise_filename(name: str | None) -> str:
    """The uploader's file name, safe for a ``Content-Disposition`` header: no directories, control
    characters or quotes, at most 200 characters, ending in ``.pdf``. Letters of any script stay."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C" and ch not in '"<>:|?*;')
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem = name[:-4] if name.lower().endswith(".pdf") else name
    stem = stem.strip(" .")[:FILENAME_MAX - 4] or "statement"
    return f"{stem}.pdf"


@dataclass(frozen=True)
class StoredFile:
    key: str
    size: int
    sha256: str

    @property
    def path(self) -> Path:
        return attachment_path(self.key)


def check_pdf(stream, mimetype: str | None) -> None:
    """A PDF by its declared content type and by its first bytes (``%PDF-``); rewinds the stream."""
    if (mimetype or "").split(";")[0].strip().lower() != PDF_MIMETYPE:
        raise StatementRefused("not_pdf")
    head = stream.read(len(PDF_MAGIC))
    stream.seek(0)
    if not head:
        raise StatementRefused("empty_file")
    if head != PDF_MAGIC:
        raise StatementRefused("not_pdf")


def store_attachment(stream) -> StoredFile:
    """Copy ``stream`` to a new file under ATTACHMENT_DIR: written to a temporary file in the same
    directory, then renamed into place, so that a half-written file never has the final name.
    Refuses (and removes) anything larger than MAX_ATTACHMENT_BYTES."""
    directory = attachment_dir()
    directory.mkdir(parents=True, exist_ok=True)
    limit = max_attachment_bytes()
    digest, size = hashlib.sha256(), 0
    fd, tmp_name = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise StatementRefused("too_large")
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise StatementRefused("empty_file")
        key = secrets.token_urlsafe(24)
        os.replace(tmp_name, attachment_path(key))
    except BaseException:
        _unlink(tmp_name)
        raise
    return StoredFile(key=key, size=size, sha256=digest.hexdigest())


def delete_attachment(key: str | None) -> None:
    if key:
        _unlink(attachment_path(key))


def _unlink(path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


# --- submitting ---------------------------------------------------------------------------------

def submit_statement(consultation: Consultation, organisation: Organisation, user, *, title: str, text: str,
                     upload=None, reading_language: str | None = None) -> Statement:
    """Store a statement for ``organisation`` by ``user`` and COMMIT it (the file and the rows belong
    together). ``upload`` is a werkzeug ``FileStorage`` or ``None``. Raises :class:`StatementRefused`
    (nothing stored); on a database error the session is rolled back, the file deleted and the error
    raised again."""
    if not permissions.can_act_for(user, organisation):
        raise StatementRefused("organisation")
    if not consultation.accepts_contributions():
        raise StatementRefused("closed")
    title = (title or "").strip()
    text = (text or "").strip()
    if not title or len(title) > TITLE_MAX or "\x00" in title:
        raise StatementRefused("title")
    if not text or len(text) > TEXT_MAX or "\x00" in text:
        raise StatementRefused("text")
    stored, filename = None, None
    if upload is not None and getattr(upload, "filename", None):
        check_pdf(upload.stream, upload.mimetype)
        filename = sanitise_filename(upload.filename)
        stored = store_attachment(upload.stream)
    try:
        status = (ContributionStatus.PENDING if consultation.moderation is ModerationMode.PRE
                  else ContributionStatus.PUBLISHED)
        contribution = Contribution(consultation=consultation, channel=Channel.STATEMENT, status=status,
                                    author=user, organisation_id=organisation.id, text=text)
        set_detected_or_chosen_language(contribution, AUTO_LANGUAGE, reading_language)
        statement = Statement(contribution=contribution, organisation=organisation, consultation=consultation,
                              title=title, submitted_by=user)
        if stored is not None:
            statement.attachment_key, statement.attachment_size = stored.key, stored.size
            statement.attachment_sha256, statement.attachment_filename = stored.sha256, filename
        db.session.add_all([contribution, statement])
        db.session.commit()
    except BaseException:
        db.session.rollback()
        if stored is not None:
            delete_attachment(stored.key)
        raise
    return statement


def after_submission(statement: Statement) -> None:
    """Side effects once committed: machine translation of the text when configured, and its
    embedding for the analysis."""
    from app.contributions.services import after_storing

    after_storing([statement.contribution_id])


# --- reading ------------------------------------------------------------------------------------

def get_statement_or_404(consultation: Consultation, statement_id: int) -> Statement:
    from flask import abort

    statement = db.session.scalars(sa.select(Statement).where(
        Statement.id == statement_id, Statement.consultation_id == consultation.id)).first()
    if statement is None:
        abort(404)
    return statement


def listed_statements(consultation: Consultation) -> list[Statement]:
    """The statements the consultation page lists: published ones, and hidden ones (a placeholder
    with the moderation reason), oldest first."""
    return list(db.session.scalars(
        sa.select(Statement).join(Statement.contribution)
        .where(Statement.consultation_id == consultation.id, Contribution.status.in_(LISTED_STATUSES))
        .options(selectinload(Statement.contribution).selectinload(Contribution.translations),
                 selectinload(Statement.organisation))
        .order_by(Statement.created_at, Statement.id)))


def statement_of(contribution: Contribution) -> Statement | None:
    if contribution.channel is not Channel.STATEMENT:
        return None
    return db.session.scalars(sa.select(Statement).where(Statement.contribution_id == contribution.id)).first()
