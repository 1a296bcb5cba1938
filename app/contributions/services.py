"""Rules for contributions: what may be submitted, and what readers may see."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.consultations.models import SCALE_VALUES, Consultation, ModerationMode, QuestionKind
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus, LanguageSource
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES


class ContributionRefused(Exception):
    """A contribution that may not be stored; ``reason`` is a stable code."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def published_contributions(consultation: Consultation):
    """``select()`` of a consultation's published contributions, newest first."""
    return _contributions_with_status(consultation, ContributionStatus.PUBLISHED)


# What the consultation page lists: hidden contributions appear as a placeholder with the reason
# (their text is never shown); pending ones not at all.
LISTED_STATUSES = (ContributionStatus.PUBLISHED, ContributionStatus.HIDDEN)


def listed_contributions(consultation: Consultation):
    """``select()`` of the contributions the consultation page lists: published ones, and hidden
    ones (shown as a placeholder, see :func:`app.moderation.services.hidden_notice`), newest first.
    Organisations' statements have a section of their own on the page and are left out here."""
    return _contributions_with_status(consultation, *LISTED_STATUSES).where(Contribution.channel != Channel.STATEMENT)


def published_count(consultation: Consultation) -> int:
    """How many contributions of the consultation are published, statements not counted (they are listed apart)."""
    return db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(
        Contribution.consultation_id == consultation.id, Contribution.status == ContributionStatus.PUBLISHED,
        Contribution.channel != Channel.STATEMENT)) or 0


def _contributions_with_status(consultation: Consultation, *statuses: ContributionStatus):
    return (
        sa.select(Contribution)
        .where(Contribution.consultation_id == consultation.id, Contribution.status.in_(statuses))
        .options(selectinload(Contribution.answers).selectinload(Answer.choices),
                 selectinload(Contribution.answers).selectinload(Answer.question),
                 selectinload(Contribution.translations))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
    )


AUTO_LANGUAGE = "auto"


def submit_contribution(consultation: Consultation, answers: dict[int, object], *, language: str = AUTO_LANGUAGE,
                        reading_language: str | None = None, author=None, channel: Channel = Channel.ONLINE,
                        max_length: int = 5000, contact_email: str | None = None, contact_consent: bool = False,
                        self_description: dict | None = None) -> Contribution:
    """Store a contribution with its answers, checking every rule again; flushes, does not commit.

    ``answers`` maps question ids to text (free text), an int (scale) or a list of option ids.
    ``language`` is a code the author chose, or ``auto``: then it is detected from the text, with
    the language the person reads the page in (``reading_language``) as a prior.
    ``contact_email`` (people without an account only) is stored only with ``contact_consent``;
    ``self_description`` (see :mod:`app.contributions.self_description`) is stored apart.
    """
    from app.contributions.privacy import ContactRefused, checked_contact
    from app.contributions.self_description import InvalidSelfDescription, clean_self_description

    if channel is Channel.ONLINE and not consultation.accepts_contributions():
        raise ContributionRefused("closed")
    if language != AUTO_LANGUAGE and language not in CONTRIBUTION_LANGUAGES:
        raise ContributionRefused("language")
    try:
        contact_email, consent_at = checked_contact(contact_email, contact_consent, author)
    except ContactRefused as refused:
        raise ContributionRefused(refused.reason) from refused
    try:
        if clean_self_description(self_description) and not consultation.asks_self_description:
            raise ContributionRefused("self_description")
    except InvalidSelfDescription as invalid:
        raise ContributionRefused("self_description") from invalid
    questions = {q.id: q for q in consultation.questions}
    if set(answers) - set(questions):
        raise ContributionRefused("unknown_question")
    missing = [q for q in questions.values() if q.required and q.id not in answers]
    if missing:
        raise ContributionRefused("required")
    if not answers:
        raise ContributionRefused("empty")

    status = ContributionStatus.PENDING if consultation.moderation is ModerationMode.PRE else ContributionStatus.PUBLISHED
    contribution = Contribution(consultation=consultation, channel=channel, status=status,
                                author=author if getattr(author, "is_authenticated", False) else None)
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
    contribution.contact_email, contribution.contact_consent_at = contact_email, consent_at
    set_detected_or_chosen_language(contribution, language, reading_language)
    db.session.add(contribution)
    db.session.flush()
    from app.contributions.self_description import store_self_description

    store_self_description(contribution, self_description)
    return contribution


def own_recent_contribution(consultation: Consultation, contribution_id) -> Contribution | None:
    """The contribution this browser just submitted to ``consultation`` (id kept in the session)."""
    if not isinstance(contribution_id, int):
        return None
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None or contribution.consultation_id != consultation.id:
        return None
    return contribution


def set_detected_or_chosen_language(contribution: Contribution, language: str, reading_language: str | None) -> None:
    """Use the author's choice, or detect the language of the contribution's text."""
    if language != AUTO_LANGUAGE:
        contribution.language, contribution.language_confidence = language, None
        contribution.language_source = LanguageSource.AUTHOR
        return
    from app.i18n.detection import detect_language

    detection = detect_language(contribution.text, priors=reading_language_prior(reading_language))
    contribution.language, contribution.language_confidence = detection.code, detection.confidence
    contribution.language_source = LanguageSource.DETECTED


def reading_language_prior(reading_language: str | None) -> dict[str, float] | None:
    """People mostly write in the language they read the page in: a moderate prior for it."""
    from app.i18n.detection import READING_LANGUAGE_PRIOR

    return {reading_language: READING_LANGUAGE_PRIOR} if reading_language else None


def correct_language(contribution: Contribution, language: str, actor=None) -> None:
    """The author (or staff) corrects the language of a contribution."""
    if language not in CONTRIBUTION_LANGUAGES:
        raise ContributionRefused("language")
    contribution.language, contribution.language_confidence = language, None
    contribution.language_source = LanguageSource.STAFF if getattr(actor, "is_staff", False) else LanguageSource.AUTHOR
    db.session.flush()


def get_contribution_or_404(consultation: Consultation, contribution_id: int) -> Contribution:
    """A contribution of ``consultation`` with answers and translations loaded, else 404."""
    from flask import abort

    from app.contributions.models import ContributionTranslation

    contribution = db.session.scalars(
        sa.select(Contribution)
        .where(Contribution.id == contribution_id, Contribution.consultation_id == consultation.id)
        .options(selectinload(Contribution.answers).selectinload(Answer.choices),
                 selectinload(Contribution.answers).selectinload(Answer.question),
                 selectinload(Contribution.translations).selectinload(ContributionTranslation.translator))
    ).first()
    if contribution is None:
        abort(404)
    return contribution


def translations_by_language(contribution: Contribution) -> dict[str, list]:
    """Every translation of a contribution, grouped by language, newest first (the history)."""
    grouped: dict[str, list] = {}
    for translation in sorted(contribution.translations, key=lambda t: (t.created_at, t.id), reverse=True):
        grouped.setdefault(translation.language, []).append(translation)
    return grouped


def after_storing(contribution_ids) -> str | None:
    """Side effects once contributions entered for others are committed (offline, one by one or in
    a batch, imported, or sent as an organisation's statement): machine translation when
    configured (in jobs of 100; without a queue only up to 20 at once, see
    :func:`~app.contributions.translations.schedule_batch_translation`) and their embeddings for
    the analysis (in jobs of 1,000), after which published ones join the nearest theme. Returns
    what happened to the translation, for the person who stored them, or None when machine
    translation is off."""
    from app.analysis.embeddings import schedule_arrivals
    from app.contributions.translations import schedule_batch_translation

    ids = list(contribution_ids)
    message = schedule_batch_translation(ids)
    schedule_arrivals(ids)
    return message


def after_submission(contribution: Contribution) -> None:
    """Side effects once a contribution is committed: machine translation when configured, and
    the confirmation mail when the author gave an e-mail address with consent."""
    from app.contributions.privacy import send_confirmation
    from app.contributions.translations import schedule_machine_translation

    schedule_machine_translation(contribution.id)
    from app.analysis.embeddings import schedule_embedding  # analysis: embed once, join the nearest theme

    schedule_embedding(contribution.id)
    send_confirmation(contribution)
