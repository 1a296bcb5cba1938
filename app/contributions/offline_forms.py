"""Forms of the offline pages: what the assisting person adds to the contribution form, input
sessions, contributions typed in at once, the import upload."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.contributions.forms import REQUIRED_MESSAGE, MultiCheckboxField, OfferedChoices
from app.contributions.imports import CHANNELS
from app.contributions.models import Channel, InputSessionFormat
from app.contributions.offline import ASSISTED_CHANNELS
from app.contributions.services import AUTO_LANGUAGE
from app.core.enums import title_of
from app.i18n.languages import CONTRIBUTION_LANGUAGES

NO_ORGANISATION = ""
LENGTH_MESSAGE = _l("Please use at most %(max)d characters.")


def language_choices(auto: bool = True) -> list[tuple[str, object]]:
    languages = [(code, language.native_name) for code, language in CONTRIBUTION_LANGUAGES.items() if code != "und"]
    return ([(AUTO_LANGUAGE, _l("Recognise automatically"))] if auto else []) + languages


def _organisation_field():
    return SelectField(_l("On behalf of"), validate_choice=False, validators=[Optional(), OfferedChoices()])


def set_organisation_choices(form, organisations, none_allowed: bool) -> None:
    """Offer the organisations the user acts for (and "none" to staff)."""
    choices = [(str(o.id), o.name) for o in organisations]
    if none_allowed:
        choices.insert(0, (NO_ORGANISATION, _l("No organisation (the administration)")))
    form.organisation.choices = choices


def organisation_id(form) -> int | None:
    value = form.organisation.data
    return int(value) if value not in (None, NO_ORGANISATION) and str(value).isdigit() else None


class AssistedEntryForm(FlaskForm):
    """Shown with the consultation's own contribution form (which carries the CSRF token)."""

    class Meta:
        csrf = False

    consent = BooleanField(_l("The person agreed that I enter this contribution for them and that it is "
                              "marked as entered with assistance."),
                           validators=[DataRequired(message=_l("Please confirm that the person agreed."))])
    channel = SelectField(_l("How the contribution was given"), validate_choice=False,
                          validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()],
                          choices=[(c.value, title_of(c)) for c in ASSISTED_CHANNELS], default=Channel.ONLINE.value)
    organisation = _organisation_field()


class InputSessionForm(FlaskForm):
    format = SelectField(_l("Format"), validate_choice=False,
                         validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()],
                         choices=[(f.value, title_of(f)) for f in InputSessionFormat])
    title = StringField(_l("Title"), validators=[DataRequired(message=REQUIRED_MESSAGE),
                                                 Length(max=200, message=LENGTH_MESSAGE)],
                        render_kw={"maxlength": 200})
    held_on = DateField(_l("Date"), validators=[InputRequired(message=_l("Please enter a date."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200, message=LENGTH_MESSAGE)],
                        render_kw={"maxlength": 200})
    organiser = StringField(_l("Organiser"), validators=[Optional(), Length(max=200, message=LENGTH_MESSAGE)],
                            render_kw={"maxlength": 200})
    participant_count = IntegerField(_l("Number of participants"), validators=[
        Optional(), NumberRange(min=0, max=100000, message=_l("Please enter a number from 0 to 100,000."))],
        render_kw={"min": 0, "max": 100000, "inputmode": "numeric"})
    languages = MultiCheckboxField(_l("Languages used"), validate_choice=False,
                                   validators=[Optional(), OfferedChoices()],
                                   choices=language_choices(auto=False))
    event = SelectField(_l("Event"), validate_choice=False, validators=[Optional(), OfferedChoices()])
    organisation = _organisation_field()
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000, message=LENGTH_MESSAGE)],
                          render_kw={"rows": 4, "maxlength": 5000})


class BatchForm(FlaskForm):
    """Several contributions typed in at once."""

    texts = TextAreaField(_l("Contributions"), validators=[DataRequired(message=_l("Please enter at least one contribution."))],
                          render_kw={"rows": 14})
    language = SelectField(_l("Language of the contributions"), validate_choice=False,
                           validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()],
                           choices=language_choices(), default=AUTO_LANGUAGE)


class ImportForm(FlaskForm):
    file = FileField(_l("File (CSV or XLSX)"), render_kw={"accept": ".csv,.xlsx,text/csv,"
                                                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})
    default_channel = SelectField(_l("Channel of rows without one"), validate_choice=False,
                                  validators=[InputRequired(message=REQUIRED_MESSAGE), OfferedChoices()],
                                  choices=[(value, title_of(c)) for value, c in CHANNELS.items()],
                                  default=Channel.PAPER.value)
    dry_run = BooleanField(_l("Only check the file (dry run): nothing is saved"), default=True)
