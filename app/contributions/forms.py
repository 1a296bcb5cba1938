"""The contribution form, built from a consultation's questions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.consultations.models import SCALE_VALUES, Consultation, QuestionKind
from app.contributions.services import AUTO_LANGUAGE
from app.i18n.content import localize
from app.i18n.languages import CONTRIBUTION_LANGUAGES

SCALE_LABELS = {
    1: _l("Strongly disagree"),
    2: _l("Disagree"),
    3: _l("Neither agree nor disagree"),
    4: _l("Agree"),
    5: _l("Strongly agree"),
}

REQUIRED_MESSAGE = _l("Please answer this question.")
CHOICE_MESSAGE = _l("Please choose one of the options offered.")


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class OfferedChoices:
    """Every submitted value must be one of the field's choices (our own, translated message)."""

    def __call__(self, form, field):
        allowed = {str(value) for value, _label in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        for value in values:
            if value not in (None, "") and str(value) not in allowed:
                raise ValidationError(CHOICE_MESSAGE)


class ContributionForm(FlaskForm):
    language = SelectField(_l("Language of your answers"), validate_choice=False,
                           validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()])


def field_name(question) -> str:
    return f"q{question.id}"


def build_contribution_form(consultation: Consultation, lang: str, max_length: int, **kwargs) -> ContributionForm:
    """A form class with one field per question, in question order; returns an instance."""

    class _Form(ContributionForm):
        pass

    for question in consultation.questions:
        label = localize(question.prompt, lang).text
        required = InputRequired(message=REQUIRED_MESSAGE) if question.required else Optional()
        if question.kind is QuestionKind.FREE_TEXT:
            field = TextAreaField(label, validators=[
                DataRequired(message=REQUIRED_MESSAGE) if question.required else Optional(),
                Length(max=max_length, message=_l("Please write at most %(max)d characters.")),
            ], render_kw={"maxlength": max_length, "rows": 6})
        elif question.kind is QuestionKind.SINGLE_CHOICE:
            field = RadioField(label, validate_choice=False, validators=[required, OfferedChoices()],
                               choices=[(str(o.id), localize(o.label, lang).text) for o in question.options])
        elif question.kind is QuestionKind.MULTIPLE_CHOICE:
            field = MultiCheckboxField(label, validate_choice=False, validators=[required, OfferedChoices()],
                                       choices=[(str(o.id), localize(o.label, lang).text) for o in question.options])
        else:
            field = RadioField(label, validate_choice=False, validators=[required, OfferedChoices()],
                               choices=[(str(v), f"{v} – {SCALE_LABELS[v]}") for v in SCALE_VALUES])
        setattr(_Form, field_name(question), field)

    form = _Form(**kwargs)
    form.language.choices = [(AUTO_LANGUAGE, _l("Recognise automatically"))] + [
        (code, language.native_name) for code, language in CONTRIBUTION_LANGUAGES.items() if code != "und"]
    if not form.is_submitted():
        form.language.data = AUTO_LANGUAGE
    return form


class LanguageCorrectForm(FlaskForm):
    """The author corrects the recognised language on the confirmation page."""

    language = SelectField(_l("Language of your contribution"), validate_choice=False,
                           validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, language.native_name) for code, language in CONTRIBUTION_LANGUAGES.items()
                                 if code != "und"]


def answers_from_form(consultation: Consultation, form: ContributionForm) -> dict[int, object]:
    """Plain data for the service: ``{question_id: text | int | [option ids]}``, empty answers left out."""
    answers: dict[int, object] = {}
    for question in consultation.questions:
        data = form[field_name(question)].data
        if question.kind is QuestionKind.FREE_TEXT:
            if data and data.strip():
                answers[question.id] = data.strip()
        elif question.kind is QuestionKind.SCALE:
            if data not in (None, ""):
                answers[question.id] = int(data)
        elif question.kind is QuestionKind.SINGLE_CHOICE:
            if data not in (None, ""):
                answers[question.id] = [int(data)]
        elif data:
            answers[question.id] = [int(v) for v in dict.fromkeys(data)]
    return answers


class TranslationAddForm(FlaskForm):
    """Staff and language mediators add or correct a translation of a contribution."""

    language = SelectField(_l("Translate into"), validate_choice=False,
                           validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()])
    text = TextAreaField(_l("Translation"), validators=[
        DataRequired(message=_l("Please enter the translation.")),
        Length(max=10000, message=_l("Please write at most %(max)d characters.")),
    ], render_kw={"rows": 8})

    def __init__(self, *args, **kwargs):
        from flask import current_app

        from app.i18n.languages import KNOWN_LANGUAGES

        super().__init__(*args, **kwargs)
        self.language.choices = [(code, KNOWN_LANGUAGES[code].native_name) for code in current_app.config["LANGUAGES"]]
