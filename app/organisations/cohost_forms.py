"""Forms of the co-host pages. They parse what was sent; the services check every rule."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.consultations import updates as update_services
from app.i18n.content import localize
from app.i18n.languages import KNOWN_LANGUAGES

CHOICE_MESSAGE = _l("Please choose one of the options offered.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _language_label(code: str) -> str:
    return KNOWN_LANGUAGES[code].native_name if code in KNOWN_LANGUAGES else code


class Offered:
    """A submitted value must be one of the field's choices (empty allowed)."""

    def __call__(self, form, field):
        if field.data not in (None, "") and str(field.data) not in {str(v) for v, _label in field.choices}:
            raise ValidationError(CHOICE_MESSAGE)


class TextLanguageForm(FlaskForm):
    """Which language of the consultation's texts to edit (from the query string)."""

    class Meta:
        csrf = False

    language = SelectField(_l("Language"), validate_choice=False, validators=[Optional(), Offered()])

    def __init__(self, languages: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language.choices = [(code, _language_label(code)) for code in languages]


class ConsultationTextsForm(FlaskForm):
    """One input per translatable text of a consultation, in one language; build it with
    :func:`texts_form`."""

    language = HiddenField()

    def values(self) -> dict[str, str]:
        """The texts that were sent (a text that was not sent is left as it is)."""
        return {name: self[name].data or "" for name in self.text_keys if self[name].raw_data}

    def attach_errors(self, errors: dict) -> None:
        for key, message in errors.items():
            target = self[key] if key in self.text_keys else None
            if target is None:
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]


def texts_form(consultation, text_fields, language: str, page_lang: str, *, submitted: bool) -> ConsultationTextsForm:
    """A form for ``text_fields`` (see :func:`app.organisations.cohosting.consultation_text_fields`)
    in ``language``: what was posted, else the stored texts."""
    direction = KNOWN_LANGUAGES[language].direction if language in KNOWN_LANGUAGES else "ltr"
    attrs = {"text_keys": [f.key for f in text_fields]}
    question_numbers = {q.id: n for n, q in enumerate(consultation.questions, start=1)}
    for field in text_fields:
        render_kw = {"maxlength": field.maximum, "lang": language, "dir": direction}
        label = _field_label(field, question_numbers)
        if field.multiline:
            rows = 10 if field.kind == "body" else 3
            attrs[field.key] = TextAreaField(label, render_kw={**render_kw, "rows": rows})
        else:
            attrs[field.key] = StringField(label, filters=[_strip], render_kw=render_kw)
    cls = type("ConsultationTextsForm", (ConsultationTextsForm,), attrs)
    if submitted:
        return cls()
    data = {f.key: (getattr(f.obj, f.attribute) or {}).get(language, "") for f in text_fields}
    data["language"] = language
    return cls(formdata=None, data=data)


def _field_label(field, question_numbers):
    if field.kind == "title":
        return _l("Title")
    if field.kind == "summary":
        return _l("Summary")
    if field.kind == "body":
        return _l("Text")
    number = question_numbers.get(field.obj.question_id if field.kind == "option" else field.obj.id, 0)
    if field.kind == "prompt":
        return _l("Question %(number)d", number=number)
    if field.kind == "help_text":
        return _l("Help text for question %(number)d", number=number)
    return _l("Option %(option)d of question %(number)d", option=field.obj.position + 1, number=number)


class UpdateForm(FlaskForm):
    """A news update: title and text per language, and whether it is shown; build it with
    :func:`update_form`."""

    published = BooleanField(_l("Show on the consultation page"), default=True)

    def translations(self, name: str) -> dict[str, str]:
        return {code: self[f"{name}_{code}"].data or "" for code in self.languages}

    def rows(self) -> list[tuple]:
        """``(language, title field, body field)`` per language, the page language first."""
        return [(KNOWN_LANGUAGES[code], self[f"title_{code}"], self[f"body_{code}"]) for code in self.ordered]

    def attach_errors(self, errors: dict) -> None:
        for key, message in errors.items():
            name = key.replace(".", "_")
            if name in self:
                self[name].errors = [*self[name].errors, message]
            else:
                self.form_errors.append(message)


def update_form(languages: list[str], page_lang: str, update=None, *, submitted: bool) -> UpdateForm:
    ordered = [page_lang] + [c for c in languages if c != page_lang] if page_lang in languages else list(languages)
    attrs = {"languages": tuple(languages), "ordered": ordered}
    for code in ordered:
        language = KNOWN_LANGUAGES[code]
        render_kw = {"lang": code, "dir": language.direction}
        attrs[f"title_{code}"] = StringField(
            _l("%(label)s (%(language)s)", label=_l("Title"), language=language.native_name), filters=[_strip],
            render_kw={**render_kw, "maxlength": update_services.TITLE_MAX})
        attrs[f"body_{code}"] = TextAreaField(
            _l("%(label)s (%(language)s)", label=_l("Text"), language=language.native_name),
            render_kw={**render_kw, "maxlength": update_services.BODY_MAX, "rows": 6})
    cls = type("UpdateForm", (UpdateForm,), attrs)
    if submitted:
        return cls()
    data = {"published": True}
    if update is not None:
        data["published"] = update.published
        for code in languages:
            data[f"title_{code}"] = (update.title or {}).get(code, "")
            data[f"body_{code}"] = (update.body or {}).get(code, "")
    return cls(formdata=None, data=data)


class QueueFilterForm(FlaskForm):
    """The mediator queue's filters (from the query string)."""

    class Meta:
        csrf = False

    language = SelectField(_l("Language"), validate_choice=False, validators=[Optional(), Offered()])
    consultation = SelectField(_l("Consultation"), validate_choice=False, validators=[Optional(), Offered()])

    def __init__(self, languages, consultations, lang: str, *args, **kwargs):
        from app.i18n.languages import CONTRIBUTION_LANGUAGES

        super().__init__(*args, **kwargs)
        self.language.choices = [("", _l("All languages"))] + [
            (code, CONTRIBUTION_LANGUAGES[code].native_name if code in CONTRIBUTION_LANGUAGES else code)
            for code in languages]
        self.consultation.choices = [("", _l("All consultations"))] + [
            (str(c.id), localize(c.title, lang).text or c.slug) for c in consultations]

    @property
    def consultation_id(self) -> int | None:
        return int(self.consultation.data) if self.consultation.data else None


class MediatorTranslationForm(FlaskForm):
    """A language mediator's translation into German."""

    text = TextAreaField(_l("Translation into German"), validators=[
        DataRequired(message=_l("Please enter the translation.")),
        Length(max=10_000, message=_l("Please write at most %(max)d characters.")),
    ], render_kw={"rows": 10, "lang": "de", "dir": "ltr", "maxlength": 10_000})
