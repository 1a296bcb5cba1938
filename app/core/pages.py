"""Site pages that belong to no domain: the accessibility statement (Erklärung zur
Barrierefreiheit, BITV 2.0) with its form to report a barrier."""
from __future__ import annotations

import unicodedata
from datetime import date

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, ValidationError

from app.core.mail import MailError, send_mail
from app.core.urls import safe_local_path
from app.i18n.locale import current_language

bp = Blueprint("pages", __name__, url_prefix="/<lang:lang>")

DESCRIPTION_MAX_LENGTH = 5000
ALLOWED_CONTROL = {"\n", "\r", "\t"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class NoControlCharacters:
    """Refuse invisible control characters (line breaks and tabs are fine)."""

    def __call__(self, form, field):
        if any(unicodedata.category(ch) == "Cc" and ch not in ALLOWED_CONTROL for ch in field.data or ""):
            raise ValidationError(_l("Please remove invisible control characters."))


class BarrierReportForm(FlaskForm):
    """Someone reports a barrier they met on this site."""

    name = StringField(_l("Your name"), filters=[_strip], validators=[
        Optional(), Length(max=200, message=_l("Please use at most %(max)d characters.")), NoControlCharacters(),
    ], render_kw={"autocomplete": "name", "maxlength": 200})
    email = EmailField(_l("Your e-mail address"), filters=[_strip], validators=[
        Optional(), Length(max=254, message=_l("Please use at most %(max)d characters.")),
        Email(message=_l("Please enter a valid e-mail address, for example name@example.org.")),
    ], render_kw={"autocomplete": "email", "spellcheck": "false", "autocapitalize": "none", "maxlength": 254})
    page_url = StringField(_l("Page on which you met the barrier"), filters=[_strip], validators=[
        Optional(), Length(max=2000, message=_l("Please use at most %(max)d characters.")), NoControlCharacters(),
    ], render_kw={"maxlength": 2000, "spellcheck": "false", "autocapitalize": "none"})
    description = TextAreaField(_l("What is the barrier?"), filters=[_strip], validators=[
        DataRequired(message=_l("Please describe the barrier.")),
        Length(max=DESCRIPTION_MAX_LENGTH, message=_l("Please write at most %(max)d characters.")),
        NoControlCharacters(),
    ], render_kw={"rows": 8, "maxlength": DESCRIPTION_MAX_LENGTH})


def send_barrier_report(name: str | None, email: str | None, page_url: str | None, description: str,
                        reading_language: str) -> None:
    """Mail a barrier report to ``ACCESSIBILITY_CONTACT``, written in the site's default language;
    raises :class:`MailError` when the mail server refuses it."""
    config = current_app.config
    with force_locale(config["LANGUAGES"][0]):
        subject = _("Vielstimmig: a barrier was reported")
        not_given = _("(not given)")
        body = "\n".join([
            _("Someone reported a barrier on Vielstimmig through the accessibility statement."),
            "",
            _("Name: %(value)s", value=name or not_given),
            _("E-mail address: %(value)s", value=email or not_given),
            _("Page: %(value)s", value=page_url or not_given),
            _("Interface language: %(value)s", value=reading_language),
            "",
            _("Description:"),
            description,
        ])
    send_mail(config["ACCESSIBILITY_CONTACT"], subject, body)


def _render(form: BarrierReportForm, status: int = 200, mail_failed: bool = False):
    config = current_app.config
    return render_template("pages/accessibility.html", form=form, mail_failed=mail_failed,
                           description_max=DESCRIPTION_MAX_LENGTH,
                           contact=config["ACCESSIBILITY_CONTACT"],
                           statement_date=date.fromisoformat(config["ACCESSIBILITY_STATEMENT_DATE"]),
                           enforcement={
                               "body": config["ACCESSIBILITY_ENFORCEMENT_BODY"],
                               "url": config.get("ACCESSIBILITY_ENFORCEMENT_URL"),
                               "email": config.get("ACCESSIBILITY_ENFORCEMENT_EMAIL"),
                               "address": config.get("ACCESSIBILITY_ENFORCEMENT_ADDRESS"),
                           }), status


@bp.route("/accessibility", methods=["GET", "POST"])
def accessibility():
    """The accessibility statement and the form to report a barrier."""
    form = BarrierReportForm()
    if form.validate_on_submit():
        try:
            send_barrier_report(form.name.data, form.email.data, form.page_url.data, form.description.data,
                                current_language())
        except MailError:
            current_app.logger.exception("A barrier report could not be mailed")
            return _render(form, 503, mail_failed=True)
        return redirect(url_for("pages.accessibility_thanks"), code=303)
    if form.is_submitted():
        return _render(form, 422)
    # The footer's "report a barrier" link names the page it was on.
    form.page_url.data = safe_local_path(request.args.get("page"), default="")[:2000]
    return _render(form)


@bp.get("/accessibility/thanks")
def accessibility_thanks():
    return render_template("pages/accessibility_thanks.html")
