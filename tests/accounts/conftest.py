"""Fixtures for the account tests: the test mail outbox and a real local SMTP server."""
from __future__ import annotations

import socket

import pytest


@pytest.fixture()
def outbox(app):
    """Messages "sent" while ``MAIL_SERVER`` is unset, emptied for each test."""
    box: list = []
    app.extensions["mail_outbox"] = box
    yield box
    app.extensions["mail_outbox"] = []


class RecordingHandler:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def smtp_server(app, monkeypatch):
    """A real SMTP server on 127.0.0.1; the app is configured to send through it during the test."""
    from aiosmtpd.controller import Controller

    handler = RecordingHandler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)
    monkeypatch.setitem(app.config, "MAIL_USERNAME", None)
    try:
        yield handler
    finally:
        controller.stop()
