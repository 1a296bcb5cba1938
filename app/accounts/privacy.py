"""A person's rights over the data of their account: a download of everything stored about
them (JSON), and deleting the account, with their contributions deleted or kept anonymised.

Functions take the account explicitly, flush and never commit; the view commits once.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from blinker import Namespace
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.accounts.models import Role, User
from app.accounts.services import AccountError
from app.consultations.models import Consultation
from app.contributions.models import Answer, Contribution, ContributionTranslation, ParticipantProfile
from app.contributions.self_description import profile_as_dict
from app.core.timeutil import isoformat_utc, utcnow
from app.extensions import db
from app.moderation.audit import record, register_actions
from app.moderation.models import AuditEntry, Flag

EXPORT_FORMAT = "vielstimmig-personal-data/1"
KEEP_ANONYMISED, DELETE = "anonymise", "delete"

signals = Namespace()
account_deleted = signals.signal("account-deleted")
register_actions({"account.delete": _l("Account deleted by its holder")})


def _time(value) -> str | None:
    return isoformat_utc(value.replace(microsecond=0)) if value is not None else None


def _answer(answer: Answer) -> dict:
    data = {"question": answer.question.prompt or {}, "kind": answer.question.kind.value}
    if answer.text is not None:
        data["text"] = answer.text
    if answer.scale_value is not None:
        data["scale_value"] = answer.scale_value
    if answer.choices:
        data["choices"] = [option.label or {} for option in answer.choices]
    return data


def _translation(translation: ContributionTranslation) -> dict:
    """A translation of one's contribution; who translated it is another person's data: left out."""
    return {"language": translation.language, "text": translation.text, "source": translation.source.value,
            "provider": translation.provider, "reviewed": translation.reviewed, "current": translation.is_current,
            "created_at": _time(translation.created_at)}


def _contribution(contribution: Contribution, profile: ParticipantProfile | None) -> dict:
    consultation = contribution.consultation
    return {
        "id": contribution.id,
        "consultation": {"slug": consultation.slug, "title": consultation.title or {}},
        "created_at": _time(contribution.created_at),
        "updated_at": _time(contribution.updated_at),
        "status": contribution.status.value,
        "channel": contribution.channel.value,
        "language": contribution.language,
        "text": contribution.text,
        "answers": [_answer(a) for a in contribution.ordered_answers()],
        "translations": [_translation(t) for t in contribution.translations],
        # Why a moderator hid it; the moderator and their internal note are not yours to see.
        "moderation_reason": contribution.moderation_reason,
        "contact_email": contribution.contact_email,
        "contact_consent_at": _time(contribution.contact_consent_at),
        "self_description": profile_as_dict(profile) if profile is not None else None,
    }


def _own_contributions(user: User) -> list[Contribution]:
    return db.session.scalars(
        sa.select(Contribution).where(Contribution.author_id == user.id)
        .options(selectinload(Contribution.answers).selectinload(Answer.question),
                 selectinload(Contribution.answers).selectinload(Answer.choices),
                 selectinload(Contribution.translations),
                 selectinload(Contribution.consultation))
        .order_by(Contribution.created_at, Contribution.id)
    ).all()


def _own_flags(user: User) -> list[Flag]:
    """Reports made while logged in: their pseudonymous key is a keyed hash of the account id."""
    from app.moderation.services import reporter_key

    return db.session.scalars(sa.select(Flag).where(Flag.reporter_key == reporter_key(user))
                              .order_by(Flag.created_at, Flag.id)).all()


def personal_data(user: User) -> dict:
    """Everything stored about ``user``, as JSON data; nothing about any other person."""
    contributions = _own_contributions(user)
    ids = [c.id for c in contributions]
    profiles = {p.contribution_id: p for p in db.session.scalars(
        sa.select(ParticipantProfile).where(ParticipantProfile.contribution_id.in_(ids)))} if ids else {}
    translations_made = db.session.scalars(sa.select(ContributionTranslation).where(
        ContributionTranslation.translator_id == user.id).order_by(ContributionTranslation.id)).all()
    actions = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.actor_id == user.id)
                                 .order_by(AuditEntry.created_at, AuditEntry.id)).all()
    return {
        "format": EXPORT_FORMAT,
        "exported_at": _time(utcnow()),
        "account": {
            "id": user.id, "email": user.email, "display_name": user.display_name, "role": user.role.value,
            "department": user.department.slug if user.department is not None else None,
            "preferred_language": user.preferred_language, "active": user.active,
            "created_at": _time(user.created_at), "last_login_at": _time(user.last_login_at),
        },
        "contributions": [_contribution(c, profiles.get(c.id)) for c in contributions],
        "reports": [{"contribution_id": f.contribution_id, "reason": f.reason.value, "comment": f.comment,
                     "created_at": _time(f.created_at)} for f in _own_flags(user)],
        "translations_made": [{"contribution_id": t.contribution_id, "language": t.language, "text": t.text,
                               "created_at": _time(t.created_at)} for t in translations_made],
        "actions": [{"action": e.action, "object_type": e.object_type, "object_id": e.object_id,
                     "created_at": _time(e.created_at)} for e in actions],
        "notes": [
            _("Reports (flags) are stored under a pseudonymous key, not with your account. Reports you "
              "made while logged in are listed here; reports made without logging in cannot be linked "
              "to you, so they are not included."),
            _("Contributions you sent without logging in are not linked to your account and are not included."),
            _("Vielstimmig stores no IP addresses. Your password is stored only as a hash and is not included."),
        ],
    }


# --------------------------------------------------------------------------------- deletion

@dataclass(frozen=True)
class DeletionResult:
    """What deleting an account did to the contributions: ``mode`` and how many."""

    mode: str
    contributions: int


def _is_last_admin(user: User) -> bool:
    if user.role is not Role.ADMIN:
        return False
    others = db.session.scalar(sa.select(sa.func.count(User.id)).where(
        User.role == Role.ADMIN, User.active.is_(True), User.id != user.id))
    return not others


def delete_account(user: User, password: str, mode: str) -> DeletionResult:
    """Delete ``user``'s account after checking the password; ``mode`` is ``anonymise`` (the
    contributions stay, without author, e-mail address and self-description) or ``delete``
    (they are deleted with everything attached to them). Raises :class:`AccountError`
    (``password``, ``mode``, ``last_admin``) before changing anything. Flushes."""
    if mode not in (KEEP_ANONYMISED, DELETE):
        raise AccountError("mode")
    if not isinstance(password, str) or not user.check_password(password):
        raise AccountError("password")
    if _is_last_admin(user):
        raise AccountError("last_admin")
    contributions = db.session.scalars(sa.select(Contribution).where(Contribution.author_id == user.id)).all()
    ids = [c.id for c in contributions]
    if ids:
        db.session.execute(sa.delete(ParticipantProfile).where(ParticipantProfile.contribution_id.in_(ids))
                           .execution_options(synchronize_session=False))
    if mode == DELETE:
        if ids:
            db.session.execute(sa.delete(Flag).where(Flag.contribution_id.in_(ids))
                               .execution_options(synchronize_session=False))
        for contribution in contributions:
            db.session.delete(contribution)  # answers and translations go with it
    else:
        for contribution in contributions:
            contribution.author_id = None
            contribution.contact_email = None
            contribution.contact_consent_at = None
    # References kept elsewhere lose the account (as ON DELETE SET NULL does where the database enforces it).
    for column in (Contribution.moderated_by_id, ContributionTranslation.translator_id, Consultation.created_by_id):
        db.session.execute(sa.update(column.class_).where(column == user.id).values({column.key: None})
                           .execution_options(synchronize_session="fetch"))
    _record_deletion(user, mode, len(ids))
    user_id = user.id
    db.session.delete(user)
    db.session.flush()
    account_deleted.send(None, user_id=user_id, mode=mode, contributions=len(ids))
    return DeletionResult(mode, len(ids))


def _record_deletion(user: User, mode: str, count: int) -> None:
    """An audit entry without the person's e-mail address (the log keeps it forever)."""
    record(None, "account.delete", None, account_id=user.id, role=user.role, contributions=mode, count=count)
