"""Forms of the staff pages.

They only parse what was sent (choices, dates, numbers) into the plain data the services take;
the services check every rule. Translated texts get one input per content language, named
``<text>_<lang>`` (``title_de``, ``title_en``); their classes are built for the configured languages.
"""
from __future__ import annotations

from functools import lru_cache

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.consultations import services
from app.consultations.models import (
    ConsultationKind,
    ConsultationStatus,
    ModerationMode,
    QuestionKind,
    Scope,
    Visibility,
)
from app.consultations.services import common as limits
from app.consultations.services.consultations import CONSENT_TEXT_MAX
from app.core.enums import title_of
from app.core.timeutil import local_to_utc, utc_to_local
from app.i18n.content import SOURCE_LANGUAGE, localize
from app.i18n.languages import KNOWN_LANGUAGES

CHOICE_MESSAGE = limits.CHOICE_MESSAGE
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _enum_choices(enum_cls):
    return [(member.value, title_of(member)) for member in enum_cls]


def _choice(cls, label, enum_cls, **kwargs):
    """A radio or select field offering an enum's stored values; one must be sent."""
    return cls(label, [InputRequired(message=CHOICE_MESSAGE)], choices=_enum_choices(enum_cls),
               invalid_choice_message=CHOICE_MESSAGE, **kwargs)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LocalDateTimeField(DateTimeLocalField):
    """A ``datetime-local`` input: a wall-clock time in Europe/Berlin, without time zone."""

    MESSAGE = _l("Please enter a date and time, for example 2026-03-01 09:30.")
    YEARS = range(2000, 2100)  # also keeps the conversion to UTC away from datetime's limits

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, [Optional(), *(validators or [])], format=DATETIME_FORMATS,
                         invalid_value_message=self.MESSAGE, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None and self.data.year not in self.YEARS:
            self.data = None
            raise ValueError(self.MESSAGE)


def _translated_fields(name: str, label, languages, *, maximum: int, rows: int | None = None) -> dict:
    fields = {}
    for code in languages:
        language = KNOWN_LANGUAGES[code]
        render_kw = {"maxlength": maximum, "lang": code, "dir": language.direction}
        field_label = _l("%(label)s (%(language)s)", label=label, language=language.native_name)
        if rows:
            fields[f"{name}_{code}"] = TextAreaField(field_label, render_kw={**render_kw, "rows": rows})
        else:
            fields[f"{name}_{code}"] = StringField(field_label, filters=[_strip], render_kw=render_kw)
    return fields


class TranslatedForm(FlaskForm):
    """A form with one input per content language for each translated text."""

    languages: tuple[str, ...] = ()

    def translations(self, name: str) -> dict[str, str]:
        """The entered ``{lang: text}``; the service drops empty entries."""
        return {code: self[f"{name}_{code}"].data or "" for code in self.languages}

    def translation_rows(self, name: str) -> list[tuple]:
        """``(language, field, missing)`` per content language, side by side; a translation is
        missing when the German text exists and this language's is empty."""
        texts = {code: (self[f"{name}_{code}"].data or "").strip() for code in self.languages}
        return [(KNOWN_LANGUAGES[code], self[f"{name}_{code}"],
                 code != SOURCE_LANGUAGE and bool(texts.get(SOURCE_LANGUAGE)) and not texts[code])
                for code in self.languages]

    def attach_errors(self, errors: dict) -> None:
        """Show a service's errors (``"title.de"``) next to their fields (``title_de``)."""
        for key, message in errors.items():
            name = key.replace(".", "_")
            target = self[name] if name in self else None
            if target is None:
                self.form_errors.append(message)
            else:
                target.errors = [*target.errors, message]

    @classmethod
    def translation_data(cls, name: str, values: dict | None) -> dict[str, str]:
        return {f"{name}_{code}": (values or {}).get(code, "") for code in cls.languages}


def _submitted() -> bool:
    return request.method == "POST"


class ConsultationEditForm(TranslatedForm):
    """Create or edit a consultation; build it with :func:`consultation_form`."""

    def __init__(self, action_fields, departments, lang: str, **kwargs):
        super().__init__(**kwargs)
        self.action_fields.choices = [(str(f.id), localize(f.name, lang).text) for f in action_fields]
        self.department.choices = [("", _l("No department"))] + sorted(
            ((str(d.id), f"{localize(d.name, lang).text} ({d.short_name})") for d in departments),
            key=lambda choice: choice[1].casefold())

    def to_data(self) -> services.ConsultationData:
        return services.ConsultationData(
            slug=self.slug.data or "",
            title=self.translations("title"),
            summary=self.translations("summary"),
            body=self.translations("body"),
            kind=ConsultationKind(self.kind.data),
            scope=Scope(self.scope.data),
            district=self.district.data or None,
            action_field_ids=[int(value) for value in self.action_fields.data or []],
            department_id=int(self.department.data) if self.department.data else None,
            allow_anonymous=self.allow_anonymous.data,
            visibility=Visibility(self.visibility.data),
            moderation=ModerationMode(self.moderation.data),
            opens_at=local_to_utc(self.opens_at.data),
            closes_at=local_to_utc(self.closes_at.data),
            is_suggestion_box=self.is_suggestion_box.data,
            consent_text=self.translations("consent_text"),
            asks_self_description=self.asks_self_description.data,
        )

    @classmethod
    def initial(cls, consultation) -> dict:
        data = {
            "slug": consultation.slug,
            "kind": consultation.kind.value,
            "scope": consultation.scope.value,
            "district": consultation.district or "",
            "action_fields": [str(f.id) for f in consultation.action_fields],
            "department": str(consultation.department_id) if consultation.department_id else "",
            "allow_anonymous": consultation.allow_anonymous,
            "visibility": consultation.visibility.value,
            "moderation": consultation.moderation.value,
            "opens_at": utc_to_local(consultation.opens_at),
            "closes_at": utc_to_local(consultation.closes_at),
            "is_suggestion_box": consultation.is_suggestion_box,
            "asks_self_description": consultation.asks_self_description,
        }
        for name in ("title", "summary", "body", "consent_text"):
            data.update(cls.translation_data(name, getattr(consultation, name)))
        return data


@lru_cache(maxsize=8)
def _consultation_form_class(languages: tuple[str, ...]) -> type[ConsultationEditForm]:
    # Fields are created here, in page order, so that the error summary follows the page.
    fields = {"languages": languages, "slug": StringField(
        _l("Web address (slug)"), filters=[_strip],
        render_kw={"maxlength": 80, "autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"})}
    fields |= _translated_fields("title", _l("Title"), languages, maximum=limits.TITLE_MAX)
    fields |= _translated_fields("summary", _l("Summary"), languages, maximum=limits.SUMMARY_MAX, rows=3)
    fields |= _translated_fields("body", _l("Text"), languages, maximum=limits.BODY_MAX, rows=12)
    fields |= {
        "kind": _choice(RadioField, _l("Type"), ConsultationKind, default=ConsultationKind.TOPIC_SPECIFIC.value),
        "scope": _choice(SelectField, _l("Area"), Scope, default=Scope.STATE.value),
        "district": StringField(_l("District"), filters=[_strip], render_kw={"maxlength": limits.DISTRICT_MAX}),
        "action_fields": MultiCheckboxField(_l("Action fields"), invalid_choice_message=CHOICE_MESSAGE),
        "department": SelectField(_l("Responsible department"), invalid_choice_message=CHOICE_MESSAGE),
        "allow_anonymous": BooleanField(_l("Allow contributions without an account"), default=True),
        "visibility": _choice(RadioField, _l("Visibility"), Visibility, default=Visibility.PUBLIC.value),
        "moderation": _choice(RadioField, _l("Moderation"), ModerationMode, default=ModerationMode.POST.value),
        "opens_at": LocalDateTimeField(_l("Opens at")),
        "closes_at": LocalDateTimeField(_l("Closes at")),
        "is_suggestion_box": BooleanField(_l("Permanent suggestion box")),
    }
    fields |= _translated_fields("consent_text", _l("Consent text"), languages,
                                 maximum=CONSENT_TEXT_MAX, rows=6)
    fields["asks_self_description"] = BooleanField(_l("Offer the voluntary self-description"), default=True)
    return type("ConsultationEditForm", (ConsultationEditForm,), fields)


def consultation_form(action_fields, departments, lang: str, consultation=None, *,
                      from_request: bool = True) -> ConsultationEditForm:
    """The consultation form for the configured languages: what was posted, else ``consultation``'s values."""
    cls = _consultation_form_class(tuple(services.content_languages()))
    if from_request and _submitted():
        return cls(action_fields, departments, lang)
    return cls(action_fields, departments, lang, formdata=None,
               data=cls.initial(consultation) if consultation is not None else None)


class QuestionEditForm(TranslatedForm):
    """Add or edit a question; build it with :func:`question_form`."""

    def to_data(self) -> services.QuestionData:
        lines = {code: _option_lines(self[f"options_{code}"].data) for code in self.languages}
        count = max((len(v) for v in lines.values()), default=0)
        options = [{code: v[i] for code, v in lines.items() if i < len(v) and v[i]} for i in range(count)]
        return services.QuestionData(kind=QuestionKind(self.kind.data), required=self.required.data,
                                     prompt=self.translations("prompt"), help_text=self.translations("help_text"),
                                     options=options)

    @classmethod
    def initial(cls, question) -> dict:
        data = {"kind": question.kind.value, "required": question.required}
        data.update(cls.translation_data("prompt", question.prompt))
        data.update(cls.translation_data("help_text", question.help_text))
        for code in cls.languages:
            data[f"options_{code}"] = "\n".join(o.label.get(code, "") for o in question.options).rstrip("\n")
        return data


def _option_lines(text: str | None) -> list[str]:
    """Line N is option N; trailing empty lines do not count."""
    lines = [line.strip() for line in (text or "").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    return lines


@lru_cache(maxsize=8)
def _question_form_class(languages: tuple[str, ...]) -> type[QuestionEditForm]:
    fields = {"languages": languages,
              "kind": _choice(RadioField, _l("Type of question"), QuestionKind, default=QuestionKind.FREE_TEXT.value)}
    fields |= _translated_fields("prompt", _l("Question"), languages, maximum=limits.PROMPT_MAX, rows=2)
    fields |= _translated_fields("help_text", _l("Help text"), languages, maximum=limits.HELP_MAX, rows=2)
    # No maxlength: all options of one language share this text area.
    fields |= {f"options_{code}": TextAreaField(
        _l("%(label)s (%(language)s)", label=_l("Options, one per line"), language=KNOWN_LANGUAGES[code].native_name),
        render_kw={"rows": 6, "lang": code, "dir": KNOWN_LANGUAGES[code].direction}) for code in languages}
    fields["required"] = BooleanField(_l("An answer is required"))
    return type("QuestionEditForm", (QuestionEditForm,), fields)


def question_form(question=None) -> QuestionEditForm:
    cls = _question_form_class(tuple(services.content_languages()))
    return cls(data=cls.initial(question) if question is not None and not _submitted() else None)


class ActionFieldEditForm(TranslatedForm):
    """Edit an action field's name, description and position; build it with :func:`action_field_form`."""

    def to_data(self) -> services.ActionFieldData:
        return services.ActionFieldData(name=self.translations("name"), description=self.translations("description"),
                                        position=self.position.data)

    @classmethod
    def initial(cls, action_field) -> dict:
        data = {"position": action_field.position}
        data.update(cls.translation_data("name", action_field.name))
        data.update(cls.translation_data("description", action_field.description))
        return data


@lru_cache(maxsize=8)
def _action_field_form_class(languages: tuple[str, ...]) -> type[ActionFieldEditForm]:
    fields = {"languages": languages}
    fields |= _translated_fields("name", _l("Name"), languages, maximum=limits.FIELD_NAME_MAX)
    fields |= _translated_fields("description", _l("Description"), languages,
                                 maximum=limits.FIELD_DESCRIPTION_MAX, rows=4)
    fields["position"] = IntegerField(
        _l("Position in lists"), render_kw={"min": 0, "max": limits.POSITION_MAX},
        invalid_value_message=_l("Please enter a whole number from %(min)d to %(max)d.", min=0,
                                 max=limits.POSITION_MAX))
    return type("ActionFieldEditForm", (ActionFieldEditForm,), fields)


def action_field_form(action_field) -> ActionFieldEditForm:
    cls = _action_field_form_class(tuple(services.content_languages()))
    return cls(data=cls.initial(action_field) if not _submitted() else None)


class ConsultationStatusForm(FlaskForm):
    """The status buttons: each sends the status it leads to."""

    status = _choice(SelectField, _l("Status"), ConsultationStatus)


class QuestionMoveForm(FlaskForm):
    """The up and down buttons next to a question."""

    direction = SelectField(_l("Direction"), choices=[("up", _l("Up")), ("down", _l("Down"))],
                            invalid_choice_message=CHOICE_MESSAGE)

    @property
    def offset(self) -> int:
        return -1 if self.direction.data == "up" else 1
