"""Personal data given with contributions: the contact e-mail address (only with consent, only
for a confirmation and for feedback on what happened with the input), the confirmation mail,
the default consent text, and the retention rule that removes e-mail addresses and
self-descriptions some time after a consultation closes (``flask --app wsgi privacy purge``).

The application stores no IP addresses. Rate-limit counters keyed by address live only in the
limiter's storage (memory or Redis) and expire on their own within the limit's window.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from blinker import Namespace
from flask import current_app, url_for
from flask.cli import AppGroup
from flask_babel import gettext as _
from flask_babel import ngettext

from app.consultations.models import Consultation, ConsultationStatus
from app.contributions.models import Contribution, ParticipantProfile
from app.core.mail import MailError, send_mail, text_body
from app.core.timeutil import utcnow
from app.extensions import db
from app.i18n.content import localize
from app.i18n.locale import current_language

CONTACT_EMAIL_MAX = 254  # the column's length
DEFAULT_RETENTION_DAYS = 180
_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")

signals = Namespace()
personal_data_purged = signals.signal("personal-data-purged")


class ContactRefused(Exception):
    """A contact address that may not be stored; ``reason``: ``consent``, ``email`` or ``contact``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def checked_contact(email: str | None, consent: bool, author=None) -> tuple[str | None, datetime | None]:
    """The address to store and the time of consent, or ``(None, None)`` when none was given.

    An address needs explicit consent; people with an account are not asked (their account has
    an address), so an address from them is refused too."""
    if email is not None and not isinstance(email, str):
        raise ContactRefused("email")
    email = (email or "").strip()
    if not email:
        return None, None
    if getattr(author, "is_authenticated", False):
        raise ContactRefused("contact")
    if consent is not True:
        raise ContactRefused("consent")
    if len(email) > CONTACT_EMAIL_MAX or not _EMAIL_RE.fullmatch(email) \
            or any(unicodedata.category(ch) in ("Cc", "Cf") for ch in email):
        raise ContactRefused("email")
    return email, utcnow()


def send_confirmation(contribution: Contribution) -> bool:
    """Mail the confirmation to the contact address given with consent; ``False`` when there is
    none or sending failed (logged: a contribution is not lost because a mail failed)."""
    if not contribution.contact_email or contribution.contact_consent_at is None:
        return False
    consultation = contribution.consultation
    title = localize(consultation.title, current_language()).text
    link = url_for("consultations.detail", slug=consultation.slug, _external=True)
    body = text_body(
        _("Hello,"),
        _("thank you for your contribution to the consultation “%(title)s”. It has been received.", title=title),
        _("When the working group has evaluated the consultation, we will write to you once more to tell "
          "you what happened with the input. You can follow the consultation here:"),
        link,
        ngettext("We use your e-mail address for nothing else. It is deleted %(num)d day after the "
                 "consultation closes at the latest.",
                 "We use your e-mail address for nothing else. It is deleted %(num)d days after the "
                 "consultation closes at the latest.", retention_days()),
    )
    try:
        send_mail(contribution.contact_email, _("Your contribution to Vielstimmig"), body)
    except MailError:
        current_app.logger.exception("Could not send the confirmation for contribution %s", contribution.id)
        return False
    return True


def consent_details(consultation: Consultation) -> dict:
    """What the default consent text names: who runs the consultation (``None``: the
    administration in general), how many days personal data is kept after closing, the contact."""
    department = consultation.department
    return {
        "department": localize(department.name, current_language()) if department is not None else None,
        "days": retention_days(),
        "contact": current_app.config.get("PRIVACY_CONTACT"),
    }


def retention_days() -> int:
    """Days after a consultation closes until its personal data is removed (config)."""
    return int(current_app.config.get("PERSONAL_DATA_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


# ---------------------------------------------------------------------------------- retention

def closed_since(consultation: Consultation, now: datetime | None = None) -> datetime | None:
    """When ``consultation`` closed, or ``None`` while it is not closed.

    An open consultation past its closing time closed then. The moment staff closed one is not
    stored, so for status closed or evaluated the last change of the consultation is used when
    it is earlier than the closing time: never earlier than the real moment, so data is never
    removed too early (at worst a little late).
    """
    now = now or utcnow()
    past_closing = consultation.closes_at if consultation.closes_at is not None and consultation.closes_at <= now \
        else None
    if consultation.status in (ConsultationStatus.CLOSED, ConsultationStatus.EVALUATED):
        candidates = [t for t in (past_closing, consultation.updated_at) if t is not None]
        return min(candidates) if candidates else now
    if consultation.status is ConsultationStatus.OPEN:
        return past_closing
    return None  # a draft has not closed


@dataclass(frozen=True)
class PurgeResult:
    """What the retention rule removed (or would remove, in a dry run)."""

    consultations: int
    emails: int
    self_descriptions: int
    dry_run: bool
    registrations: int = 0  # event registrations of events that ended more than ``days`` days ago


def expired_consultation_ids(days: int, now: datetime | None = None) -> list[int]:
    """Consultations that closed more than ``days`` days ago."""
    now = now or utcnow()
    limit = now - timedelta(days=days)
    candidates = db.session.scalars(sa.select(Consultation).where(
        Consultation.status != ConsultationStatus.DRAFT)).all()
    return sorted(c.id for c in candidates if (closed := closed_since(c, now)) is not None and closed < limit)


def purge_personal_data(days: int | None = None, *, dry_run: bool = False, now: datetime | None = None) -> PurgeResult:
    """Remove contact e-mail addresses, consent times and self-descriptions of contributions to
    consultations that closed more than ``days`` days ago (the contributions stay), and the
    registrations of events that ended more than ``days`` days ago. Flushes."""
    days = retention_days() if days is None else days
    if days < 0:
        raise ValueError("days must not be negative")
    from app.events.services import purge_past_registrations  # events build on contributions, not the reverse

    registrations = purge_past_registrations(days, dry_run=dry_run, now=now)
    ids = expired_consultation_ids(days, now)
    if not ids:
        return PurgeResult(0, 0, 0, dry_run, registrations)
    with_contact = (Contribution.consultation_id.in_(ids)
                    & (Contribution.contact_email.is_not(None) | Contribution.contact_consent_at.is_not(None)))
    profiles = ParticipantProfile.consultation_id.in_(ids)
    emails = db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(with_contact)) or 0
    descriptions = db.session.scalar(sa.select(sa.func.count(ParticipantProfile.id)).where(profiles)) or 0
    if not dry_run:
        db.session.execute(sa.update(Contribution).where(with_contact)
                           .values(contact_email=None, contact_consent_at=None)
                           .execution_options(synchronize_session=False))
        db.session.execute(sa.delete(ParticipantProfile).where(profiles).execution_options(synchronize_session=False))
        db.session.expire_all()
        db.session.flush()
        personal_data_purged.send(None, consultation_ids=ids, emails=emails, self_descriptions=descriptions)
    return PurgeResult(len(ids), emails, descriptions, dry_run, registrations)


privacy_cli = AppGroup("privacy", help="Personal data: the retention rule.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only count what would be removed.")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Days after closing (default: PERSONAL_DATA_RETENTION_DAYS).")
def purge_command(dry_run: bool, days: int | None):
    """Remove e-mail addresses and self-descriptions N days after a consultation closed."""
    result = purge_personal_data(days, dry_run=dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    verb = "Would remove" if dry_run else "Removed"
    click.echo(f"{verb} {result.emails} contact e-mail address(es) and {result.self_descriptions} "
               f"self-description(s) from {result.consultations} consultation(s) closed more than "
               f"{retention_days() if days is None else days} days ago, and {result.registrations} registration(s) "
               f"for events that ended as long ago. Contributions are kept.")


def register_cli(app) -> None:
    app.cli.add_command(privacy_cli)
