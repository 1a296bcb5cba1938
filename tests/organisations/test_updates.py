"""News updates on a consultation: written by co-host members (signed with their organisation) and
administrators, shown on the consultation page newest first, localized, as escaped plain text."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations import updates as update_services
from app.consultations.models import ConsultationUpdate
from app.consultations.services.common import InvalidInput
from app.core.timeutil import utcnow
from app.moderation.models import AuditEntry
from tests.moderation.helpers import token
from tests.organisations.test_cohosting import cohost_world, login


@pytest.fixture()
def w(db):
    return cohost_world(db)


def _updates_url(consultation):
    return f"/en/cohost/consultations/{consultation.slug}/updates"


def _rows(db, **where):
    db.session.expire_all()
    return db.session.scalars(sa.select(ConsultationUpdate).filter_by(**where).order_by(ConsultationUpdate.id)).all()


def _post_new(client, consultation, **data):
    url = _updates_url(consultation)
    return client.post(url, data={"csrf_token": token(client, url), "published": "y", **data})


def _add(db, consultation, title, body, *, organisation=None, published=True, age_days=0):
    update = ConsultationUpdate(consultation=consultation, organisation=organisation, title=title, body=body,
                                published=published, created_at=utcnow() - timedelta(days=age_days))
    db.session.add(update)
    db.session.commit()
    return update


def test_a_cohost_member_writes_an_update_signed_with_the_organisation(db, client, w):
    member = login(client, w["users"]["member"])
    response = _post_new(client, w["mine"], title_en="Workshop report", body_en="First line\nsecond line\n\nNew <b>paragraph</b>")
    assert response.status_code == 303
    [update] = _rows(db)
    assert update.organisation_id == w["org"].id and update.author_id == member.id and update.published
    assert update.title == {"en": "Workshop report"}
    assert update.body == {"en": "First line\nsecond line\n\nNew <b>paragraph</b>"}
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "consultation_update.create")).one()
    assert entry.actor_id == member.id and entry.object_id == update.id
    page = client.get(f"/en/consultations/{w['mine'].slug}").get_data(as_text=True)
    assert "Workshop report" in page and "Verein Bremen" in page
    assert "<p>First line<br>second line</p><p>New &lt;b&gt;paragraph&lt;/b&gt;</p>" in page


def test_the_consultation_page_shows_published_updates_newest_first_with_fallback(db, client, w):
    _add(db, w["mine"], {"de": "Alte Nachricht", "en": "Old news"}, {"de": "Alt", "en": "Old"}, age_days=3)
    _add(db, w["mine"], {"de": "Neue Nachricht"}, {"de": "Neu"}, organisation=w["org"], age_days=1)
    _add(db, w["mine"], {"de": "Entwurf"}, {"de": "Nicht zeigen"}, published=False)
    _add(db, w["theirs"], {"de": "Woanders"}, {"de": "Andere Beteiligung"})
    page = client.get(f"/en/consultations/{w['mine'].slug}").get_data(as_text=True)
    assert page.index("Neue Nachricht") < page.index("Old news")  # newest first, in the reader's language
    assert "Alte Nachricht" not in page and "Entwurf" not in page and "Woanders" not in page
    assert '<h3 lang="de" dir="ltr">Neue Nachricht</h3>' in page  # the German fallback, marked as German
    assert "shown in German" in page
    assert "Administration" in page and "Verein Bremen" in page
    german = client.get(f"/de/consultations/{w['mine'].slug}").get_data(as_text=True)
    assert "Alte Nachricht" in german and "Old news" not in german


def test_no_news_section_without_published_updates(db, client, w):
    _add(db, w["mine"], {"de": "Entwurf"}, {"de": "Nicht zeigen"}, published=False)
    assert 'id="updates-heading"' not in client.get(f"/en/consultations/{w['mine'].slug}").get_data(as_text=True)


@pytest.mark.parametrize("data, message", [
    ({}, "Please write a title and a text in at least one language."),
    ({"title_en": "Only a title"}, "Please write the text in this language too"),
    ({"body_de": "Nur ein Text"}, "Please give a title in this language too"),
    ({"title_en": "T" * 201, "body_en": "B"}, "at most 200 characters"),
    ({"title_en": "Bell\x07", "body_en": "B"}, "invisible control characters"),
])
def test_bad_updates_are_a_422_and_write_nothing(db, client, w, data, message):
    login(client, w["users"]["owner"])
    response = _post_new(client, w["mine"], **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _rows(db) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


def test_admins_write_updates_as_the_administration(db, client, w):
    login(client, w["users"]["admin"])
    assert _post_new(client, w["unhosted"], title_de="Ergebnis", body_de="Die Auswertung ist fertig.").status_code == 303
    [update] = _rows(db)
    assert update.organisation_id is None and update.consultation_id == w["unhosted"].id


def test_edit_unpublish_and_delete_an_own_update(db, client, w):
    login(client, w["users"]["member"])
    update = _add(db, w["mine"], {"de": "Termin"}, {"de": "Am Montag"}, organisation=w["org"])
    url = f"{_updates_url(w['mine'])}/{update.id}"
    page = client.get(url).get_data(as_text=True)
    assert "Am Montag" in page and 'name="title_en"' in page
    csrf = token(client, url)
    response = client.post(url, data={"csrf_token": csrf, "title_de": "Termin verschoben", "body_de": "Am Dienstag"})
    assert response.status_code == 303  # the checkbox not sent: unpublished
    [changed] = _rows(db)
    assert changed.title == {"de": "Termin verschoben"} and changed.published is False
    assert "Termin verschoben" not in client.get(f"/en/consultations/{w['mine'].slug}").get_data(as_text=True)
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "consultation_update.update")).one()
    assert entry.details["changed"] == ["title", "body", "published"]
    assert client.post(url, data={"csrf_token": csrf, "title_de": "", "body_de": ""}).status_code == 422
    assert client.post(f"{url}/delete", data={"csrf_token": csrf}).status_code == 303
    assert _rows(db) == []
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "consultation_update.delete")).one()
    assert entry.details["title"] == {"de": "Termin verschoben"}


@pytest.mark.parametrize("author", ["administration", "other_org"])
def test_members_cannot_change_updates_of_the_administration_or_another_organisation(db, client, w, author):
    login(client, w["users"]["member"])
    # Even on their own consultation (the other organisation's update stands for a second co-host).
    update = _add(db, w["mine"], {"de": "Fremd"}, {"de": "Text"},
                  organisation=w["other_org"] if author == "other_org" else None)
    url = f"{_updates_url(w['mine'])}/{update.id}"
    listing = client.get(_updates_url(w["mine"])).get_data(as_text=True)
    assert "Fremd" in listing and url not in listing
    assert client.get(url).status_code == 404
    csrf = token(client, _updates_url(w["mine"]))
    assert client.post(url, data={"csrf_token": csrf, "title_de": "X", "body_de": "Y"}).status_code == 404
    assert client.post(f"{url}/delete", data={"csrf_token": csrf}).status_code == 404
    assert [u.title for u in _rows(db)] == [{"de": "Fremd"}]


def test_an_update_of_another_consultation_is_a_404_under_this_one(db, client, w):
    login(client, w["users"]["member"])
    elsewhere = _add(db, w["theirs"], {"de": "Fremd"}, {"de": "Text"}, organisation=w["org"])
    assert client.get(f"{_updates_url(w['mine'])}/{elsewhere.id}").status_code == 404
    assert client.get(f"{_updates_url(w['mine'])}/99999999999").status_code == 404


def test_check_texts_keeps_only_complete_languages_of_the_site(app, db):
    titles, bodies = update_services.check_texts({"de": " Titel ", "en": ""}, {"de": "Text\r\nZeile", "en": " "})
    assert titles == {"de": "Titel"} and bodies == {"de": "Text\nZeile"}
    with pytest.raises(InvalidInput) as refused:
        update_services.check_texts({"xx": "Title"}, {"xx": "Body"})
    assert "title" in refused.value.errors


def test_localize_update_takes_title_and_body_from_the_same_language(app, db):
    update = ConsultationUpdate(title={"de": "Titel", "en": "Title"}, body={"de": "Text", "en": "Body"})
    assert (lambda u: (u.title.text, u.body.text, u.title.is_fallback))(update_services.localize_update(update, "en")) \
        == ("Title", "Body", False)
    fallback = update_services.localize_update(update, "ar")
    assert (fallback.title.text, fallback.body.text, fallback.title.lang, fallback.title.is_fallback) \
        == ("Titel", "Text", "de", True)
