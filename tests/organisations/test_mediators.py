"""The language mediators' queue: contributions of their organisations' co-hosted consultations, in
their organisations' languages, without a human translation into German yet; translating one stores
a reviewed human translation (the machine one kept as history) and goes on to the next."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.contributions.models import Contribution, ContributionStatus, ContributionTranslation, TranslationSource
from app.extensions import db as _db
from app.moderation.models import AuditEntry
from app.organisations import cohosting
from tests.factories import make_contribution
from tests.moderation.helpers import token
from tests.organisations.test_cohosting import cohost_world, login

QUEUE = "/en/cohost/translate"


@pytest.fixture()
def w(db):
    world = cohost_world(db)
    mine, theirs = world["mine"], world["theirs"]
    c = world["c"] = {
        "arabic": make_contribution(mine, "نريد المزيد من الحدائق في الحي", language="ar"),
        "turkish_pending": make_contribution(mine, "Mahallede daha fazla park istiyoruz", language="tr",
                                             status=ContributionStatus.PENDING),
        "german": make_contribution(mine, "Wir wollen mehr Parks", language="de"),
        "russian": make_contribution(mine, "Мы хотим больше парков", language="ru"),  # not a language of org
        "hidden": make_contribution(mine, "نص مخفي", language="ar", status=ContributionStatus.HIDDEN),
        "translated": make_contribution(mine, "تمت ترجمته", language="ar"),
        "machine_only": make_contribution(mine, "ترجمة آلية فقط", language="ar"),
        "elsewhere": make_contribution(theirs, "في مكان آخر", language="ar"),
        "no_text": make_contribution(mine, "", language="ar"),
    }
    c["no_text"].text = ""
    _translate(c["translated"], "Wurde übersetzt", TranslationSource.HUMAN)
    _translate(c["machine_only"], "Nur maschinell übersetzt", TranslationSource.MACHINE)
    _db.session.commit()
    return world


def _translate(contribution, text, source):
    _db.session.add(ContributionTranslation(
        contribution_id=contribution.id, language="de", source_language=contribution.language, text=text,
        source=source, provider="test" if source is TranslationSource.MACHINE else None, model=None,
        reviewed=source is TranslationSource.HUMAN, is_current=True))


def _queue_ids(user, **filters):
    from flask import g

    g.pop("_memberships", None)
    scope = cohosting.mediator_scope(user)
    return [c.id for c in _db.session.scalars(cohosting.translation_queue(scope, **filters))]


def test_the_queue_holds_what_awaits_a_human_translation_in_the_mediators_languages(app, w):
    c = w["c"]
    with app.test_request_context():
        assert _queue_ids(w["users"]["mediator"]) == [c["arabic"].id, c["turkish_pending"].id, c["machine_only"].id]
        assert _queue_ids(w["users"]["mediator"], language="tr") == [c["turkish_pending"].id]
        assert _queue_ids(w["users"]["mediator"], consultation_id=w["theirs"].id) == []
        # the other organisation's mediator: its own consultation and languages (ar, ru)
        assert _queue_ids(w["users"]["other_member"]) == [c["elsewhere"].id]
        # administrators: every consultation and language, German aside
        assert set(_queue_ids(w["users"]["admin"])) == {c[k].id for k in (
            "arabic", "turkish_pending", "russian", "machine_only", "elsewhere")}


@pytest.mark.parametrize("role", ["member", "owner", "idle_member", "pending_member", "resident"])
def test_only_language_mediators_and_admins_have_a_queue(app, client, w, role):
    with app.test_request_context():
        assert cohosting.mediator_scope(w["users"][role]) is None
    login(client, w["users"][role])
    assert client.get(QUEUE).status_code == 404
    assert client.get(f"{QUEUE}/{w['c']['arabic'].id}").status_code == 404


def test_the_queue_page_lists_and_filters(client, w):
    login(client, w["users"]["mediator"])
    page = client.get(QUEUE).get_data(as_text=True)
    assert "نريد المزيد من الحدائق" in page and "Mahallede" in page
    assert 'lang="ar" dir="rtl"' in page and 'lang="tr" dir="ltr"' in page
    assert "Wir wollen mehr Parks" not in page and "Мы хотим" not in page and "نص مخفي" not in page
    assert "تمت ترجمته" not in page and "في مكان آخر" not in page
    filtered = client.get(f"{QUEUE}?language=tr").get_data(as_text=True)
    assert "Mahallede" in filtered and "نريد المزيد" not in filtered
    assert client.get(f"{QUEUE}?language=ru").status_code == 400  # not one of the mediator's languages
    assert client.get(f"{QUEUE}?consultation={w['theirs'].id}").status_code == 400
    assert client.get(f"{QUEUE}?page=0").status_code == 400


def test_the_queue_is_paginated(app, client, w):
    login(client, w["users"]["mediator"])
    first = client.get(f"{QUEUE}?per_page=2").get_data(as_text=True)
    second = client.get(f"{QUEUE}?per_page=2&page=2").get_data(as_text=True)
    assert "نريد المزيد" in first and "ترجمة آلية فقط" not in first
    assert "ترجمة آلية فقط" in second and "نريد المزيد" not in second


def test_the_form_shows_the_original_and_starts_from_the_machine_translation(client, w):
    login(client, w["users"]["mediator"])
    page = client.get(f"{QUEUE}/{w['c']['machine_only'].id}").get_data(as_text=True)
    assert '<div class="contribution-text" lang="ar" dir="rtl"><p>ترجمة آلية فقط</p></div>' in page
    assert "\nNur maschinell übersetzt</textarea>" in page
    assert 'lang="de" dir="ltr"' in page


def test_translating_stores_a_human_translation_and_goes_to_the_next(db, client, w):
    mediator = login(client, w["users"]["mediator"])
    c = w["c"]
    url = f"{QUEUE}/{c['machine_only'].id}?language=ar"
    response = client.post(url, data={"csrf_token": token(client, url), "text": "  Nur maschinell – jetzt geprüft "})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{QUEUE}/{c['arabic'].id}?language=ar")  # the next, same filter
    db.session.expire_all()
    translations = db.session.scalars(sa.select(ContributionTranslation).where(
        ContributionTranslation.contribution_id == c["machine_only"].id).order_by(ContributionTranslation.id)).all()
    machine, human = translations
    assert machine.is_current is False  # kept as history
    assert human.is_current and human.source is TranslationSource.HUMAN and human.reviewed
    assert human.translator_id == mediator.id and human.text == "Nur maschinell – jetzt geprüft"
    assert human.language == "de" and human.source_language == "ar" and human.based_on_id == machine.id
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "contribution.translate")).one()
    assert entry.actor_id == mediator.id and entry.object_id == c["machine_only"].id
    assert entry.details["translation_id"] == human.id
    assert "ترجمة آلية فقط" not in client.get(QUEUE).get_data(as_text=True)  # out of the queue
    # the last one of the filtered queue leads back to the queue
    url = f"{QUEUE}/{c['arabic'].id}?language=ar"
    response = client.post(url, data={"csrf_token": token(client, url), "text": "Mehr Parks im Quartier"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{QUEUE}?language=ar")


def test_a_pending_contribution_may_be_translated(db, client, w):
    login(client, w["users"]["mediator"])
    url = f"{QUEUE}/{w['c']['turkish_pending'].id}"
    assert client.post(url, data={"csrf_token": token(client, url), "text": "Mehr Parks"}).status_code == 303
    db.session.expire_all()
    assert db.session.get(Contribution, w["c"]["turkish_pending"].id).current_translation("de").text == "Mehr Parks"


@pytest.mark.parametrize("text", ["", "   ", "x" * 10_001])
def test_an_empty_or_too_long_translation_is_a_422_and_stores_nothing(db, client, w, text):
    login(client, w["users"]["mediator"])
    url = f"{QUEUE}/{w['c']['arabic'].id}"
    response = client.post(url, data={"csrf_token": token(client, url), "text": text})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Contribution, w["c"]["arabic"].id).translations == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0


@pytest.mark.parametrize("key", ["german", "hidden", "elsewhere", "no_text"])
def test_contributions_outside_the_mediators_work_are_a_404(db, client, w, key):
    login(client, w["users"]["mediator"])
    url = f"{QUEUE}/{w['c'][key].id}"
    assert client.get(url).status_code == 404
    assert client.post(url, data={"csrf_token": token(client, QUEUE), "text": "Übersetzung"}).status_code == 404
    db.session.expire_all()
    assert [t.source for t in db.session.get(Contribution, w["c"][key].id).translations] == []


def test_a_mediator_without_a_token_gets_a_400(db, client, w):
    login(client, w["users"]["mediator"])
    assert client.post(f"{QUEUE}/{w['c']['arabic'].id}", data={"text": "Übersetzung"}).status_code == 400
