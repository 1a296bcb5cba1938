"""Forms of the organisation pages. They give early, field-level messages; the rules themselves are
checked again in :mod:`app.organisations.services`."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.accounts.forms import NoControlCharacters
from app.core.enums import title_of
from app.i18n.languages import CONTRIBUTION_LANGUAGES
from app.organisations import services
from app.organisations.models import MembershipRole, OrganisationType

CHOOSE = _l("Please choose one of the options offered.")
TOO_LONG = _l("Please use at most %(max)d characters.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _choices(enum_cls):
    return [(member.value, title_of(member)) for member in enum_cls]


def language_choices():
    return [(code, CONTRIBUTION_LANGUAGES[code].native_name) for code in services.ORGANISATION_LANGUAGES]


class ProfileFields(FlaskForm):
    """The profile fields shared by registration and editing."""

    name = StringField(_l("Name of the organisation"), filters=[_strip], validators=[
        DataRequired(message=_l("Please fill in this field.")),
        Length(max=services.NAME_MAX, message=TOO_LONG), NoControlCharacters(),
    ], render_kw={"maxlength": services.NAME_MAX, "autocomplete": "organization"})
    type = SelectField(_l("Kind of organisation"), validate_choice=False, validators=[
        AnyOf([t.value for t in OrganisationType], message=CHOOSE)])
    languages = MultiCheckboxField(_l("Languages you work in"), validate_choice=False)
    districts = StringField(_l("Districts"), filters=[_strip], validators=[
        Length(max=services.DISTRICTS_MAX * (services.DISTRICT_MAX + 2), message=TOO_LONG), NoControlCharacters()])
    contact_name = StringField(_l("Contact person"), filters=[_strip], validators=[
        Optional(), Length(max=services.CONTACT_NAME_MAX, message=TOO_LONG), NoControlCharacters()],
        render_kw={"maxlength": services.CONTACT_NAME_MAX, "autocomplete": "name"})
    contact_email = EmailField(_l("Contact e-mail address"), filters=[_strip], validators=[
        InputRequired(message=_l("Please fill in this field.")),
        Length(max=services.EMAIL_MAX, message=TOO_LONG), NoControlCharacters(),
    ], render_kw={"maxlength": services.EMAIL_MAX, "autocomplete": "email", "spellcheck": "false",
                  "autocapitalize": "none"})
    contact_phone = StringField(_l("Telephone"), filters=[_strip], validators=[
        Optional(), Length(max=services.PHONE_MAX, message=TOO_LONG), NoControlCharacters()],
        render_kw={"maxlength": services.PHONE_MAX, "autocomplete": "tel", "type": "tel"})
    website = StringField(_l("Website"), filters=[_strip], validators=[
        Optional(), Length(max=services.WEBSITE_MAX, message=TOO_LONG), NoControlCharacters()],
        render_kw={"maxlength": services.WEBSITE_MAX, "type": "url", "autocomplete": "url"})

    def setup_choices(self):
        self.type.choices = _choices(OrganisationType)
        self.languages.choices = language_choices()
        return self

    def validate_languages(self, field):
        if any(code not in services.ORGANISATION_LANGUAGES for code in field.data or []):
            field.errors.append(CHOOSE)

    def profile_data(self) -> dict:
        return {"name": self.name.data, "type": self.type.data, "languages": list(self.languages.data or []),
                "districts": self.districts.data, "contact_name": self.contact_name.data,
                "contact_email": self.contact_email.data, "contact_phone": self.contact_phone.data,
                "website": self.website.data}

    def attach_errors(self, errors: dict) -> None:
        for name, message in errors.items():
            field = getattr(self, name, None)
            if field is None:
                field = self.name
            field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


class RegisterForm(ProfileFields):
    description_language = SelectField(_l("Language of the description"), validate_choice=False, validators=[
        AnyOf(list(services.ORGANISATION_LANGUAGES), message=CHOOSE)])
    description = TextAreaField(_l("Short self-description"), filters=[_strip], validators=[
        DataRequired(message=_l("Please fill in this field.")),
        Length(max=services.DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"rows": 6, "maxlength": services.DESCRIPTION_MAX})

    def setup_choices(self):
        super().setup_choices()
        self.description_language.choices = language_choices()
        return self

    def to_data(self) -> dict:
        return {**self.profile_data(), "description": {self.description_language.data: self.description.data}}


def register_form(lang: str) -> RegisterForm:
    form = RegisterForm(data={"description_language": lang, "type": OrganisationType.ASSOCIATION.value})
    return form.setup_choices()


class EditForm(ProfileFields):
    """Profile fields plus one description field per language (added by :func:`edit_form`)."""

    description_codes: list[str] = []

    def translation_rows(self):
        return [(code, getattr(self, f"description_{code}")) for code in self.description_codes]

    def to_data(self) -> dict:
        return {**self.profile_data(),
                "description": {code: f.data for code, f in self.translation_rows()},
                "description_fields": {code: f"description_{code}" for code in self.description_codes}}


def edit_form(organisation, interface_languages: list[str]) -> EditForm:
    """The edit form: a description field for each interface language and each language it already has."""
    codes = list(dict.fromkeys([*interface_languages,
                                *(c for c in (organisation.description or {}) if c in CONTRIBUTION_LANGUAGES)]))

    class Form(EditForm):
        pass

    for code in codes:
        language = CONTRIBUTION_LANGUAGES[code]
        setattr(Form, f"description_{code}", TextAreaField(
            _l("Self-description in %(language)s", language=language.native_name), filters=[_strip],
            validators=[Optional(), Length(max=services.DESCRIPTION_MAX, message=TOO_LONG)],
            render_kw={"rows": 4, "maxlength": services.DESCRIPTION_MAX, "lang": code, "dir": language.direction}))
    Form.description_codes = codes
    data = {"name": organisation.name, "type": organisation.type.value, "languages": list(organisation.languages or []),
            "districts": ", ".join(organisation.districts or []), "contact_name": organisation.contact_name,
            "contact_email": organisation.contact_email, "contact_phone": organisation.contact_phone,
            "website": organisation.website,
            **{f"description_{code}": (organisation.description or {}).get(code, "") for code in codes}}
    return Form(data=data).setup_choices()


class InviteForm(FlaskForm):
    email = EmailField(_l("E-mail address"), filters=[_strip], validators=[
        InputRequired(message=_l("Please enter your e-mail address.")),
        Length(max=services.EMAIL_MAX, message=TOO_LONG), NoControlCharacters(),
    ], render_kw={"maxlength": services.EMAIL_MAX, "autocomplete": "off", "spellcheck": "false",
                  "autocapitalize": "none"})
    role = SelectField(_l("Role"), validate_choice=False, default=MembershipRole.MEMBER.value,
                       validators=[AnyOf([r.value for r in MembershipRole], message=CHOOSE)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.role.choices = _choices(MembershipRole)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=False,
                       validators=[AnyOf([r.value for r in MembershipRole], message=CHOOSE)])


class ConfirmForm(FlaskForm):
    """A button only (CSRF token)."""


class ReviewForm(FlaskForm):
    decision = SelectField(_l("Decision"), validate_choice=False,
                           validators=[AnyOf(list(services.DECISIONS), message=CHOOSE)])
    note = TextAreaField(_l("Reason (sent to the organisation)"), filters=[_strip], validators=[
        Optional(), Length(max=services.NOTE_MAX, message=TOO_LONG)],
        render_kw={"rows": 3, "maxlength": services.NOTE_MAX})


class CohostForm(FlaskForm):
    action = SelectField(validate_choice=False, validators=[AnyOf(["add", "remove"], message=CHOOSE)])
    organisation_id = SelectField(_l("Organisation"), validate_choice=False, validators=[
        InputRequired(message=CHOOSE)])

