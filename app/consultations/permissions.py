"""Who may see and do what with consultations: small predicates, no database access."""
from __future__ import annotations

from app.accounts.models import Role
from app.consultations.models import Consultation, ConsultationStatus, Visibility


def _user(user):
    return user if user is not None and getattr(user, "is_authenticated", False) else None


def can_manage_consultations(user) -> bool:
    """Create and edit consultations, questions and action fields; open and close them."""
    user = _user(user)
    return bool(user and user.role is Role.ADMIN)


def can_view_consultation(user, consultation: Consultation, invite_tokens=()) -> bool:
    """Drafts only for managers; invitation-only with the link; internal for administration staff."""
    if can_manage_consultations(user):
        return True
    if consultation.status is ConsultationStatus.DRAFT:
        return False
    if consultation.visibility is Visibility.PUBLIC:
        return True
    if consultation.visibility is Visibility.INVITATION:
        return bool(consultation.invite_token) and consultation.invite_token in set(invite_tokens)
    user = _user(user)
    return bool(user and user.is_staff)


def needs_login_to_contribute(user, consultation: Consultation) -> bool:
    return not consultation.allow_anonymous and _user(user) is None
