"""Forms of moderation: a reader's report, a moderator's decision (one or many), the queue's
and the audit log's filters."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.core.enums import title_of
from app.moderation.models import FlagReason
from app.moderation.services import COMMENT_MAX, NOTE_MAX, Decision, QueueView

CHOICE_MESSAGE = _l("Please choose one of the options offered.")
TOO_LONG = _l("Please write at most %(max)d characters.")


class Offered:
    """Every submitted value must be one of the field's choices (our own, translated message)."""

    def __call__(self, form, field):
        allowed = {str(value) for value, _label in field.choices}
        values = field.data if isinstance(field.data, list) else [field.data]
        if any(value not in (None, "") and str(value) not in allowed for value in values):
            raise ValidationError(CHOICE_MESSAGE)


def _reason_choices():
    return [(reason.value, title_of(reason)) for reason in FlagReason]


class FlagCreateForm(FlaskForm):
    """A reader reports a contribution that breaks the netiquette."""

    reason = RadioField(_l("Why are you reporting this contribution?"), validate_choice=False,
                        validators=[InputRequired(message=_l("Please choose a reason.")), Offered()])
    comment = TextAreaField(_l("Comment (optional)"), validators=[
        Optional(), Length(max=COMMENT_MAX, message=TOO_LONG)], render_kw={"maxlength": COMMENT_MAX, "rows": 3})

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "flag")
        super().__init__(*args, **kwargs)
        self.reason.choices = _reason_choices()

    @property
    def flag_reason(self) -> FlagReason:
        return FlagReason(self.reason.data)


class ModerationDecisionForm(FlaskForm):
    """A moderator's decision on one contribution; hiding needs a reason."""

    decision = RadioField(_l("Decision"), validate_choice=False,
                          validators=[InputRequired(message=_l("Please choose a decision.")), Offered()])
    reason = SelectField(_l("Reason for hiding"), validate_choice=False, validators=[Offered()])
    note = TextAreaField(_l("Note for the moderation team (optional, not shown publicly)"), validators=[
        Optional(), Length(max=NOTE_MAX, message=TOO_LONG)], render_kw={"maxlength": NOTE_MAX, "rows": 2})

    def __init__(self, *args, decisions=tuple(Decision), **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [(d.value, title_of(d)) for d in decisions]
        self.reason.choices = [("", _l("– only when hiding –"))] + _reason_choices()

    def validate_reason(self, field):
        if self.decision.data == Decision.HIDE.value and not field.data:
            raise ValidationError(_l("Please choose a reason for hiding the contribution."))

    @property
    def chosen_decision(self) -> Decision:
        return Decision(self.decision.data)

    @property
    def flag_reason(self) -> FlagReason | None:
        return FlagReason(self.reason.data) if self.reason.data else None


class ModerationBulkForm(ModerationDecisionForm):
    """The same decision for every contribution ticked in the queue."""

    ids = SelectMultipleField(_l("Contributions"), validate_choice=False, choices=[], validators=[
        InputRequired(message=_l("Please tick at least one contribution."))])

    def validate_ids(self, field):
        if not field.data or any(not (v.isascii() and v.isdigit() and len(v) <= 9) for v in field.data):
            raise ValidationError(_l("Please tick at least one contribution."))

    @property
    def contribution_ids(self) -> list[int]:
        return [int(v) for v in self.ids.data]


class QueueFilterForm(FlaskForm):
    """Which part of the queue, and which consultation (from the query string)."""

    class Meta:
        csrf = False

    view = SelectField(_l("Show"), validate_choice=False, validators=[Optional(), Offered()])
    consultation = SelectField(_l("Consultation"), validate_choice=False, validators=[Optional(), Offered()])

    def __init__(self, consultations, lang: str, *args, **kwargs):
        from app.i18n.content import localize

        super().__init__(*args, **kwargs)
        self.view.choices = [(v.value, title_of(v)) for v in QueueView]
        self.consultation.choices = [("", _l("All consultations"))] + [
            (str(c.id), localize(c.title, lang).text or c.slug) for c in consultations]

    @property
    def queue_view(self) -> QueueView:
        return QueueView(self.view.data) if self.view.data else QueueView.PENDING

    @property
    def consultation_id(self) -> int | None:
        return int(self.consultation.data) if self.consultation.data else None


class AuditFilterForm(FlaskForm):
    """Filter the audit log by action (from the query string)."""

    class Meta:
        csrf = False

    action = SelectField(_l("Action"), validate_choice=False, validators=[Optional(), Offered()])

    def __init__(self, actions, *args, **kwargs):
        from app.moderation.audit import action_title

        super().__init__(*args, **kwargs)
        self.action.choices = [("", _l("All actions"))] + [(a, action_title(a)) for a in actions]
