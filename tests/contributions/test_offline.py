"""Offline input: assisted entry, workshop and paper rounds, contributions typed in at once, the
export, and who may do what."""
from __future__ import annotations

import csv
import io

import pytest
import sqlalchemy as sa

from app.consultations.models import ConsultationStatus, QuestionKind
from app.contributions import offline
from app.contributions.models import (
    Channel,
    Contribution,
    ContributionTranslation,
    InputSession,
    InputSessionFormat,
    LanguageSource,
    TranslationSource,
)
from app.extensions import db as _db
from app.moderation.models import AuditEntry
from tests.factories import make_consultation, make_contribution, make_organisation
from tests.helpers import count, get_csrf_token
from tests.contributions.test_translations import libre  # noqa: F401 - fixture

FREE = {"kind": QuestionKind.FREE_TEXT, "required": True}
CHOICE = {"kind": QuestionKind.SINGLE_CHOICE, "options": ["Ja", "Nein"]}


@pytest.fixture()
def consultation(seeded):
    return make_consultation("offline-here", questions=[FREE, CHOICE])


@pytest.fixture()
def member(login_as, consultation):
    user = login_as("organisation_member")
    org = make_organisation("verein-bremen", cohosts=[consultation], members=[(user, "member")])
    return user, org


def _base(consultation, lang="en"):
    return f"/{lang}/offline/consultations/{consultation.slug}"


def _post(client, path, data, token_path=None):
    return client.post(path, data={"csrf_token": get_csrf_token(client, token_path or path), **data})


def _assisted_data(consultation, **extra):
    free, choice = consultation.questions
    return {f"q{free.id}": "Mehr Beratung in der Muttersprache.", f"q{choice.id}": str(choice.options[0].id),
            "language": "de", "channel": "online", "consent": "y", **extra}


# --- assisted entry -----------------------------------------------------------------------

def test_assisted_entry_is_marked_with_who_for_whom_and_consent(client, member, consultation, db):
    user, org = member
    page = client.get(_base(consultation) + "/assisted").get_data(as_text=True)
    assert "The person agreed" in page and f"q{consultation.questions[0].id}" in page
    response = _post(client, _base(consultation) + "/assisted", _assisted_data(consultation, channel="paper"))
    assert response.status_code == 303
    _db.session.expire_all()
    contribution = _db.session.scalar(sa.select(Contribution))
    assert contribution.assisted and contribution.assisted_by_id == user.id and contribution.entered_by_id == user.id
    assert contribution.assisted_consent_at is not None and contribution.organisation_id == org.id
    assert contribution.channel is Channel.PAPER and contribution.author_id is None
    assert (contribution.language, contribution.language_source) == ("de", LanguageSource.STAFF)
    assert len(contribution.answers) == 2
    assert _db.session.scalar(sa.select(AuditEntry.action)) == "contribution.assisted"


def test_assisted_entry_without_consent_is_refused(client, member, consultation, db):
    data = _assisted_data(consultation)
    del data["consent"]
    response = _post(client, _base(consultation) + "/assisted", data)
    assert response.status_code == 422 and "Please confirm that the person agreed." in response.get_data(as_text=True)
    assert count(db, Contribution) == 0


def test_assisted_entry_recognises_the_language(client, member, consultation, db):
    data = _assisted_data(consultation, language="auto")
    data[f"q{consultation.questions[0].id}"] = "Wir brauchen mehr Deutschkurse am Abend, weil viele tagsüber arbeiten."
    assert _post(client, _base(consultation) + "/assisted", data).status_code == 303
    contribution = _db.session.scalar(sa.select(Contribution))
    assert (contribution.language, contribution.language_source) == ("de", LanguageSource.DETECTED)


def test_a_member_of_several_cohosts_chooses_one_of_them(client, login_as, consultation, db):
    user = login_as("organisation_member")
    first = make_organisation("erste", cohosts=[consultation], members=[(user, "member")])
    second = make_organisation("zweite", cohosts=[consultation], members=[(user, "owner")])
    stranger = make_organisation("fremde", cohosts=[consultation])
    path = _base(consultation) + "/assisted"
    assert 'name="organisation"' in client.get(path).get_data(as_text=True)
    assert _post(client, path, _assisted_data(consultation)).status_code == 422  # none chosen
    assert _post(client, path, _assisted_data(consultation, organisation=str(stranger.id))).status_code == 422
    assert count(db, Contribution) == 0
    assert _post(client, path, _assisted_data(consultation, organisation=str(second.id))).status_code == 303
    assert _db.session.scalar(sa.select(Contribution.organisation_id)) == second.id != first.id


def test_staff_may_enter_without_an_organisation(client, login_as, consultation, db):
    login_as("moderator")
    assert _post(client, _base(consultation) + "/assisted", _assisted_data(consultation)).status_code == 303
    assert _db.session.scalar(sa.select(Contribution.organisation_id)) is None


def test_a_closed_consultation_takes_paper_but_not_online(client, login_as, seeded, db):
    closed = make_consultation(status=ConsultationStatus.CLOSED, questions=[FREE, CHOICE])
    login_as("admin")
    path = _base(closed) + "/assisted"
    assert _post(client, path, _assisted_data(closed)).status_code == 409
    assert count(db, Contribution) == 0
    assert _post(client, path, _assisted_data(closed, channel="paper")).status_code == 303


# --- input sessions -----------------------------------------------------------------------

def _new_session(client, consultation, **extra):
    data = {"format": "workshop", "title": "Workshop im Nachbarschaftshaus", "held_on": "2024-05-31",
            "place": "Gröpelingen", "organiser": "Verein Bremen", "participant_count": "23",
            "languages": ["de", "ar"], **extra}
    return _post(client, _base(consultation) + "/sessions/new", data)


def test_an_input_session_is_recorded_with_its_organisation(client, member, consultation, db):
    user, org = member
    response = _new_session(client, consultation)
    assert response.status_code == 303
    _db.session.expire_all()
    session = _db.session.scalar(sa.select(InputSession))
    assert response.headers["Location"].endswith(f"/sessions/{session.id}")
    assert (session.format, session.organisation_id, session.participant_count) == (
        InputSessionFormat.WORKSHOP, org.id, 23)
    assert session.languages == ["de", "ar"] and session.created_by_id == user.id
    assert _db.session.scalar(sa.select(AuditEntry.action)) == "input_session.create"
    index = client.get(_base(consultation) + "/").get_data(as_text=True)
    assert "Workshop im Nachbarschaftshaus" in index
    # The table scrolls sideways on a phone: its region is named and reachable by keyboard.
    assert '<h2 id="sessions-heading">' in index
    assert '<div class="table-wrap" tabindex="0" role="region" aria-labelledby="sessions-heading">' in index


@pytest.mark.parametrize("field, value", [("title", ""), ("held_on", "31.05.2024"), ("participant_count", "-1"),
                                          ("format", "party"), ("languages", ["xx"]), ("event", "999")])
def test_bad_session_input_is_refused(client, member, consultation, db, field, value):
    assert _new_session(client, consultation, **{field: value}).status_code == 422
    assert count(db, InputSession) == 0


def _session(consultation, org, format=InputSessionFormat.PAPER):
    from datetime import date

    session = InputSession(consultation=consultation, organisation=org, format=format, title="Papierrunde",
                           held_on=date(2024, 6, 1))
    _db.session.add(session)
    _db.session.commit()
    return session


def test_one_contribution_of_a_session(client, member, consultation, db):
    user, org = member
    session = _session(consultation, org)
    path = f"{_base(consultation)}/sessions/{session.id}"
    data = _assisted_data(consultation)
    response = _post(client, path + "/contributions", data, token_path=path)
    assert response.status_code == 303
    contribution = _db.session.scalar(sa.select(Contribution))
    assert contribution.input_session_id == session.id and contribution.channel is Channel.PAPER
    assert contribution.organisation_id == org.id and not contribution.assisted
    assert "Mehr Beratung in der Muttersprache." in client.get(path).get_data(as_text=True)


def test_several_contributions_at_once_with_a_preview(client, member, consultation, db):
    user, org = member
    session = _session(consultation, org, InputSessionFormat.WORKSHOP)
    path = f"{_base(consultation)}/sessions/{session.id}"
    texts = "Erster Beitrag\nmit zwei Zeilen\n\nZweiter Beitrag\n---\nDritter Beitrag\n\n\n"
    data = {"batch-texts": texts, "batch-language": "de"}
    token = get_csrf_token(client, path)
    preview = client.post(path + "/batch", data={"batch-csrf_token": token, "preview": "1", **data})
    assert preview.status_code == 200 and "3 contributions will be saved" in preview.get_data(as_text=True)
    assert count(db, Contribution) == 0
    saved = client.post(path + "/batch", data={"batch-csrf_token": token, "save": "1", **data})
    assert saved.status_code == 303
    rows = _db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()
    assert [c.text for c in rows] == ["Erster Beitrag\nmit zwei Zeilen", "Zweiter Beitrag", "Dritter Beitrag"]
    assert all(c.channel is Channel.WORKSHOP and c.input_session_id == session.id and c.organisation_id == org.id
               and c.answers[0].question_id == consultation.questions[0].id for c in rows)
    assert "3 contributions have been saved." in client.get(path).get_data(as_text=True)


def test_an_empty_batch_is_refused(client, member, consultation, db):
    session = _session(consultation, member[1])
    path = f"{_base(consultation)}/sessions/{session.id}"
    response = client.post(path + "/batch", data={"batch-csrf_token": get_csrf_token(client, path),
                                                  "batch-texts": "\n---\n\n", "batch-language": "auto", "save": "1"})
    assert response.status_code == 422 and count(db, Contribution) == 0


@pytest.mark.parametrize("text, parts", [
    ("a", ["a"]), ("a\n\nb", ["a", "b"]), ("a\r\n---\r\nb", ["a", "b"]), ("a\n  ----  \n\n\nb\n", ["a", "b"]),
    ("a\nb", ["a\nb"]), ("\n\n", []), ("a -- b", ["a -- b"]),
])
def test_split_batch(text, parts):
    assert offline.split_batch(text) == parts


def test_a_session_of_another_consultation_is_404(client, member, consultation, db):
    other = make_consultation(questions=[FREE])
    session = _session(other, None)
    assert client.get(f"{_base(consultation)}/sessions/{session.id}").status_code == 404
    assert client.get(f"{_base(consultation)}/sessions/99999999999").status_code == 404


# --- export -------------------------------------------------------------------------------

def test_export_has_every_contribution_and_no_personal_data(client, login_as, consultation, db):
    published = make_contribution(consultation, "Ein Beitrag", language="tr")
    published.contact_email = "secret@example.org"
    _db.session.add(ContributionTranslation(contribution=published, language="de", source_language="tr",
                                            text="Übersetzung", source=TranslationSource.HUMAN))
    _db.session.commit()
    login_as("working_group")
    assert client.get(_base(consultation) + "/assisted").status_code == 404
    body = client.get(_base(consultation) + "/export.csv").get_data().decode("utf-8-sig")
    assert "secret@example.org" not in body
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == list(offline.EXPORT_HEADERS)
    assert rows[0]["text"] == "Ein Beitrag" and rows[0]["translation_de"] == "Übersetzung"
    assert rows[0]["language"] == "tr" and rows[0]["status"] == "published" and rows[0]["question"].startswith("1. ")
    assert _db.session.scalar(sa.select(AuditEntry.action)) == "contribution.export"


def test_people_outside_the_cohost_get_404(client, login_as, consultation, db):
    user = login_as("organisation_member")
    make_organisation("andere", members=[(user, "owner")])  # verified, co-hosts nothing
    for path in ("/", "/assisted", "/sessions/new", "/import", "/export.csv", "/export.xlsx"):
        assert client.get(_base(consultation) + path).status_code == 404, path


def test_a_suspended_cohost_loses_access(client, login_as, consultation, db):
    from app.organisations.models import OrganisationStatus

    user = login_as("organisation_member")
    make_organisation("ruht", cohosts=[consultation], members=[(user, "member")], status=OrganisationStatus.SUSPENDED)
    assert client.get(_base(consultation) + "/").status_code == 404


def test_pages_render_in_german_and_arabic(client, member, consultation, db):
    session = _session(consultation, member[1])
    for lang in ("de", "ar"):
        for path in ("/", "/assisted", "/sessions/new", f"/sessions/{session.id}", "/import"):
            assert client.get(_base(consultation, lang) + path).status_code == 200, (lang, path)


def test_a_batch_is_machine_translated_like_an_import(client, member, consultation, db, libre):
    """A batch goes through the same scheduling as an import (jobs of 100; without a queue at
    most 20 right away) and says so."""
    from app.contributions.models import ContributionTranslation

    user, org = member
    session = _session(consultation, org, InputSessionFormat.WORKSHOP)
    path = f"{_base(consultation)}/sessions/{session.id}"
    data = {"batch-texts": "Gençler için buluşma yeri\n\nDaha fazla kreş", "batch-language": "tr"}
    saved = client.post(path + "/batch", data={"batch-csrf_token": get_csrf_token(client, path), "save": "1", **data})
    assert saved.status_code == 303
    page = client.get(path).get_data(as_text=True)
    assert "2 contributions have been saved." in page and "Machine translation requested for 2 contributions." in page
    _db.session.expire_all()
    texts = sorted(_db.session.scalars(sa.select(ContributionTranslation.text)).all())
    assert texts == ["[de] Daha fazla kreş", "[de] Gençler için buluşma yeri"]
    many = "\n\n".join(f"Satır {n}" for n in range(21))
    saved = client.post(path + "/batch", data={"batch-csrf_token": get_csrf_token(client, path), "save": "1",
                                               "batch-texts": many, "batch-language": "tr"})
    page = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "Machine translation of 21 contributions was left for later" in page
    assert count(db, ContributionTranslation) == 2
