"""Forms for registering, logging in and resetting a password."""
from __future__ import annotations

import unicodedata

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, PasswordField, RadioField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length, ValidationError

from app.accounts.services import (
    DISPLAY_NAME_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
)
from app.core.honeypot import honeypot_field

EMAIL_REQUIRED = _l("Please enter your e-mail address.")
EMAIL_INVALID = _l("Please enter a valid e-mail address, for example name@example.org.")
PASSWORD_LENGTH = _l("Please choose a password with %(min)d to %(max)d characters.")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NoControlCharacters:
    """Refuse invisible control characters (a NUL byte would even break the database)."""

    def __call__(self, form, field):
        if any(unicodedata.category(ch) == "Cc" for ch in field.data or ""):
            raise ValidationError(_l("Please remove invisible control characters."))


def _email_field(label):
    return EmailField(label, filters=[_strip], validators=[
        InputRequired(message=EMAIL_REQUIRED),
        Length(max=EMAIL_MAX_LENGTH, message=_l("Please use at most %(max)d characters.")),
        Email(message=EMAIL_INVALID),
    ], render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none",
                  "maxlength": EMAIL_MAX_LENGTH})


def _new_password_fields(label):
    password = PasswordField(label, validators=[
        InputRequired(message=_l("Please choose a password.")),
        Length(min=PASSWORD_MIN_LENGTH, max=PASSWORD_MAX_LENGTH, message=PASSWORD_LENGTH),
    ], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat the password"), validators=[
        InputRequired(message=_l("Please enter the password a second time.")),
        EqualTo("password", message=_l("The two passwords are not the same.")),
    ], render_kw={"autocomplete": "new-password"})
    return password, confirm


class AccountRegisterForm(FlaskForm):
    """A new resident account."""

    email = _email_field(_l("E-mail address"))
    display_name = StringField(_l("Name shown to others"), filters=[_strip], validators=[
        DataRequired(message=_l("Please enter a name.")),  # also refuses a name of only spaces
        Length(max=DISPLAY_NAME_MAX_LENGTH, message=_l("Please use at most %(max)d characters.")),
        NoControlCharacters(),
    ], render_kw={"autocomplete": "name", "maxlength": DISPLAY_NAME_MAX_LENGTH})
    password, confirm = _new_password_fields(_l("Password"))
    website = honeypot_field()


class AccountLoginForm(FlaskForm):
    """E-mail address and password; no rules on the password beyond its length, to not hint at them."""

    email = _email_field(_l("E-mail address"))
    password = PasswordField(_l("Password"), validators=[
        InputRequired(message=_l("Please enter your password.")),
        Length(max=PASSWORD_MAX_LENGTH, message=_l("Please use at most %(max)d characters.")),
    ], render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Stay logged in on this device"))


class PasswordResetRequestForm(FlaskForm):
    """Ask for a link to set a new password."""

    email = _email_field(_l("E-mail address"))


class PasswordResetForm(FlaskForm):
    """Set a new password through a reset link."""

    password, confirm = _new_password_fields(_l("New password"))


class AccountDataExportForm(FlaskForm):
    """Download all one's data (a form only for its CSRF token)."""


class AccountDeleteForm(FlaskForm):
    """Delete one's own account, confirmed with the password; choose what happens to the contributions."""

    contributions = RadioField(_l("What should happen to your contributions?"), choices=[
        ("anonymise", _l("Keep them without my name: they stay published, no longer linked to me, "
                         "and my e-mail address and self-description are deleted")),
        ("delete", _l("Delete them")),
    ], validators=[InputRequired(message=_l("Please choose what should happen to your contributions."))],
        invalid_choice_message=_l("Please choose one of the options offered."))
    password = PasswordField(_l("Your password"), validators=[
        InputRequired(message=_l("Please enter your password.")),
        Length(max=PASSWORD_MAX_LENGTH, message=_l("Please use at most %(max)d characters.")),
    ], render_kw={"autocomplete": "current-password"})
