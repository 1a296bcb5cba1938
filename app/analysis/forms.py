"""Forms of the summary pages: choose an action field and a date range; choose "new since" (GET
forms, so no CSRF token; they change nothing)."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, ValidationError

from app.analysis.stats import BadScope, parse_day

DATE_MESSAGE = _l("Please enter a date as YYYY-MM-DD, for example 2025-03-31.")
DATE_HINT = _l("YYYY-MM-DD; leave empty for no limit.")


class DayField(StringField):
    """A day as ``YYYY-MM-DD`` (a date input in the browser); ``.day`` holds the date or None."""

    day = None

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        try:
            self.day = parse_day(self.data)
        except BadScope:
            self.day = None
            raise ValidationError(DATE_MESSAGE) from None


class RangeMixin:
    def validate_end(self, field):
        start, end = self.start.day, field.day
        if start and end and start > end:
            raise ValidationError(_l("The end date must not be before the start date."))


class FieldScopeForm(RangeMixin, FlaskForm):
    """An action field and a date range (both ends included)."""

    class Meta:
        csrf = False

    field = SelectField(_l("Action field"), choices=[], validate_choice=False,
                        validators=[InputRequired(message=_l("Please choose one of the options offered."))])
    start = DayField(_l("From"), name="from")
    end = DayField(_l("To"), name="to")

    def __init__(self, action_fields, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from app.i18n.content import localize

        self.field.choices = [(f.slug, localize(f.name, lang).text) for f in action_fields]

    def validate_field(self, field):
        if field.data not in {value for value, _label in field.choices}:
            raise ValidationError(_l("Please choose one of the options offered."))


class RangeForm(RangeMixin, FlaskForm):
    """The date range of an action field's summary (its URL arguments ``from`` and ``to``)."""

    class Meta:
        csrf = False

    start = DayField(_l("From"), name="from")
    end = DayField(_l("To"), name="to")


class SinceForm(FlaskForm):
    """What is new since a day (the last meeting of the working group)."""

    class Meta:
        csrf = False

    since = DayField(_l("New since"))
