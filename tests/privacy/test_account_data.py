"""A signed-in person downloads all their data and deletes their account, choosing whether
their contributions are deleted or kept anonymised."""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from app.accounts.models import User
from app.accounts.privacy import delete_account, personal_data
from app.accounts.services import AccountError
from app.contributions.models import (
    Answer,
    Contribution,
    ContributionTranslation,
    ParticipantProfile,
    TranslationSource,
)
from app.core.timeutil import utcnow
from app.moderation.models import AuditEntry, Flag, FlagReason
from app.moderation.services import reporter_key
from tests.factories import make_consultation, make_contribution, make_user
from tests.helpers import count, get_csrf_token

DATA, DELETE = "/en/account/data", "/en/account/delete"
PASSWORD = "correct horse battery"


@pytest.fixture()
def world(seeded, db):
    """Amira (logged in later) and Boris, each with a contribution, a self-description, a report."""
    consultation = make_consultation(title={"de": "Sprache", "en": "Language"})
    amira = make_user(email="amira@example.org", display_name="Amira")
    boris = make_user(email="boris@example.org", display_name="Boris")
    translator = make_user("working_group", email="translator@example.org", display_name="Tanja")
    mine = make_contribution(consultation, "Amiras Beitrag", author=amira)
    theirs = make_contribution(consultation, "Boris' Beitrag", author=boris)
    anonymous = make_contribution(consultation, "Anonymer Beitrag")
    amira_key, boris_key = _key(amira), _key(boris)
    mine.contact_email, mine.contact_consent_at = "amira.contact@example.org", utcnow()
    theirs.contact_email, theirs.contact_consent_at = "boris.contact@example.org", utcnow()
    db.session.add_all([
        ParticipantProfile(contribution_id=mine.id, consultation_id=consultation.id, gender="woman",
                           languages=["ar", "de"]),
        ParticipantProfile(contribution_id=theirs.id, consultation_id=consultation.id, gender="man",
                           district="hb-vahr"),
        ContributionTranslation(contribution_id=mine.id, language="en", source_language="de", text="Amira's contribution",
                                source=TranslationSource.HUMAN, translator_id=translator.id, reviewed=True),
        Flag(contribution_id=theirs.id, reason=FlagReason.SPAM, comment="Amiras Meldung",
             reporter_key=amira_key),
        Flag(contribution_id=mine.id, reason=FlagReason.OFF_TOPIC, comment="Boris' Meldung",
             reporter_key=boris_key),
        Flag(contribution_id=anonymous.id, reason=FlagReason.OTHER, comment="Meldung ohne Konto",
             reporter_key="0" * 64),
    ])
    db.session.commit()
    return {"consultation": consultation, "amira": amira, "boris": boris, "mine": mine, "theirs": theirs,
            "anonymous": anonymous, "translator": translator}


def _key(user):
    from flask import current_app

    with current_app.test_request_context():
        return reporter_key(user)


def _login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def test_data_page_needs_login(client, db):
    response = client.get(DATA)
    assert response.status_code == 302 and "/en/account/login" in response.headers["Location"]
    assert client.get(DELETE).status_code == 302


def test_data_page_explains_and_offers_download_and_deletion(client, world):
    _login(client, world["amira"])
    html = client.get(DATA).get_data(as_text=True)
    assert "Download my data" in html and 'name="csrf_token"' in html
    assert "pseudonymous" in html and f'href="{DELETE}"' in html
    assert f'href="{DATA}"' in client.get("/en/").get_data(as_text=True)  # in the navigation


def test_download_needs_a_csrf_token(client, world):
    _login(client, world["amira"])
    assert client.post(DATA, data={}).status_code == 400


def test_download_has_all_my_data_and_nothing_of_anyone_else(client, world):
    _login(client, world["amira"])
    response = client.post(DATA, data={"csrf_token": get_csrf_token(client, DATA)})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="vielstimmig-data-') and disposition.endswith('.json"')
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    data = json.loads(text)
    assert data["account"]["email"] == "amira@example.org" and data["account"]["display_name"] == "Amira"
    [contribution] = data["contributions"]
    assert contribution["text"] == "Amiras Beitrag"
    assert contribution["consultation"] == {"slug": world["consultation"].slug,
                                            "title": {"de": "Sprache", "en": "Language"}}
    assert contribution["answers"][0]["text"] == "Amiras Beitrag"
    assert contribution["contact_email"] == "amira.contact@example.org"
    assert contribution["self_description"]["gender"] == "woman"
    assert contribution["self_description"]["languages"] == ["ar", "de"]
    [translation] = contribution["translations"]
    assert translation["text"] == "Amira's contribution" and translation["source"] == "human"
    [report] = data["reports"]
    assert report["comment"] == "Amiras Meldung" and report["reason"] == "spam"
    assert any("pseudonymous" in note for note in data["notes"])
    assert "password" not in data["account"] and "scrypt" not in text
    for foreign in ("Boris", "boris", "Tanja", "translator@", "Anonymer Beitrag", "Meldung ohne Konto",
                    "hb-vahr", '"man"'):
        assert foreign not in text, foreign


def test_download_lists_what_staff_did_without_other_peoples_data(client, db, world):
    translator = world["translator"]
    db.session.add(AuditEntry(actor_id=translator.id, actor_label="x", action="contribution.hide",
                              object_type="contribution", object_id=world["theirs"].id, reason="spam",
                              details={"about": "boris@example.org"}))
    db.session.commit()
    data = personal_data(db.session.get(User, translator.id))
    assert data["translations_made"][0]["text"] == "Amira's contribution"
    assert data["actions"] == [{"action": "contribution.hide", "object_type": "contribution",
                                "object_id": world["theirs"].id, "created_at": data["actions"][0]["created_at"]}]
    assert "boris@example.org" not in json.dumps(data)


def _delete(client, **data):
    return client.post(DELETE, data={"csrf_token": get_csrf_token(client, DELETE), **data})


def test_delete_and_keep_contributions_anonymised(client, db, world):
    amira_id, mine = world["amira"].id, world["mine"]
    _login(client, world["amira"])
    response = _delete(client, contributions="anonymise", password=PASSWORD)
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(User, amira_id) is None
    kept = db.session.get(Contribution, mine.id)
    assert kept.text == "Amiras Beitrag" and kept.author_id is None
    assert kept.contact_email is None and kept.contact_consent_at is None
    assert db.session.scalar(sa.select(ParticipantProfile).where(ParticipantProfile.contribution_id == mine.id)) is None
    assert len(kept.translations) == 1
    # everybody else's data untouched
    assert db.session.get(Contribution, world["theirs"].id).contact_email == "boris.contact@example.org"
    assert count(db, ParticipantProfile) == 1 and count(db, User) == 2
    # logged out
    home = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Your account has been deleted." in home
    assert client.get(DATA).status_code == 302


def test_delete_with_contributions(client, db, world):
    amira_id, mine_id = world["amira"].id, world["mine"].id
    _login(client, world["amira"])
    assert _delete(client, contributions="delete", password=PASSWORD).status_code == 303
    db.session.expire_all()
    assert db.session.get(User, amira_id) is None
    assert db.session.get(Contribution, mine_id) is None
    assert count(db, Contribution) == 2 and count(db, Answer) == 2
    assert count(db, ContributionTranslation) == 0
    assert count(db, ParticipantProfile) == 1
    assert db.session.scalar(sa.select(sa.func.count(Flag.id)).where(Flag.contribution_id == mine_id)) == 0
    assert count(db, Flag) == 2  # the reports Amira made stay: they are not linked to her any more
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "account.delete")).one()
    assert entry.details["account_id"] == amira_id and entry.details["contributions"] == "delete"
    assert "amira" not in json.dumps(entry.details) + entry.actor_label


@pytest.mark.parametrize("data, message", [
    ({"contributions": "anonymise", "password": "falsch und lang genug"}, "The password is not correct."),
    ({"contributions": "anonymise", "password": ""}, "Please enter your password."),
    ({"password": PASSWORD}, "Please choose what should happen to your contributions."),
    ({"contributions": "everything", "password": PASSWORD}, "Please choose one of the options offered."),
])
def test_bad_input_deletes_nothing(client, db, world, data, message):
    _login(client, world["amira"])
    response = _delete(client, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(User, world["amira"].id) is not None
    assert db.session.get(Contribution, world["mine"].id).author_id == world["amira"].id
    assert count(db, ParticipantProfile) == 2
    assert client.get(DATA).status_code == 200  # still logged in


def test_delete_needs_a_csrf_token(client, db, world):
    _login(client, world["amira"])
    assert client.post(DELETE, data={"contributions": "delete", "password": PASSWORD}).status_code == 400
    assert db.session.get(User, world["amira"].id) is not None


def test_the_last_administrator_cannot_delete_their_account(client, db, seeded):
    admin = make_user("admin")
    _login(client, admin)
    response = _delete(client, contributions="delete", password=PASSWORD)
    assert response.status_code == 422 and "only administrator" in response.get_data(as_text=True)
    assert db.session.get(User, admin.id) is not None
    make_user("admin")
    assert _delete(client, contributions="delete", password=PASSWORD).status_code == 303


def test_service_checks_everything_before_changing_anything(db, world):
    amira = world["amira"]
    for password, mode, reason in [("wrong password!", "delete", "password"), (PASSWORD, "keep", "mode"),
                                   (None, "delete", "password")]:
        with pytest.raises(AccountError) as refused:
            delete_account(amira, password, mode)
        assert refused.value.reason == reason
    assert count(db, User) == 3 and count(db, Contribution) == 3


def test_references_from_staff_work_are_cleared(db, world):
    translator = world["translator"]
    consultation = make_consultation(created_by_id=translator.id)
    world["theirs"].moderated_by_id = translator.id
    db.session.commit()
    delete_account(translator, PASSWORD, "anonymise")
    db.session.commit()
    db.session.expire_all()
    assert db.session.get(ContributionTranslation, world["mine"].translations[0].id).translator_id is None
    assert db.session.get(Contribution, world["theirs"].id).moderated_by_id is None
    assert db.session.get(type(consultation), consultation.id).created_by_id is None
