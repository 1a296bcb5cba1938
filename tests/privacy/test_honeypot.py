"""The honeypot: hidden from people (also from screen readers and the keyboard), filled by bots.
A filled one on the contribution form looks like success but stores nothing; on registration it
is refused generically."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.accounts.models import User
from app.contributions.models import Contribution, ParticipantProfile
from app.core.honeypot import HONEYPOT_NAME
from tests.helpers import count, get_csrf_token
from tests.privacy.conftest import form_data, form_path

REGISTER = "/en/account/register"


def _honeypot_markup(html: str) -> re.Match:
    match = re.search(r'<div class="field" hidden>\s*<label for="website">([^<]*)</label>\s*(<input[^>]*>)\s*</div>',
                      html)
    assert match, "no hidden honeypot field"
    return match


def test_contribution_form_has_a_hidden_honeypot(client, consultation):
    match = _honeypot_markup(client.get(form_path(consultation)).get_data(as_text=True))
    label, field = match.groups()
    assert label == "Leave this field empty"
    assert f'name="{HONEYPOT_NAME}"' in field and 'value=""' in field
    assert 'autocomplete="off"' in field and 'tabindex="-1"' in field and 'type="text"' in field


def test_filled_honeypot_looks_like_success_but_stores_nothing(client, db, consultation, outbox):
    data = form_data(client, consultation, website="http://spam.example", contact_email="bot@example.org",
                     contact_consent="y", about_gender="man")
    response = client.post(form_path(consultation), data=data)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/en/consultations/{consultation.slug}/thanks")
    assert count(db, Contribution) == 0 and count(db, ParticipantProfile) == 0 and outbox == []
    thanks = client.get(response.headers["Location"])
    html = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "Thank you for your contribution" in html
    assert "has been published" in html
    assert "language-heading" not in html and "confirmation" not in html.lower()  # nothing about a record


def test_filled_honeypot_with_invalid_answers_is_thanked_the_same(client, db, consultation):
    q = consultation.questions
    data = form_data(client, consultation, website="x", **{f"q{q[0].id}": ""})
    response = client.post(form_path(consultation), data=data)
    assert response.status_code == 303 and count(db, Contribution) == 0


def test_real_contribution_after_a_bot_submission_works(client, db, consultation):
    client.post(form_path(consultation), data=form_data(client, consultation, website="x"))
    response = client.post(form_path(consultation), data=form_data(client, consultation, website=""))
    assert response.status_code == 303 and count(db, Contribution) == 1
    assert "language-heading" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_honeypot_submission_still_needs_a_csrf_token(client, db, consultation):
    data = form_data(client, consultation, website="x")
    data.pop("csrf_token")
    assert client.post(form_path(consultation), data=data).status_code == 400


def test_thanks_page_stays_404_without_a_submission(client, consultation):
    assert client.get(f"/en/consultations/{consultation.slug}/thanks").status_code == 404


def test_register_form_has_a_hidden_honeypot(client, db):
    label, field = _honeypot_markup(client.get(REGISTER).get_data(as_text=True)).groups()
    assert label == "Leave this field empty" and 'autocomplete="off"' in field and 'tabindex="-1"' in field


def _register_data(client, **overrides):
    data = {"csrf_token": get_csrf_token(client, REGISTER), "email": "neu@example.org", "display_name": "Neu",
            "password": "ein langes passwort", "confirm": "ein langes passwort"}
    data.update(overrides)
    return data


def test_filled_honeypot_on_register_is_refused_generically(client, db):
    response = client.post(REGISTER, data=_register_data(client, website="http://spam.example"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Your registration could not be completed. Please try again." in html
    assert "neu@example.org" not in html  # a fresh, empty form
    assert count(db, User) == 0
    assert client.get("/en/account/login").status_code == 200  # not logged in


def test_register_without_honeypot_still_works(client, db):
    response = client.post(REGISTER, data=_register_data(client))
    assert response.status_code == 303
    assert db.session.scalar(sa.select(User.email)) == "neu@example.org"
