"""The optional e-mail address: only with explicit consent, only from people without an account,
never shown or published; the consent text above the submit button."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.contributions import services
from app.contributions.models import Contribution
from app.contributions.privacy import ContactRefused, checked_contact
from app.core.timeutil import utcnow
from tests.factories import make_consultation
from tests.helpers import count, get_csrf_token
from tests.privacy.conftest import contributions, form_data, form_path

EMAIL = "amira.k@example.org"
CONSENT_LABEL = "I agree that my e-mail address is stored"


def test_anonymous_form_offers_the_address_with_a_consent_box(client, consultation):
    html = client.get(form_path(consultation)).get_data(as_text=True)
    assert 'name="contact_email"' in html and 'type="email"' in html and 'autocomplete="email"' in html
    assert 'type="checkbox"' in html and 'name="contact_consent"' in html and CONSENT_LABEL in html
    assert "<legend>Confirmation by e-mail (optional)</legend>" in html
    box = re.search(r'<input[^>]*name="contact_consent"[^>]*>', html).group(0)
    assert "checked" not in box  # never ticked in advance


def test_logged_in_people_are_not_asked_for_an_address(client, consultation, login_as):
    login_as("resident")
    html = client.get(form_path(consultation)).get_data(as_text=True)
    assert 'name="contact_email"' not in html and 'name="contact_consent"' not in html


def test_address_without_consent_is_refused_with_a_clear_message(client, db, consultation, outbox):
    response = client.post(form_path(consultation), data=form_data(client, consultation, contact_email=EMAIL))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "please tick the box to agree" in html and 'class="error-summary"' in html
    assert 'aria-invalid="true"' in html
    assert count(db, Contribution) == 0 and outbox == []


def test_address_with_consent_is_stored_with_the_time_and_confirmed(client, db, consultation, outbox):
    before = utcnow()
    response = client.post(form_path(consultation), data=form_data(
        client, consultation, contact_email=f"  {EMAIL} ", contact_consent="y"))
    assert response.status_code == 303
    [contribution] = contributions(db)
    assert contribution.contact_email == EMAIL
    assert before - timedelta(seconds=1) <= contribution.contact_consent_at <= utcnow()
    [mail] = outbox
    assert mail["To"] == EMAIL and mail["Subject"] == "Your contribution to Vielstimmig"
    body = mail.get_content()
    assert f"/en/consultations/{consultation.slug}" in body and "180 days" in body
    assert "Mehr Sprachkurse" not in body  # the mail does not repeat what was written
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "A confirmation is on its way" in thanks and EMAIL not in thanks


def test_consent_without_address_stores_nothing_personal(client, db, consultation, outbox):
    assert client.post(form_path(consultation), data=form_data(
        client, consultation, contact_consent="y")).status_code == 303
    [contribution] = contributions(db)
    assert contribution.contact_email is None and contribution.contact_consent_at is None
    assert outbox == []


@pytest.mark.parametrize("address", ["not-an-address", "a@b", "x" * 250 + "@example.org", "a b@example.org"])
def test_bad_addresses_are_refused_and_nothing_is_written(client, db, consultation, address):
    response = client.post(form_path(consultation), data=form_data(
        client, consultation, contact_email=address, contact_consent="y"))
    assert response.status_code == 422
    assert 'class="error-summary"' in response.get_data(as_text=True)
    assert count(db, Contribution) == 0


def test_an_address_sent_by_someone_logged_in_is_not_stored(client, db, consultation, login_as):
    user = login_as("resident")
    token = get_csrf_token(client, form_path(consultation))
    response = client.post(form_path(consultation), data=form_data(
        client, consultation, csrf_token=token, contact_email=EMAIL, contact_consent="y"))
    assert response.status_code == 303
    [contribution] = contributions(db)
    assert contribution.author_id == user.id and contribution.contact_email is None


def test_service_checks_the_rules_again(db, consultation, login_as):
    answers = {consultation.questions[0].id: "Text"}
    for kwargs, reason in [({"contact_email": EMAIL}, "consent"),
                           ({"contact_email": "kaputt", "contact_consent": True}, "email"),
                           ({"contact_email": "a\u202e@example.org", "contact_consent": True}, "email"),
                           ({"contact_email": EMAIL, "contact_consent": "yes"}, "consent")]:
        with pytest.raises(services.ContributionRefused) as refused:
            services.submit_contribution(consultation, answers, language="de", **kwargs)
        assert refused.value.reason == reason
        db.session.rollback()
    user = login_as("resident")
    with pytest.raises(ContactRefused) as refused:
        checked_contact(EMAIL, True, user)
    assert refused.value.reason == "contact"
    assert count(db, Contribution) == 0


def test_address_is_never_shown_or_published(client, db, consultation, login_as):
    client.post(form_path(consultation), data=form_data(client, consultation, contact_email=EMAIL,
                                                        contact_consent="y"))
    [contribution] = contributions(db)
    pages = [f"/en/consultations/{consultation.slug}",
             f"/en/consultations/{consultation.slug}/contributions/{contribution.id}",
             f"/api/v1/consultations/{consultation.slug}/contributions"]
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        assert EMAIL not in response.get_data(as_text=True), path
        assert "Mehr Sprachkurse" in response.get_data(as_text=True), path
    # not even to moderators and administrators
    login_as("admin")
    for path in pages[:2]:
        assert EMAIL not in client.get(path).get_data(as_text=True)


# --- the consent text ---------------------------------------------------------------------------

def test_default_consent_text_stands_above_the_submit_button(client, consultation):
    html = client.get(form_path(consultation)).get_data(as_text=True)
    consent = html.index('id="consent-heading"')
    assert consent < html.index('<button type="submit">Send contribution</button>')
    for words in ("Who: this consultation is run by", "What for:", "deleted 180 days after the consultation closes",
                  "Your rights:", "data protection officer"):
        assert words in html[consent:], words


def test_default_consent_text_names_department_retention_and_contact(app, client, db, seeded, monkeypatch):
    from app.consultations.models import Department
    import sqlalchemy as sa

    department = db.session.scalars(sa.select(Department).order_by(Department.id)).first()
    consultation = make_consultation(department_id=department.id)
    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 1)
    monkeypatch.setitem(app.config, "PRIVACY_CONTACT", "datenschutz@example.bremen.de")
    html = client.get(form_path(consultation)).get_data(as_text=True)
    name = department.name.get("en") or department.name["de"]
    assert f"run by {name}" in html
    assert "deleted 1 day after the consultation closes" in html
    assert "Contact for questions on data protection: datenschutz@example.bremen.de" in html


def test_own_consent_text_replaces_the_default_in_the_reading_language(client, db, seeded):
    consultation = make_consultation(consent_text={"de": "Eigener Text <b>fett</b>", "en": "Our own text\n\nSecond"})
    html = client.get(form_path(consultation)).get_data(as_text=True)
    assert "<p>Our own text</p><p>Second</p>" in html and "Who: this consultation" not in html
    assert "Eigener Text" not in html
    german = client.get(form_path(consultation, "de")).get_data(as_text=True)
    assert "Eigener Text &lt;b&gt;fett&lt;/b&gt;" in german
