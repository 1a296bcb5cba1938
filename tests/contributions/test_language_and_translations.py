"""The language of a contribution (recognised or chosen, correctable) and its translations."""
from __future__ import annotations

import sqlalchemy as sa

from app.contributions.models import (
    Contribution,
    ContributionStatus,
    ContributionTranslation,
    LanguageSource,
    TranslationSource,
)
from tests.factories import make_consultation, make_contribution
from tests.helpers import get_csrf_token


def _submit(client, consultation, text, language="auto", lang="en"):
    path = f"/{lang}/consultations/{consultation.slug}/contribute"
    data = {"csrf_token": get_csrf_token(client, path), "language": language,
            f"q{consultation.questions[0].id}": text}
    return client.post(path, data=data)


def _only(db):
    return db.session.scalars(sa.select(Contribution)).one()


def test_language_is_recognised_on_submission(client, seeded, db):
    consultation = make_consultation()
    response = _submit(client, consultation, "Mahallemizde gençler için daha fazla buluşma yeri olmalı.")
    assert response.status_code == 303
    contribution = _only(db)
    assert contribution.language == "tr"
    assert contribution.language_source is LanguageSource.DETECTED
    assert 0.5 < contribution.language_confidence <= 1.0
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We think you wrote in: Türkçe." in html


def test_unclear_text_is_und_and_author_is_asked(client, seeded, db):
    consultation = make_consultation()
    response = _submit(client, consultation, "OK 👍 123")
    contribution = _only(db)
    assert contribution.language == "und"
    assert "could not recognise the language" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_author_choice_wins_over_detection(client, seeded, db):
    consultation = make_consultation()
    _submit(client, consultation, "Mahallemizde gençler için daha fazla buluşma yeri olmalı.", language="ku")
    contribution = _only(db)
    assert (contribution.language, contribution.language_source, contribution.language_confidence) == (
        "ku", LanguageSource.AUTHOR, None)


def test_author_corrects_language_on_confirmation_page(app, client, seeded, db):
    consultation = make_consultation()
    _submit(client, consultation, "OK 👍 123")
    thanks = f"/en/consultations/{consultation.slug}/thanks"
    token = get_csrf_token(client, thanks)
    response = client.post(thanks + "/language", data={"csrf_token": token, "language": "prs"})
    assert response.status_code == 303
    contribution = _only(db)
    db.session.refresh(contribution)
    assert contribution.language == "prs" and contribution.language_source is LanguageSource.AUTHOR
    assert client.post(thanks + "/language", data={"csrf_token": token, "language": "xx"}).status_code == 422
    # Another browser cannot correct this contribution.
    other = app.test_client()
    assert other.post(thanks + "/language", data={"csrf_token": token, "language": "de"}).status_code in (400, 404)
    db.session.refresh(contribution)
    assert contribution.language == "prs"


def test_translations_are_shown_beside_the_original_with_their_source(client, seeded, db):
    consultation = make_consultation()
    contribution = make_contribution(consultation, text="نحتاج إلى مواعيد أسرع", language="ar")
    db.session.add(ContributionTranslation(contribution=contribution, language="en", source_language="ar",
                                           text="We need faster appointments", source=TranslationSource.MACHINE,
                                           provider="libretranslate", model="argos"))
    db.session.commit()
    page = client.get(f"/en/consultations/{consultation.slug}").get_data(as_text=True)
    assert '<div class="contribution-text" lang="ar" dir="rtl">' in page
    assert "We need faster appointments" in page and "Machine translation (libretranslate, model argos)" in page
    detail = client.get(f"/en/consultations/{consultation.slug}/contributions/{contribution.id}")
    html = detail.get_data(as_text=True)
    assert detail.status_code == 200 and "نحتاج إلى مواعيد أسرع" in html and "We need faster appointments" in html
    assert "Add or correct a translation" not in html  # readers cannot translate
    german = client.get(f"/de/consultations/{consultation.slug}").get_data(as_text=True)
    assert "We need faster appointments" not in german  # only the reader's language is shown inline


def test_staff_correct_a_machine_translation_and_history_is_kept(client, seeded, db, login_as):
    consultation = make_consultation()
    contribution = make_contribution(consultation, text="Потрібно більше місць у дитячих садках", language="uk")
    machine = ContributionTranslation(contribution=contribution, language="de", source_language="uk",
                                      text="Es braucht mehr Plätze in Kindergärten", source=TranslationSource.MACHINE,
                                      provider="openai", model="local-model")
    db.session.add(machine)
    db.session.commit()
    login_as("working_group")
    path = f"/en/consultations/{consultation.slug}/contributions/{contribution.id}"
    token = get_csrf_token(client, path)
    response = client.post(path, data={"csrf_token": token, "language": "de",
                                       "text": "Es werden mehr Kita-Plätze gebraucht."})
    assert response.status_code == 303
    rows = db.session.scalars(sa.select(ContributionTranslation).order_by(ContributionTranslation.id)).all()
    assert len(rows) == 2
    old, new = rows
    assert not old.is_current and new.is_current and new.based_on_id == old.id
    assert new.source is TranslationSource.HUMAN and new.reviewed
    html = client.get(path).get_data(as_text=True)
    assert "Translation (corrected by a person)" in html and "1 earlier version" in html
    assert client.post(path, data={"csrf_token": token, "language": "de", "text": " "}).status_code == 422
    assert client.post(path, data={"csrf_token": token, "language": "zz", "text": "x"}).status_code == 422
    assert len(db.session.scalars(sa.select(ContributionTranslation)).all()) == 2


def test_residents_cannot_post_translations(client, seeded, db, login_as):
    consultation = make_consultation()
    contribution = make_contribution(consultation)
    path = f"/en/consultations/{consultation.slug}/contributions/{contribution.id}"
    login_as("resident")
    token = get_csrf_token(client, f"/en/consultations/{consultation.slug}/contribute")
    assert client.post(path, data={"csrf_token": token, "language": "de", "text": "x"}).status_code == 403
    assert db.session.scalars(sa.select(ContributionTranslation)).first() is None


def test_unpublished_contribution_pages_are_hidden(client, seeded, db, login_as):
    consultation = make_consultation()
    pending = make_contribution(consultation, status=ContributionStatus.PENDING)
    other = make_consultation()
    published = make_contribution(other)
    assert client.get(f"/en/consultations/{consultation.slug}/contributions/{pending.id}").status_code == 404
    # A contribution is only reachable under its own consultation.
    assert client.get(f"/en/consultations/{consultation.slug}/contributions/{published.id}").status_code == 404
    login_as("moderator")
    assert client.get(f"/en/consultations/{consultation.slug}/contributions/{pending.id}").status_code == 200


def test_submission_is_machine_translated_when_a_provider_is_configured(app, client, seeded, db, monkeypatch):
    """End to end: the form, then the job (inline without a queue) against a real local server."""
    from tests.contributions.test_translations import configure
    from tests.i18n.test_providers import FakeTranslationServer

    consultation = make_consultation()
    with FakeTranslationServer("libretranslate") as server:
        configure(app, monkeypatch, TRANSLATION_URL=server.url)
        response = _submit(client, consultation, "Mahallemizde gençler için daha fazla buluşma yeri olmalı.")
    assert response.status_code == 303
    contribution = _only(db)
    translation = db.session.scalars(sa.select(ContributionTranslation)).one()
    assert translation.contribution_id == contribution.id and translation.language == "de"
    assert translation.source is TranslationSource.MACHINE and translation.provider == "libretranslate"
    assert server.requests[0]["json"]["source"] == "tr" and server.requests[0]["json"]["target"] == "de"
    german = client.get(f"/de/consultations/{consultation.slug}").get_data(as_text=True)
    assert translation.text in german and "Mahallemizde" in german  # translation beside the original


def test_provider_failure_never_blocks_or_loses_the_contribution(app, client, seeded, db, monkeypatch):
    from tests.contributions.test_translations import configure
    from tests.i18n.test_providers import FakeTranslationServer

    consultation = make_consultation()
    with FakeTranslationServer("libretranslate") as server:
        server.script(*[(500, {"error": "down"}, 0)] * 10)
        configure(app, monkeypatch, TRANSLATION_URL=server.url)
        response = _submit(client, consultation, "Mahallemizde gençler için daha fazla buluşma yeri olmalı.")
    assert response.status_code == 303
    assert _only(db).text.startswith("Mahallemizde")
    assert db.session.scalars(sa.select(ContributionTranslation)).first() is None
    assert client.get(response.headers["Location"]).status_code == 200
