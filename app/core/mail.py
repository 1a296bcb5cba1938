"""Sending e-mail: plain text through SMTP, or only logged when no mail server is configured.

Configuration (see ``config.py``): ``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USE_TLS`` (STARTTLS),
``MAIL_USERNAME``, ``MAIL_PASSWORD``, ``MAIL_DEFAULT_SENDER``. With ``MAIL_SERVER`` unset
(development, tests) a message is written to the application log instead; under
``app.testing`` it is also appended to ``app.extensions["mail_outbox"]`` so tests can read it.
"""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

from flask import current_app

OUTBOX_KEY = "mail_outbox"
SMTP_TIMEOUT = 10  # seconds; a hanging mail server must not hold a request for long


class MailError(Exception):
    """A message could not be handed to the mail server."""


SIGNATURE = "-- \nVielstimmig"


def text_body(*paragraphs: str) -> str:
    """A plain-text mail body: paragraphs separated by blank lines, then the signature."""
    return "\n\n".join([*paragraphs, SIGNATURE]) + "\n"


def build_message(to: str, subject: str, body: str, sender: str) -> EmailMessage:
    """A plain-text UTF-8 message with the headers every mail needs."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    return message


def send_mail(to: str, subject: str, body: str) -> None:
    """Send one plain-text message to ``to``; raises :class:`MailError` if the server refuses it."""
    app = current_app._get_current_object()
    config = app.config
    try:
        message = build_message(to, subject, body, config["MAIL_DEFAULT_SENDER"])
    except ValueError as error:  # e.g. a line break in a header: never send such a message
        raise MailError(str(error)) from error

    if not config.get("MAIL_SERVER"):
        if app.debug or app.testing or app.config.get("MAIL_LOG_BODY"):
            app.logger.info("Mail not sent (MAIL_SERVER is not set). To: %s\nSubject: %s\n\n%s", to, subject, body)
        else:  # in production a body may hold a reset link: never write it to a log
            app.logger.warning("Mail to %s not sent: MAIL_SERVER is not set.", to)
        if app.testing:
            app.extensions.setdefault(OUTBOX_KEY, []).append(message)
        return

    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=SMTP_TIMEOUT) as smtp:
            if config.get("MAIL_USE_TLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("MAIL_USERNAME"):
                smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
            smtp.send_message(message)
    except (smtplib.SMTPException, OSError) as error:
        raise MailError(f"{type(error).__name__}: {error}") from error
