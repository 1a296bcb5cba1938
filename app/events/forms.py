"""Forms of the event pages. They parse what was sent into plain data; the services check the rules."""
from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from app.consultations.admin_forms import LocalDateTimeField, MultiCheckboxField
from app.contributions.forms import CHOICE_MESSAGE, OfferedChoices
from app.core.honeypot import honeypot_field
from app.core.timeutil import local_to_utc, utc_to_local
from app.events import services
from app.i18n.content import localize
from app.i18n.languages import CONTRIBUTION_LANGUAGES, KNOWN_LANGUAGES


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _max(n):
    return Length(max=n, message=_l("Please use at most %(max)d characters."))


def _spoken_languages():
    return [(code, lang.native_name) for code, lang in CONTRIBUTION_LANGUAGES.items() if code != "und"]


class EventForm(FlaskForm):
    # Required when offered (see validate_*); OfferedChoices lets an empty value through.
    organisation = SelectField(_l("Organised by"), validate_choice=False, validators=[OfferedChoices()])
    department = SelectField(_l("Department"), validate_choice=False, validators=[OfferedChoices()])
    text_language = SelectField(_l("Language of the texts below"), validate_choice=False,
                                validators=[InputRequired(message=CHOICE_MESSAGE), OfferedChoices()])
    title = StringField(_l("Title"), filters=[_strip], validators=[
        DataRequired(message=_l("Please enter a title.")), _max(200)], render_kw={"maxlength": 200})
    description = TextAreaField(_l("Description"), filters=[_strip], validators=[Optional(), _max(5000)],
                                render_kw={"rows": 6, "maxlength": 5000})
    starts_at = LocalDateTimeField(_l("Starts"), validators=[InputRequired(message=_l(
        "Please enter a date and time, for example 2026-03-01 09:30."))])
    ends_at = LocalDateTimeField(_l("Ends"))
    place_name = StringField(_l("Place"), filters=[_strip], validators=[
        DataRequired(message=_l("Please name the place.")), _max(200)], render_kw={"maxlength": 200})
    address = StringField(_l("Address"), filters=[_strip], validators=[Optional(), _max(300)],
                          render_kw={"maxlength": 300, "autocomplete": "off"})
    district = StringField(_l("District"), filters=[_strip], validators=[Optional(), _max(120)],
                           render_kw={"maxlength": 120})
    step_free = BooleanField(_l("Step-free access"))
    accessible_toilet = BooleanField(_l("Accessible toilet"))
    hearing_loop = BooleanField(_l("Hearing loop"))
    accessibility_notes = TextAreaField(_l("More about accessibility"), filters=[_strip],
                                        validators=[Optional(), _max(1000)], render_kw={"rows": 3, "maxlength": 1000})
    languages = MultiCheckboxField(_l("Languages spoken at the event"), validate_choice=False,
                                   validators=[Optional(), OfferedChoices()])
    interpreters = BooleanField(_l("Interpreters are present"))
    interpreter_languages = MultiCheckboxField(_l("Interpreters for"), validate_choice=False,
                                               validators=[Optional(), OfferedChoices()])
    childcare = BooleanField(_l("Childcare is offered"))
    registration_required = BooleanField(_l("Registration is needed"))
    capacity = IntegerField(_l("Places (leave empty for no limit)"), validators=[
        Optional(), NumberRange(min=1, max=services.CAPACITY_MAX, message=_l(
            "Please enter a number from %(min)s to %(max)s."))])

    def __init__(self, *args, organisations=(), departments=(), event=None, lang="de", **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(str(o.id), o.name) for o in organisations]
        self.department.choices = [(str(d.id), localize(d.name, lang).text) for d in departments]
        self.text_language.choices = [(code, KNOWN_LANGUAGES[code].native_name)
                                      for code in current_app.config["LANGUAGES"]]
        self.languages.choices = _spoken_languages()
        self.interpreter_languages.choices = _spoken_languages()
        if not self.is_submitted():
            self.text_language.data = lang
            if event is not None:
                self._fill(event, lang)
            else:
                self.registration_required.data = True
                self.languages.data = [lang]

    def _fill(self, event, lang):
        for name in services.EVENT_FIELDS:
            getattr(self, name).data = getattr(event, name)
        self.starts_at.data = utc_to_local(event.starts_at)
        self.ends_at.data = utc_to_local(event.ends_at)
        for name in services.TEXT_FIELDS:
            getattr(self, name).data = (getattr(event, name) or {}).get(lang, "")

    def validate_department(self, field):
        if self.department.choices and not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(CHOICE_MESSAGE)

    def validate_organisation(self, field):
        if self.organisation.choices and not field.data:
            from wtforms.validators import ValidationError

            raise ValidationError(CHOICE_MESSAGE)

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            from wtforms.validators import ValidationError

            raise ValidationError(_l("The end must be after the start."))

    def event_data(self) -> dict:
        data = {name: getattr(self, name).data for name in services.EVENT_FIELDS}
        data["starts_at"] = local_to_utc(self.starts_at.data)
        data["ends_at"] = local_to_utc(self.ends_at.data)
        data["languages"] = list(dict.fromkeys(self.languages.data or []))
        data["interpreter_languages"] = list(dict.fromkeys(self.interpreter_languages.data or []))
        for name in ("address", "district"):
            data[name] = data[name] or None
        for name in services.TEXT_FIELDS:
            data[name] = getattr(self, name).data or ""
        return data


class RegistrationForm(FlaskForm):
    name = StringField(_l("Name"), filters=[_strip], validators=[
        DataRequired(message=_l("Please enter your name.")), _max(services.NAME_MAX)],
        render_kw={"maxlength": services.NAME_MAX, "autocomplete": "name"})
    email = EmailField(_l("E-mail address (optional)"), filters=[_strip], validators=[
        Optional(), _max(254), Email(message=_l("Please enter a valid e-mail address, for example name@example.org."))],
        render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none", "maxlength": 254})
    party_size = SelectField(_l("Number of people"), validate_choice=False,
                             choices=[(str(n), str(n)) for n in services.PARTY_SIZES],
                             validators=[InputRequired(message=CHOICE_MESSAGE), OfferedChoices()])
    needs_childcare = BooleanField(_l("We need childcare"))
    interpreter_language = SelectField(_l("I need an interpreter for"), validate_choice=False,
                                       validators=[Optional(), OfferedChoices()])
    notes = TextAreaField(_l("Notes (optional)"), filters=[_strip], validators=[Optional(), _max(services.NOTES_MAX)],
                          render_kw={"rows": 3, "maxlength": services.NOTES_MAX})
    website = honeypot_field()

    def __init__(self, event, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.interpreter_language.choices = [("", _l("No interpreter needed"))] + [
            (code, name) for code, name in zip(event.interpreter_languages or [],
                                               services.language_names(event.interpreter_languages))]


class CancelEventForm(FlaskForm):
    confirm = BooleanField(_l("Yes, cancel this event"), validators=[
        DataRequired(message=_l("Please tick the box to confirm."))])
    reason = TextAreaField(_l("Message to the people registered (optional)"), filters=[_strip],
                           validators=[Optional(), _max(500)], render_kw={"rows": 3, "maxlength": 500})


class CancelRegistrationForm(FlaskForm):
    """Only the CSRF token: the link's token names the registration."""
