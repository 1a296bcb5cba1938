"""Forms of the theme pages and the codebook."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.analysis.runs import K_MAX, K_MIN
from app.analysis.themes import CODE_DESCRIPTION_MAX, CODE_NAME_MAX, LABEL_MAX
from app.moderation.forms import TOO_LONG, Offered

TICK_ONE = _l("Please tick at least one contribution.")


class RunForm(FlaskForm):
    """Compute the summary again, optionally with a chosen number of themes."""

    k = IntegerField(_l("Number of themes (optional)"), validators=[
        Optional(), NumberRange(min=K_MIN, max=K_MAX, message=_l(
            "Please enter a number of themes between %(min)s and %(max)s."))],
        render_kw={"min": K_MIN, "max": K_MAX, "inputmode": "numeric"})


class ConfirmForm(FlaskForm):
    """A button only (approve, delete): the CSRF token."""


class RenameForm(FlaskForm):
    label = StringField(_l("Name of the theme"), validators=[
        InputRequired(message=_l("Please enter a name.")), Length(max=LABEL_MAX, message=TOO_LONG)],
        render_kw={"maxlength": LABEL_MAX})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "rename")
        super().__init__(*args, **kwargs)


def _theme_choices(themes, current):
    return [(str(t.id), t.label) for t in themes if t.id != current.id]


class MergeForm(FlaskForm):
    target = SelectField(_l("Merge into"), validate_choice=False, validators=[
        InputRequired(message=_l("Please choose a theme.")), Offered()])

    def __init__(self, themes, current, *args, **kwargs):
        kwargs.setdefault("prefix", "merge")
        super().__init__(*args, **kwargs)
        self.target.choices = _theme_choices(themes, current)

    @property
    def target_id(self) -> int:
        return int(self.target.data)


ACTIONS = ("move", "split", "tag", "untag")


class SelectionForm(FlaskForm):
    """One form around the ticked contributions of a theme: move them, split them off into a new
    theme, or tag them with a code (or remove it)."""

    ids = SelectMultipleField(_l("Contributions"), validate_choice=False, choices=[],
                              validators=[InputRequired(message=TICK_ONE)])
    action = RadioField(_l("What should happen with the selected contributions?"), validate_choice=False,
                        validators=[InputRequired(message=_l("Please choose what should happen.")), Offered()])
    # No Optional(): it would stop the checks below, which depend on the chosen action.
    target = SelectField(_l("Move to theme"), validate_choice=False, validators=[Offered()])
    label = StringField(_l("Name of the new theme"), validators=[Length(max=LABEL_MAX, message=TOO_LONG)],
                        render_kw={"maxlength": LABEL_MAX})
    code = SelectField(_l("Code"), validate_choice=False, validators=[Offered()])

    def __init__(self, themes, current, codes, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [
            ("move", _l("Move to another theme")),
            ("split", _l("Split off into a new theme")),
            ("tag", _l("Tag with a code")),
            ("untag", _l("Remove a code")),
        ]
        self.target.choices = [("", _l("– choose a theme –"))] + _theme_choices(themes, current)
        self.code.choices = [("", _l("– choose a code –"))] + [(str(c.id), c.name) for c in codes]

    def validate_ids(self, field):
        if not field.data or any(not (v.isascii() and v.isdigit() and len(v) <= 9) for v in field.data):
            raise ValidationError(TICK_ONE)

    def validate_target(self, field):
        if self.action.data == "move" and not field.data:
            raise ValidationError(_l("Please choose a theme."))

    def validate_label(self, field):
        if self.action.data == "split" and not (field.data or "").strip():
            raise ValidationError(_l("Please enter a name."))

    def validate_code(self, field):
        if self.action.data in ("tag", "untag") and not field.data:
            raise ValidationError(_l("Please choose a code."))

    @property
    def contribution_ids(self) -> list[int]:
        return [int(v) for v in self.ids.data]


class CodeForm(FlaskForm):
    name = StringField(_l("Name"), validators=[
        InputRequired(message=_l("Please enter a name.")), Length(max=CODE_NAME_MAX, message=TOO_LONG)],
        render_kw={"maxlength": CODE_NAME_MAX})
    description = TextAreaField(_l("Description (optional)"), validators=[
        Optional(), Length(max=CODE_DESCRIPTION_MAX, message=TOO_LONG)],
        render_kw={"maxlength": CODE_DESCRIPTION_MAX, "rows": 3})
    parent = SelectField(_l("Sub-code of (optional)"), validate_choice=False, validators=[Optional(), Offered()])

    def __init__(self, codes, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent.choices = [("", _l("– none –"))] + [
            (str(c.id), c.name) for c in codes if current is None or c.id != current.id]

    @property
    def parent_id(self) -> int | None:
        return int(self.parent.data) if self.parent.data else None
