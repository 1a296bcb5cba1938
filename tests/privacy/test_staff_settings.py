"""Staff set the consent text per consultation (one input per language, side by side, like the
title) and whether the voluntary self-description is offered."""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.consultations.models import ActionField, Consultation, Department
from config import Config
from tests.factories import make_consultation
from tests.helpers import get_csrf_token

BASE = "/en/staff"


def _form(db, **overrides):
    fields = db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).all()
    department = db.session.scalars(sa.select(Department).order_by(Department.id)).first()
    data = {
        "slug": "datenschutz-2026", "title_de": "Datenschutz", "kind": "cross_cutting", "scope": "state",
        "action_fields": [str(fields[0].id)], "department": str(department.id), "allow_anonymous": "y",
        "visibility": "public", "moderation": "post", "asks_self_description": "y",
        "consent_text_de": "Wir verarbeiten Ihre Daten.\r\n\r\nFragen: datenschutz@example.org",
        "consent_text_en": "We process your data.",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def _reload(db, consultation_id):
    db.session.expire_all()
    return db.session.get(Consultation, consultation_id)


def test_form_shows_the_consent_text_per_language_and_the_setting(client, seeded, login_as):
    login_as("admin")
    html = client.get(f"{BASE}/consultations/new").get_data(as_text=True)
    for code in Config.LANGUAGES:
        assert f'name="consent_text_{code}"' in html, code
    assert 'id="consent_text-translations"' in html and "<legend>Consent text</legend>" in html
    assert "Leave it empty to show the default text" in html
    box = html[html.index('name="asks_self_description"') - 120:html.index('name="asks_self_description"') + 80]
    assert "checked" in box  # offered unless staff decide otherwise


def test_create_stores_consent_text_and_setting(client, db, seeded, login_as):
    login_as("admin")
    data = _form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"))
    assert client.post(f"{BASE}/consultations/new", data=data).status_code == 303
    consultation = db.session.scalars(sa.select(Consultation)).one()
    assert consultation.consent_text == {"de": "Wir verarbeiten Ihre Daten.\n\nFragen: datenschutz@example.org",
                                         "en": "We process your data."}
    assert consultation.asks_self_description is True


def test_edit_changes_consent_text_and_can_turn_the_self_description_off(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation(consent_text={"de": "Alt"})
    path = f"{BASE}/consultations/{consultation.id}"
    html = client.get(path).get_data(as_text=True)
    assert re.search(r'name="consent_text_de"[^>]*>\s*Alt</textarea>', html)
    data = _form(db, csrf_token=get_csrf_token(client, path), slug=consultation.slug, asks_self_description=None,
                 consent_text_de="Neu", consent_text_en="  ")
    assert client.post(path, data=data).status_code == 303
    consultation = _reload(db, consultation.id)
    assert consultation.consent_text == {"de": "Neu"} and consultation.asks_self_description is False
    form = client.get(f"/en/consultations/{consultation.slug}/contribute").get_data(as_text=True)
    assert "About you (voluntary)" not in form and "<p>Neu</p>" in form


def test_bad_consent_text_is_refused_and_nothing_changes(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation(consent_text={"de": "Alt"})
    path = f"{BASE}/consultations/{consultation.id}"
    for text, message in [("x" * 5001, "Please use at most 5000 characters."),
                          ("Text\x07mit Steuerzeichen", "Please remove the invisible control characters")]:
        data = _form(db, csrf_token=get_csrf_token(client, path), slug=consultation.slug, consent_text_en=text)
        response = client.post(path, data=data)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
        assert _reload(db, consultation.id).consent_text == {"de": "Alt"}
