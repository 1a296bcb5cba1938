"""The contribution form, built from a consultation's questions."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.consultations.models import SCALE_VALUES, Consultation, QuestionKind
from app.contributions import self_description as about
from app.contributions.privacy import CONTACT_EMAIL_MAX
from app.contributions.services import AUTO_LANGUAGE
from app.core.honeypot import honeypot_field
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


CONSENT_MESSAGE = _l("To receive e-mails, please tick the box to agree. Otherwise leave the e-mail address empty.")
PREFER_NOT_LABEL = _l("Prefer not to say")


class ContributionForm(FlaskForm):
    language = SelectField(_l("Language of your answers"), validate_choice=False,
                           validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()])
    website = honeypot_field()

    def validate_contact_consent(self, field):
        """An e-mail address is only taken with explicit consent."""
        if (self.contact_email.data or "").strip() and not field.data:
            raise ValidationError(CONSENT_MESSAGE)

    def validate_about_languages(self, field):
        if about.PREFER_NOT in (field.data or []) and len(field.data) > 1:
            raise ValidationError(_l("Please choose languages or “Prefer not to say”, not both."))


def _contact_fields() -> dict:
    """The optional e-mail address for people without an account, and the consent to store it."""
    return {
        "contact_email": EmailField(_l("E-mail address (optional)"), filters=[lambda v: v.strip() if v else v],
                                    validators=[Optional(), Length(max=CONTACT_EMAIL_MAX, message=_l(
                                        "Please use at most %(max)d characters.")), Email(message=_l(
                                            "Please enter a valid e-mail address, for example name@example.org."))],
                                    render_kw={"autocomplete": "email", "spellcheck": "false",
                                               "autocapitalize": "none", "maxlength": CONTACT_EMAIL_MAX}),
        "contact_consent": BooleanField(_l("I agree that my e-mail address is stored to send me a confirmation and "
                                           "to tell me once what happened with the input.")),
    }


def _choices(values: dict) -> list[tuple[str, object]]:
    return [*values.items(), (about.PREFER_NOT, PREFER_NOT_LABEL)]


def _radio(label, values: dict) -> RadioField:
    return RadioField(label, validate_choice=False, validators=[Optional(), OfferedChoices()], choices=_choices(values))


def _self_description_fields() -> dict:
    """The voluntary self-description: every field optional, each with "prefer not to say"."""
    districts = [(value, about.district_label(value)) for _label, group in about.DISTRICT_GROUPS for value in group]
    languages = [(code, CONTRIBUTION_LANGUAGES[code].native_name) for code in about.language_values()
                 if code in CONTRIBUTION_LANGUAGES]
    return {
        "about_age_group": _radio(_l("Age"), about.AGE_GROUPS),
        "about_district": SelectField(_l("Where do you live?"), validate_choice=False,
                                      validators=[Optional(), OfferedChoices()],
                                      choices=[("", _l("No answer")), *districts,
                                               (about.OUTSIDE, about.district_label(about.OUTSIDE)),
                                               (about.PREFER_NOT, PREFER_NOT_LABEL)]),
        "about_languages": MultiCheckboxField(_l("Languages you speak"), validate_choice=False,
                                              validators=[Optional(), OfferedChoices()],
                                              choices=[*languages, (about.OTHER_LANGUAGE, _l("Another language")),
                                                       (about.PREFER_NOT, PREFER_NOT_LABEL)]),
        "about_migration_history": _radio(_l("Migration history"), about.MIGRATION_HISTORIES),
        "about_gender": _radio(_l("Gender"), about.GENDERS),
        "about_disability": _radio(_l("Do you have a disability?"), about.DISABILITIES),
    }


def field_name(question) -> str:
    return f"q{question.id}"


def build_contribution_form(consultation: Consultation, lang: str, max_length: int, *, ask_contact: bool = True,
                            **kwargs) -> ContributionForm:
    """A form class with one field per question, in question order; returns an instance.

    ``ask_contact``: offer the optional e-mail address (not to people logged in). The voluntary
    self-description is offered when the consultation asks for it."""

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
    if consultation.asks_self_description:
        for name, field in _self_description_fields().items():
            setattr(_Form, name, field)
    if ask_contact:
        for name, field in _contact_fields().items():
            setattr(_Form, name, field)

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


def contact_from_form(form: ContributionForm) -> tuple[str | None, bool]:
    """The e-mail address and the consent, for the service (``(None, False)`` when not asked)."""
    if "contact_email" not in form:
        return None, False
    return (form.contact_email.data or None), bool(form.contact_consent.data)


def self_description_from_form(form: ContributionForm) -> dict | None:
    """The self-description as ``{field: value}`` for the service, empty answers left out."""
    if "about_age_group" not in form:
        return None
    data = {name: form[f"about_{name}"].data for name in about.FIELDS}
    data["languages"] = list(data["languages"] or [])
    return {name: value for name, value in data.items() if value not in (None, "", [])}


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
