"""Questions of a consultation and their options; answers already given are never lost."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.consultations.models import Consultation, Question, QuestionKind, QuestionOption
from app.consultations.services.common import (
    CHOICE_MESSAGE,
    CONTROL_MESSAGE,
    CONTROL_RE,
    HELP_MAX,
    LANGUAGE_MESSAGE,
    MAX_OPTIONS,
    MIN_OPTIONS,
    OPTION_MAX,
    PROMPT_MAX,
    ActionRefused,
    InvalidInput,
    clean,
    content_languages,
    require_manager,
    translations,
)
from app.contributions.models import Answer, answer_choices
from app.extensions import db
from app.i18n.content import SOURCE_LANGUAGE
from app.moderation.audit import changed_attributes, record

log = logging.getLogger(__name__)


@dataclass
class QuestionData:
    """A question as entered; ``options`` holds one ``{lang: label}`` per option, in order."""

    kind: QuestionKind
    prompt: dict[str, str]
    help_text: dict[str, str] = field(default_factory=dict)
    required: bool = False
    options: list[dict[str, str]] = field(default_factory=list)


def answer_counts(consultation: Consultation) -> dict[int, int]:
    """``{question_id: number of answers}`` for the consultation's answered questions."""
    stmt = (sa.select(Answer.question_id, sa.func.count(Answer.id))
            .join(Question, Question.id == Answer.question_id)
            .where(Question.consultation_id == consultation.id)
            .group_by(Answer.question_id))
    return {question_id: n for question_id, n in db.session.execute(stmt)}


def _answer_count(question: Question) -> int:
    return db.session.scalar(sa.select(sa.func.count(Answer.id)).where(Answer.question_id == question.id)) or 0


def _options(errors: dict, raw_options: list[dict]) -> list[dict[str, str]]:
    languages = content_languages()
    if not MIN_OPTIONS <= len(raw_options) <= MAX_OPTIONS:
        errors["options.de"] = _l("Please give between %(min)d and %(max)d options, one per line.",
                                  min=MIN_OPTIONS, max=MAX_OPTIONS)
    options, seen = [], set()
    for n, raw in enumerate(raw_options, start=1):
        label = {}
        for code, text in (raw or {}).items():
            text = clean(text)
            if not text:
                continue
            if code not in languages:
                errors.setdefault("options", LANGUAGE_MESSAGE)
            elif CONTROL_RE.search(text) or "\n" in text:
                errors.setdefault(f"options.{code}", CONTROL_MESSAGE)
            elif len(text) > OPTION_MAX:
                errors.setdefault(f"options.{code}", _l("Option %(n)d is longer than %(max)d characters.",
                                                        n=n, max=OPTION_MAX))
            else:
                label[code] = text
        german = label.get(SOURCE_LANGUAGE, "").casefold()
        if not german:
            errors.setdefault("options.de", _l("Option %(n)d has no German label. Please write one option "
                                               "per line, without empty lines.", n=n))
        elif german in seen:
            errors.setdefault("options.de", _l("Option %(n)d repeats an earlier option.", n=n))
        seen.add(german)
        options.append(label)
    return options


def _question_values(errors: dict, data: QuestionData) -> dict:
    if not isinstance(data.kind, QuestionKind):
        errors["kind"] = CHOICE_MESSAGE
    has_options = isinstance(data.kind, QuestionKind) and data.kind.has_options
    return {
        "kind": data.kind,
        "required": bool(data.required),
        "prompt": translations(errors, "prompt", data.prompt, PROMPT_MAX, required=True),
        "help_text": translations(errors, "help_text", data.help_text, HELP_MAX),
        # Free-text and scale questions have no options; lines typed for them are dropped.
        "options": _options(errors, list(data.options or [])) if has_options else [],
    }


def _apply(question: Question, values: dict) -> None:
    """Set the fields; option N keeps its id, so answers that chose it stay attached."""
    for name in ("kind", "required", "prompt", "help_text"):
        setattr(question, name, values[name])
    existing = list(question.options)
    for position, label in enumerate(values["options"]):
        if position < len(existing):
            existing[position].label = label
            existing[position].position = position
        else:
            question.options.append(QuestionOption(position=position, label=label))
    for option in existing[len(values["options"]):]:
        question.options.remove(option)


def _renumber(questions) -> None:
    for position, question in enumerate(questions):
        question.position = position


def add_question(consultation: Consultation, data: QuestionData, actor) -> Question:
    """Add a question at the end of the consultation."""
    require_manager(actor)
    errors: dict[str, object] = {}
    values = _question_values(errors, data)
    if errors:
        raise InvalidInput(errors)
    question = Question(position=len(consultation.questions))
    _apply(question, values)
    consultation.questions.append(question)
    db.session.flush()
    log.info("question %s added to consultation %s by user %s", question.id, consultation.slug, actor.id)
    record(actor, "question.create", question, consultation=consultation.id, kind=question.kind)
    return question


def update_question(question: Question, data: QuestionData, actor) -> Question:
    """Edit a question; once answered, its type and every option chosen in an answer stay."""
    require_manager(actor)
    errors: dict[str, object] = {}
    values = _question_values(errors, data)
    if values["kind"] is not question.kind and _answer_count(question):
        errors["kind"] = _l("This question already has answers, so its type cannot be changed.")
    removed = {o.id: o.position for o in question.options[len(values["options"]):]}
    if removed:
        chosen = db.session.scalars(sa.select(answer_choices.c.option_id)
                                    .where(answer_choices.c.option_id.in_(removed))).all()
        if chosen:
            errors["options.de"] = _l("Option %(n)d has already been chosen in answers and cannot be removed. "
                                      "You can change its wording instead.", n=min(removed[i] for i in chosen) + 1)
    if errors:
        raise InvalidInput(errors)
    _apply(question, values)
    changed = changed_attributes(question)
    if any(changed_attributes(option) for option in question.options):
        changed = sorted({*changed, "options"})
    db.session.flush()
    log.info("question %s updated by user %s", question.id, actor.id)
    record(actor, "question.update", question, consultation=question.consultation_id, changed=changed)
    return question


def delete_question(question: Question, actor) -> None:
    """Delete a question that has no answers yet."""
    require_manager(actor)
    if _answer_count(question):
        raise ActionRefused(_l("This question already has answers, so it cannot be deleted."))
    consultation = question.consultation
    record(actor, "question.delete", question, consultation=consultation.id, kind=question.kind,
           prompt=question.prompt)
    consultation.questions.remove(question)
    _renumber(consultation.questions)
    db.session.flush()
    log.info("question %s of consultation %s deleted by user %s", question.id, consultation.slug, actor.id)


def move_question(question: Question, offset: int, actor) -> None:
    """Move a question one place up (``-1``) or down (``+1``); at either end nothing changes."""
    require_manager(actor)
    if offset not in (-1, 1):
        raise ValueError(offset)
    questions = sorted(question.consultation.questions, key=lambda q: (q.position, q.id))
    index = questions.index(question)
    if 0 <= index + offset < len(questions):
        questions[index], questions[index + offset] = questions[index + offset], questions[index]
    _renumber(questions)
    db.session.flush()
    record(actor, "question.move", question, consultation=question.consultation_id, offset=offset,
           position=question.position)
