"""A honeypot field for public forms: invisible to people (also to screen readers and the
keyboard), but filled in by many spam bots. No CAPTCHA, which would exclude people.

Render it with the ``honeypot`` macro of ``_honeypot.html``; a form with a filled honeypot is
answered as the form's owner decides (the contribution form pretends success, registration
refuses generically), and nothing is stored.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField

HONEYPOT_NAME = "website"


def honeypot_field() -> StringField:
    """The field; it has no validators so that it never shows an error of its own."""
    return StringField(_l("Leave this field empty"), render_kw={"autocomplete": "off", "tabindex": "-1"})


def honeypot_filled(form) -> bool:
    """Did the sender fill in the honeypot (something only a bot does)?"""
    field = getattr(form, HONEYPOT_NAME, None)
    return bool(field is not None and field.data)
