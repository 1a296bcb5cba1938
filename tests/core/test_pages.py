"""The accessibility statement and its form to report a barrier."""
from __future__ import annotations

import pytest

from app.core import pages
from app.core.mail import MailError
from tests.helpers import get_csrf_token

PATH = "/en/accessibility"


@pytest.fixture()
def outbox(app):
    """Messages "sent" while ``MAIL_SERVER`` is unset, emptied for each test."""
    box: list = []
    app.extensions["mail_outbox"] = box
    yield box
    app.extensions["mail_outbox"] = []


def _post(client, **data):
    data.setdefault("csrf_token", get_csrf_token(client, PATH))
    return client.post(PATH, data=data)


def test_statement_has_the_parts_bitv_requires(client, app):
    response = client.get(PATH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Accessibility statement</h1>" in html
    assert "partially accessible" in html and "What is not accessible" in html
    assert "German Sign Language" in html
    assert "How this statement was prepared" in html and "axe-core" in html and "Nu Html Checker" in html
    assert "November 26, 2026" in html  # the configured date, formatted for the reader
    assert 'id="report"' in html and f'href="mailto:{app.config["ACCESSIBILITY_CONTACT"]}"' in html
    assert "Enforcement procedure" in html and app.config["ACCESSIBILITY_ENFORCEMENT_BODY"] in html
    assert 'name="csrf_token"' in html and 'name="description"' in html


def test_statement_is_there_in_every_language(client, app):
    for lang in app.config["LANGUAGES"]:
        assert client.get(f"/{lang}/accessibility").status_code == 200


def test_every_page_footer_links_the_statement(client, db):
    for path in ("/en/", "/en/consultations", "/en/account/login", PATH):
        html = client.get(path).get_data(as_text=True)
        assert 'href="/en/accessibility"' in html, path
        assert f'href="/en/accessibility?page={path}#report"' in html
    html = client.get("/en/no-such-page").get_data(as_text=True)  # error pages too
    assert 'accessibility"' in html and "accessibility?page=/en/no-such-page#report" in html


def test_report_link_names_the_page_it_came_from(client):
    html = client.get(PATH + "?page=/en/consultations").get_data(as_text=True)
    assert 'value="/en/consultations"' in html
    # Only paths on this site are taken over.
    html = client.get(PATH + "?page=https://evil.example/x").get_data(as_text=True)
    assert 'value="https://evil' not in html


def test_enforcement_contact_details_come_from_config(client, app, monkeypatch):
    html = client.get(PATH).get_data(as_text=True)
    assert "mailto:schlichtung@" not in html
    monkeypatch.setitem(app.config, "ACCESSIBILITY_ENFORCEMENT_EMAIL", "schlichtung@example.org")
    monkeypatch.setitem(app.config, "ACCESSIBILITY_ENFORCEMENT_URL", "https://example.org/schlichtung")
    html = client.get(PATH).get_data(as_text=True)
    assert 'href="mailto:schlichtung@example.org"' in html
    assert 'href="https://example.org/schlichtung"' in html


def test_report_sends_a_mail_and_thanks(client, app, outbox):
    response = _post(client, name="Ayşe", email="ayse@example.org", page_url="/de/consultations",
                     description="The language switcher cannot be reached with the keyboard.\nFirefox, NVDA")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/en/accessibility/thanks")
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == app.config["ACCESSIBILITY_CONTACT"]
    body = message.get_content()
    assert "Ayşe" in body and "ayse@example.org" in body and "/de/consultations" in body
    assert "cannot be reached with the keyboard.\nFirefox, NVDA" in body
    thanks = client.get("/en/accessibility/thanks")
    assert thanks.status_code == 200 and "Thank you for your report" in thanks.get_data(as_text=True)


def test_only_the_description_is_required(client, outbox):
    response = _post(client, description="Contrast too low on the buttons.")
    assert response.status_code == 303
    assert len(outbox) == 1 and "Contrast too low" in outbox[0].get_content()


@pytest.mark.parametrize("data, field, message", [
    ({"description": "   "}, "description", "Please describe the barrier."),
    ({"description": "x" * 5001}, "description", "Please write at most 5000 characters."),
    ({"description": "ok", "email": "not-an-address"}, "email", "Please enter a valid e-mail address"),
    ({"description": "ok", "name": "n" * 201}, "name", "Please use at most 200 characters."),
    ({"description": "bad \x00 byte"}, "description", "Please remove invisible control characters."),
])
def test_bad_input_is_422_with_linked_errors_and_no_mail(client, outbox, data, field, message):
    response = _post(client, **data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert f'href="#{field}"' in html  # the error summary links to the field
    assert f'aria-describedby="' in html and f'id="{field}-error-1"' in html
    assert outbox == []


def test_report_without_csrf_token_sends_nothing(client, outbox):
    response = client.post(PATH, data={"description": "Something"})
    assert response.status_code == 400
    assert outbox == []


def test_mail_failure_keeps_the_text_and_is_not_a_500(client, outbox, monkeypatch):
    def refuse(*args, **kwargs):
        raise MailError("server down")

    monkeypatch.setattr(pages, "send_mail", refuse)
    response = _post(client, description="Focus is invisible on the filters.")
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "could not be sent just now" in html
    assert "Focus is invisible on the filters." in html
