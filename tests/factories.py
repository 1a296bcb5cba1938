"""Factory functions for tests. Defaults carry hostile text (markup, bidi marks) so that
escaping is exercised on every page that shows them."""
from __future__ import annotations

import itertools
import secrets
from datetime import timedelta

from app.accounts.models import Role, User
from app.consultations.models import (
    Consultation,
    ConsultationStatus,
    ModerationMode,
    Question,
    QuestionKind,
    QuestionOption,
    Visibility,
)
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus
from app.core.timeutil import utcnow
from app.extensions import db

HOSTILE = '<script>alert("x")</script>\u202eevil\u200b'
_seq = itertools.count(1)


def make_user(role: Role | str = Role.RESIDENT, email: str | None = None, password: str = "correct horse battery",
              **kwargs) -> User:
    role = Role(role) if isinstance(role, str) else role
    n = next(_seq)
    user = User(email=email or f"user{n}@example.org", display_name=kwargs.pop("display_name", f"User {n}"),
                role=role, **kwargs)
    user.set_password(password)
    db.session.add(user)
    db.session.commit()
    return user


def make_consultation(slug: str | None = None, *, status=ConsultationStatus.OPEN, visibility=Visibility.PUBLIC,
                      questions: list[dict] | None = None, action_fields=(), closes_in: timedelta | None = timedelta(days=30),
                      **kwargs) -> Consultation:
    """A consultation; ``questions`` as dicts ``{kind, prompt, required, options}``; one required
    free-text question by default."""
    n = next(_seq)
    now = utcnow()
    consultation = Consultation(
        slug=slug or f"consultation-{n}",
        title=kwargs.pop("title", {"de": f"Beteiligung {n} {HOSTILE}", "en": f"Consultation {n} {HOSTILE}"}),
        summary=kwargs.pop("summary", {"de": f"Zusammenfassung {n}", "en": f"Summary {n}"}),
        body=kwargs.pop("body", {"de": f"Text {HOSTILE}\n\nZweiter Absatz"}),
        status=status,
        visibility=visibility,
        opens_at=kwargs.pop("opens_at", now - timedelta(days=1)),
        closes_at=kwargs.pop("closes_at", (now + closes_in) if closes_in is not None else None),
        invite_token=kwargs.pop("invite_token", secrets.token_urlsafe(24) if visibility is Visibility.INVITATION else None),
        moderation=kwargs.pop("moderation", ModerationMode.POST),
        **kwargs,
    )
    consultation.action_fields = list(action_fields)
    if questions is None:
        questions = [{"kind": QuestionKind.FREE_TEXT, "required": True}]
    for position, spec in enumerate(questions):
        kind = QuestionKind(spec.get("kind", QuestionKind.FREE_TEXT))
        question = Question(position=position, kind=kind, required=spec.get("required", False),
                            prompt=spec.get("prompt", {"de": f"Frage {position + 1} {HOSTILE}", "en": f"Question {position + 1}"}))
        question.options = [QuestionOption(position=i, label=label if isinstance(label, dict) else {"de": label})
                            for i, label in enumerate(spec.get("options", []))]
        consultation.questions.append(question)
    db.session.add(consultation)
    db.session.commit()
    return consultation


def make_contribution(consultation: Consultation, text: str = f"Mein Beitrag {HOSTILE}", *, language: str = "de",
                      status=ContributionStatus.PUBLISHED, channel=Channel.ONLINE, author=None) -> Contribution:
    question = next(q for q in consultation.questions if q.kind is QuestionKind.FREE_TEXT)
    contribution = Contribution(consultation=consultation, language=language, status=status, channel=channel,
                                text=text, author=author)
    contribution.answers = [Answer(question=question, text=text)]
    db.session.add(contribution)
    db.session.commit()
    return contribution


def make_organisation(slug: str | None = None, *, status=None, languages=("de", "ar", "tr"), cohosts=(),
                      members=(), **kwargs):
    """An organisation (verified unless ``status`` says otherwise), co-hosting ``cohosts`` and with
    ``members``: pairs of (user, MembershipRole or its value)."""
    from app.organisations.models import Membership, MembershipRole, Organisation, OrganisationStatus

    n = next(_seq)
    organisation = Organisation(
        slug=slug or f"organisation-{n}", name=kwargs.pop("name", f"Organisation {n} {HOSTILE}"),
        status=status or OrganisationStatus.VERIFIED, languages=list(languages),
        contact_email=kwargs.pop("contact_email", f"org{n}@example.org"), **kwargs)
    db.session.add(organisation)
    for consultation in cohosts:
        consultation.cohosts.append(organisation)
    for user, role in members:
        db.session.add(Membership(organisation=organisation, user=user, role=MembershipRole(role)))
    db.session.commit()
    return organisation
