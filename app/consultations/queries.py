"""Queries over consultations that respect who is reading (never shows what one may not see)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, session
from flask_login import current_user
from sqlalchemy.orm import selectinload

from app.consultations import permissions
from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationStatus,
    Question,
    Scope,
    Visibility,
)
from app.core.timeutil import utcnow
from app.extensions import db

INVITES_SESSION_KEY = "invites"


def session_invite_tokens() -> list[str]:
    """Invitation tokens this browser has opened (kept in the signed session)."""
    tokens = session.get(INVITES_SESSION_KEY) or []
    return [t for t in tokens if isinstance(t, str)]


def remember_invite_token(token: str) -> None:
    tokens = session_invite_tokens()
    if token not in tokens:
        session[INVITES_SESSION_KEY] = (tokens + [token])[-20:]


def visibility_clause(user, invite_tokens=()):
    """SQL condition equal to :func:`permissions.can_view_consultation` for ``user``."""
    if permissions.can_manage_consultations(user):
        return sa.true()
    allowed = [Consultation.visibility == Visibility.PUBLIC]
    tokens = [t for t in invite_tokens if t]
    if tokens:
        allowed.append(sa.and_(Consultation.visibility == Visibility.INVITATION,
                               Consultation.invite_token.in_(tokens)))
    if user is not None and getattr(user, "is_authenticated", False) and user.is_staff:
        allowed.append(Consultation.visibility == Visibility.INTERNAL)
    return sa.and_(Consultation.status != ConsultationStatus.DRAFT, sa.or_(*allowed))


def visible_consultations(user=None, invite_tokens=None):
    """``select(Consultation)`` limited to what ``user`` (default: the current user) may see."""
    if user is None:
        user = current_user
    if invite_tokens is None:
        invite_tokens = session_invite_tokens()
    return sa.select(Consultation).where(visibility_clause(user, invite_tokens))


def get_visible_or_404(slug: str) -> Consultation:
    """Load a consultation the current reader may see, else 404 (never 403: no leak of existence)."""
    stmt = visible_consultations().where(Consultation.slug == slug).options(
        selectinload(Consultation.questions).selectinload(Question.options),
        selectinload(Consultation.action_fields),
        selectinload(Consultation.department),
    )
    consultation = db.session.scalars(stmt).first()
    if consultation is None:
        abort(404)
    return consultation


def accepting_clause(now=None):
    now = now or utcnow()
    return sa.and_(
        Consultation.status == ConsultationStatus.OPEN,
        sa.or_(Consultation.opens_at.is_(None), Consultation.opens_at <= now),
        sa.or_(Consultation.closes_at.is_(None), Consultation.closes_at > now),
    )


def status_clause(status: ConsultationStatus, now=None):
    """Filter by the status readers see (an open consultation past its closing time is closed)."""
    now = now or utcnow()
    past_close = sa.and_(Consultation.closes_at.is_not(None), Consultation.closes_at <= now)
    if status is ConsultationStatus.OPEN:
        return sa.and_(Consultation.status == ConsultationStatus.OPEN, sa.not_(past_close))
    if status is ConsultationStatus.CLOSED:
        return sa.or_(Consultation.status == ConsultationStatus.CLOSED,
                      sa.and_(Consultation.status == ConsultationStatus.OPEN, past_close))
    return Consultation.status == status


def filtered_consultations(*, action_field: ActionField | None = None, status: ConsultationStatus | None = None,
                           scope: Scope | None = None, text: str | None = None, user=None):
    """Visible consultations with the list filters applied, newest first."""
    stmt = visible_consultations(user)
    if action_field is not None:
        stmt = stmt.where(Consultation.action_fields.any(ActionField.id == action_field.id))
    if status is not None:
        stmt = stmt.where(status_clause(status))
    if scope is not None:
        stmt = stmt.where(Consultation.scope == scope)
    if text:
        pattern = text.strip()
        stmt = stmt.where(sa.or_(
            sa.cast(Consultation.title, sa.Text).icontains(pattern, autoescape=True),
            sa.cast(Consultation.summary, sa.Text).icontains(pattern, autoescape=True),
        ))
    return stmt.options(selectinload(Consultation.action_fields)).order_by(
        Consultation.created_at.desc(), Consultation.id.desc())


def open_consultations(limit: int = 12):
    """Visible consultations accepting contributions now, closing soonest first, permanent last."""
    stmt = visible_consultations().where(accepting_clause()).options(selectinload(Consultation.action_fields))
    stmt = stmt.order_by(Consultation.closes_at.is_(None), Consultation.closes_at, Consultation.id).limit(limit)
    return db.session.scalars(stmt).all()


def action_fields():
    return db.session.scalars(sa.select(ActionField).order_by(ActionField.position, ActionField.id)).all()


def get_action_field_or_404(slug: str) -> ActionField:
    field = db.session.scalars(sa.select(ActionField).where(ActionField.slug == slug)).first()
    if field is None:
        abort(404)
    return field


def get_by_invite_token_or_404(token: str) -> Consultation:
    """The invitation-only consultation a secret link opens (drafts stay closed)."""
    if not token or len(token) > 64:
        abort(404)
    consultation = db.session.scalars(sa.select(Consultation).where(
        Consultation.invite_token == token,
        Consultation.visibility == Visibility.INVITATION,
        Consultation.status != ConsultationStatus.DRAFT,
    )).first()
    if consultation is None:
        abort(404)
    return consultation
