"""Forms of the public consultation pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SearchField, SelectField
from wtforms.validators import Length, Optional

from app.consultations.models import ConsultationStatus, Scope
from app.core.enums import title_of


class ConsultationFilterForm(FlaskForm):
    """The filters above the consultations list (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    q = SearchField(_l("Search"), validators=[Optional(), Length(max=200, message=_l("Please use at most %(max)d characters."))])
    action_field = SelectField(_l("Action field"), choices=[], default="")
    status = SelectField(_l("Status"), choices=[], default="")
    scope = SelectField(_l("Area"), choices=[], default="")

    def __init__(self, action_fields, lang, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from app.i18n.content import localize

        self.action_field.choices = [("", _l("All action fields"))] + [
            (f.slug, localize(f.name, lang).text) for f in action_fields
        ]
        self.status.choices = [("", _l("Any status"))] + [
            (s.value, title_of(s)) for s in ConsultationStatus if s is not ConsultationStatus.DRAFT
        ]
        self.scope.choices = [("", _l("Any area"))] + [(s.value, title_of(s)) for s in Scope]
