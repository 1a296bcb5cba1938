"""The statement form: organisation, title, text and an optional PDF."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from app.contributions.forms import CHOICE_MESSAGE, OfferedChoices
from app.organisations.statements import TEXT_MAX, TITLE_MAX


class StatementForm(FlaskForm):
    organisation = SelectField(_l("On behalf of"), validate_choice=False,
                               validators=[InputRequired(message=CHOICE_MESSAGE), OfferedChoices()])
    title = StringField(_l("Title"), filters=[lambda v: v.strip() if v else v], validators=[
        DataRequired(message=_l("Please enter a title.")),
        Length(max=TITLE_MAX, message=_l("Please use at most %(max)d characters."))],
        render_kw={"maxlength": TITLE_MAX})
    text = TextAreaField(_l("Statement"), validators=[
        DataRequired(message=_l("Please enter the text of the statement.")),
        Length(max=TEXT_MAX, message=_l("Please write at most %(max)d characters."))],
        render_kw={"maxlength": TEXT_MAX, "rows": 12})
    attachment = FileField(_l("PDF attachment (optional)"), render_kw={"accept": "application/pdf,.pdf"})

    def __init__(self, organisations, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation.choices = [(str(o.id), o.name) for o in organisations]
        if not self.is_submitted() and organisations:
            self.organisation.data = str(organisations[0].id)
