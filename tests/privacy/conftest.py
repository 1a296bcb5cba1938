"""Fixtures for the privacy tests: the mail outbox, a consultation asking every question kind
that matters here, and helpers to post the contribution form."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.consultations.models import QuestionKind
from app.contributions.models import Contribution, ParticipantProfile
from tests.factories import make_consultation
from tests.helpers import get_csrf_token


@pytest.fixture()
def outbox(app):
    """Messages "sent" while ``MAIL_SERVER`` is unset, emptied for each test."""
    box: list = []
    app.extensions["mail_outbox"] = box
    yield box
    app.extensions["mail_outbox"] = []


@pytest.fixture()
def consultation(seeded):
    return make_consultation(questions=[
        {"kind": QuestionKind.FREE_TEXT, "required": True, "prompt": {"de": "Ihre Idee", "en": "Your idea"}},
        {"kind": QuestionKind.SINGLE_CHOICE, "options": [{"de": "Ja", "en": "Yes"}, {"de": "Nein", "en": "No"}]},
    ])


def form_path(consultation, lang="en") -> str:
    return f"/{lang}/consultations/{consultation.slug}/contribute"


def form_data(client, consultation, **overrides) -> dict:
    """Valid form data; ``None`` leaves a field out."""
    q = consultation.questions
    data = {
        "csrf_token": get_csrf_token(client, form_path(consultation)),
        "language": "de",
        f"q{q[0].id}": "Mehr Sprachkurse am Abend, bitte.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def contributions(db) -> list[Contribution]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()


def profiles(db) -> list[ParticipantProfile]:
    db.session.expire_all()
    return db.session.scalars(sa.select(ParticipantProfile).order_by(ParticipantProfile.id)).all()
