"""Rules for contributions: what may be submitted, and what readers may see."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.consultations.models import SCALE_VALUES, Consultation, ModerationMode, QuestionKind
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES


class ContributionRefused(Exception):
    """A contribution that may not be stored; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def published_contributions(consultation: Consultation):
    """``select()`` of a consultation's published contributions, newest first."""
    return (
        sa.select(Contribution)
        .where(Contribution.consultation_id == consultation.id,
               Contribution.status == ContributionStatus.PUBLISHED)
        .options(selectinload(Contribution.answers).selectinload(Answer.choices),
                 selectinload(Contribution.answers).selectinload(Answer.question))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
    )


def submit_contribution(consultation: Consultation, answers: dict[int, object], *, language: str,
                        author=None, channel: Channel = Channel.ONLINE, max_length: int = 5000) -> Contribution:
    """Store a contribution with its answers, checking every rule again; flushes, does not commit.

    ``answers`` maps question ids to text (free text), an int (scale) or a list of option ids.
    """
    if channel is Channel.ONLINE and not consultation.accepts_contributions():
        raise ContributionRefused("closed")
    if language not in CONTRIBUTION_LANGUAGES:
        raise ContributionRefused("language")
    questions = {q.id: q for q in consultation.questions}
    if set(answers) - set(questions):
        raise ContributionRefused("unknown_question")
    missing = [q for q in questions.values() if q.required and q.id not in answers]
    if missing:
        raise ContributionRefused("required")
    if not answers:
        raise ContributionRefused("empty")

    status = ContributionStatus.PENDING if consultation.moderation is ModerationMode.PRE else ContributionStatus.PUBLISHED
    contribution = Contribution(consultation=consultation, language=language, channel=channel,
                                status=status, author=author if getattr(author, "is_authenticated", False) else None)
    texts: list[str] = []
    for question in consultation.questions:  # question order
        if question.id not in answers:
            continue
        value = answers[question.id]
        answer = Answer(question=question)
        if question.kind is QuestionKind.FREE_TEXT:
            if not isinstance(value, str) or not value.strip() or len(value) > max_length or "\x00" in value:
                raise ContributionRefused("text")
            answer.text = value.strip()
            texts.append(answer.text)
        elif question.kind is QuestionKind.SCALE:
            if value not in SCALE_VALUES:
                raise ContributionRefused("scale")
            answer.scale_value = int(value)
        else:
            options = {o.id: o for o in question.options}
            if not isinstance(value, list) or not value or any(v not in options for v in value):
                raise ContributionRefused("choice")
            if question.kind is QuestionKind.SINGLE_CHOICE and len(value) != 1:
                raise ContributionRefused("choice")
            answer.choices = [options[v] for v in value]
        contribution.answers.append(answer)
    contribution.text = "\n\n".join(texts)
    db.session.add(contribution)
    db.session.flush()
    return contribution


def own_recent_contribution(consultation: Consultation, contribution_id) -> Contribution | None:
    """The contribution this browser just submitted to ``consultation`` (id kept in the session)."""
    if not isinstance(contribution_id, int):
        return None
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.consultation_id != consultation.id:
        return None
    return contribution
