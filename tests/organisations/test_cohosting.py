"""The co-host workspace: "My consultations", the consultation's texts per language, moderation by
co-host members through the moderation pages, and the rule that a co-host works on its own
consultations and on nothing else."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role, User
from app.consultations.models import Consultation, QuestionKind
from app.contributions.models import Contribution, ContributionStatus
from app.moderation.models import AuditEntry
from app.organisations.models import OrganisationStatus
from tests.factories import HOSTILE, make_consultation, make_contribution, make_organisation
from tests.moderation.helpers import token


def cohost_world(db):
    """``mine`` is co-hosted by ``org`` (member, mediator, owner); ``theirs`` by ``other_org``
    (other_member); ``unhosted`` by nobody."""
    roles = {role: Role.ORGANISATION_MEMBER
             for role in ("member", "mediator", "owner", "other_member", "idle_member", "pending_member")}
    roles |= {"admin": Role.ADMIN, "resident": Role.RESIDENT}
    # Logged in through the session: no password (hashing one is slow on purpose).
    users = {role: User(email=f"{role}@example.org", display_name=role, role=account_role, password_hash="!")
             for role, account_role in roles.items()}
    db.session.add_all(users.values())
    db.session.commit()
    choice = {"kind": QuestionKind.SINGLE_CHOICE, "prompt": {"de": "Wie oft?"}, "options": ["Nie", "Oft"]}
    mine = make_consultation("unsere-beteiligung", title={"de": "Unsere Beteiligung", "en": "Our consultation"},
                             questions=[{"kind": QuestionKind.FREE_TEXT, "required": True}, choice])
    theirs = make_consultation("deren-beteiligung", title={"de": "Deren Beteiligung", "en": "Their consultation"})
    unhosted = make_consultation("ohne-mitveranstalter", title={"de": "Ohne Mitveranstalter"})
    org = make_organisation("verein", name="Verein Bremen", languages=("de", "ar", "tr"), cohosts=[mine],
                            members=[(users["member"], "member"), (users["mediator"], "language_mediator"),
                                     (users["owner"], "owner")])
    other_org = make_organisation("andere", name="Andere Initiative", languages=("de", "ar", "ru"), cohosts=[theirs],
                                  members=[(users["other_member"], "language_mediator")])
    idle_org = make_organisation("ohne", name="Ohne Beteiligung", members=[(users["idle_member"], "owner")])
    pending_org = make_organisation("wartend", name="Wartend", status=OrganisationStatus.PENDING, cohosts=[unhosted],
                                    members=[(users["pending_member"], "owner")])
    return {"users": users, "mine": mine, "theirs": theirs, "unhosted": unhosted, "org": org,
            "other_org": other_org, "idle_org": idle_org, "pending_org": pending_org}


def login(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


@pytest.fixture()
def w(db):
    return cohost_world(db)


def _texts_url(consultation, language=None):
    return f"/en/cohost/consultations/{consultation.slug}/translations" + (f"?language={language}" if language else "")


def _reload(db, consultation_id):
    db.session.expire_all()
    return db.session.get(Consultation, consultation_id)


def _audit(db, action):
    return db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == action)).all()


# --- My consultations ---------------------------------------------------------------------

@pytest.mark.parametrize("role", ["member", "mediator", "owner"])
def test_members_see_their_cohosted_consultations_only(client, w, role):
    login(client, w["users"][role])
    response = client.get("/en/cohost/")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Our consultation" in page and "Their consultation" not in page and "Ohne Mitveranstalter" not in page
    assert f'/en/moderation/?consultation={w["mine"].id}' in page
    assert f'/en/cohost/consultations/{w["mine"].slug}/translations' in page
    assert f'/en/cohost/consultations/{w["mine"].slug}/updates' in page
    assert ('/en/cohost/translate' in page) is (role == "mediator")
    assert "/en/cohost/" in client.get("/en/").get_data(as_text=True)  # in the navigation


@pytest.mark.parametrize("role", ["resident", "idle_member", "pending_member"])
def test_my_consultations_is_a_404_for_everyone_else(client, w, role):
    login(client, w["users"][role])
    assert client.get("/en/cohost/").status_code == 404
    assert "/en/cohost/" not in client.get("/en/").get_data(as_text=True)


def test_my_consultations_is_a_404_when_signed_out(client, w):
    assert client.get("/en/cohost/").status_code == 404


def test_admins_see_every_consultation(client, w):
    login(client, w["users"]["admin"])
    page = client.get("/en/cohost/").get_data(as_text=True)
    assert "Our consultation" in page and "Their consultation" in page and "Ohne Mitveranstalter" in page


def test_the_offline_link_only_when_that_page_exists(app, client, w, monkeypatch):
    login(client, w["users"]["member"])
    link = f'/en/offline/consultations/{w["mine"].slug}/'
    if "offline.index" in app.view_functions:
        assert link in client.get("/en/cohost/").get_data(as_text=True)
    monkeypatch.delitem(app.view_functions, "offline.index", raising=False)
    assert link not in client.get("/en/cohost/").get_data(as_text=True)


# --- nothing outside their consultations ----------------------------------------------------

def _cohost_paths(w, consultation):
    from app.consultations.models import ConsultationUpdate
    from app.extensions import db

    update = ConsultationUpdate(consultation=consultation, title={"de": "T"}, body={"de": "B"})
    db.session.add(update)
    db.session.commit()
    contribution = make_contribution(consultation, "مرحبا بكم في الحي", language="ar")
    base = f"/en/cohost/consultations/{consultation.slug}"
    return {
        "get": [f"{base}/translations", f"{base}/updates", f"{base}/updates/{update.id}",
                f"/en/cohost/translate/{contribution.id}"],
        "post": [f"{base}/translations", f"{base}/updates", f"{base}/updates/{update.id}",
                 f"{base}/updates/{update.id}/delete", f"/en/cohost/translate/{contribution.id}"],
        "update": update, "contribution": contribution,
    }


OUTSIDERS = [(role, target) for target in ("theirs", "unhosted")
             for role in ("member", "mediator", "owner", "other_member", "idle_member", "pending_member", "resident")
             if (role, target) != ("other_member", "theirs")]  # other_member's organisation co-hosts "theirs"


@pytest.mark.parametrize("role, target", OUTSIDERS)
def test_no_cohost_page_of_another_consultation(db, client, w, role, target):
    paths = _cohost_paths(w, w[target])
    login(client, w["users"][role])
    csrf = token(client, "/en/account/reset")
    for path in paths["get"]:
        assert client.get(path).status_code == 404, path
    for path in paths["post"]:
        data = {"csrf_token": csrf, "language": "en", "title_en": "X", "body_en": "Y", "text": "Übersetzung"}
        assert client.post(path, data=data).status_code == 404, path
    db.session.expire_all()
    assert db.session.get(type(paths["update"]), paths["update"].id).title == {"de": "T"}
    assert db.session.get(Contribution, paths["contribution"].id).translations == []
    assert _reload(db, w[target].id).title.get("en") != "X"


# --- translations of the consultation's texts -------------------------------------------------

def test_the_texts_page_shows_the_german_original_beside_each_field(client, w):
    login(client, w["users"]["member"])
    response = client.get(_texts_url(w["mine"], "ar"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "German original" in page and "Unsere Beteiligung" in page and "Wie oft?" in page and "Nie" in page
    assert 'lang="ar" dir="rtl"' in page  # the fields are written right to left
    assert HOSTILE not in page and "&lt;script&gt;" in page  # the factory's summary and body, escaped
    assert client.get(_texts_url(w["mine"], "xx")).status_code == 400


def test_a_cohost_saves_translations_and_the_change_is_audited(db, client, w):
    member = login(client, w["users"]["member"])
    question = w["mine"].questions[1]
    option = question.options[0]
    csrf = token(client, _texts_url(w["mine"], "tr"))
    response = client.post(_texts_url(w["mine"]), data={
        "csrf_token": csrf, "language": "tr", "title": "  Bizim   katılım ", "summary": "Özet",
        f"prompt_{question.id}": "Ne sıklıkla?", f"option_{option.id}": "Asla",
        # settings are not part of the form: ignored
        "slug": "hijacked", "status": "closed", "visibility": "internal"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(_texts_url(w["mine"], "tr").replace("/en/", "/en/", 1))
    consultation = _reload(db, w["mine"].id)
    assert consultation.title["tr"] == "Bizim katılım" and consultation.title["de"] == "Unsere Beteiligung"
    assert consultation.summary["tr"] == "Özet"
    assert consultation.questions[1].prompt["tr"] == "Ne sıklıkla?"
    assert consultation.questions[1].options[0].label == {"de": "Nie", "tr": "Asla"}
    assert consultation.slug == "unsere-beteiligung" and consultation.status.value == "open"
    entries = _audit(db, "consultation.translation")
    assert len(entries) == 1 and entries[0].actor_id == member.id and entries[0].object_id == consultation.id
    assert entries[0].details["language"] == "tr"
    assert set(entries[0].details["changed"]) == {"title", "summary", f"prompt_{question.id}", f"option_{option.id}"}


def test_an_empty_translation_is_removed_and_german_may_be_corrected(db, client, w):
    login(client, w["users"]["owner"])
    csrf = token(client, _texts_url(w["mine"], "en"))
    assert client.post(_texts_url(w["mine"]), data={"csrf_token": csrf, "language": "en", "title": ""}).status_code == 303
    assert "en" not in _reload(db, w["mine"].id).title
    response = client.post(_texts_url(w["mine"]), data={"csrf_token": csrf, "language": "de",
                                                      "title": "Unsere neue Beteiligung"})
    assert response.status_code == 303
    assert _reload(db, w["mine"].id).title["de"] == "Unsere neue Beteiligung"


@pytest.mark.parametrize("data, message", [
    ({"language": "de", "title": ""}, "The German original may not be emptied."),
    ({"language": "de", "title": "Neu", "summary": "   "}, "The German original may not be emptied."),
    ({"language": "en", "title": "Bad\x07bell"}, "invisible control characters"),
    ({"language": "en", "title": "x" * 201}, "at most 200 characters"),
])
def test_bad_texts_are_a_422_and_change_nothing(db, client, w, data, message):
    login(client, w["users"]["member"])
    before = dict(w["mine"].title), dict(w["mine"].summary)
    response = client.post(_texts_url(w["mine"]), data={"csrf_token": token(client, _texts_url(w["mine"])), **data})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    consultation = _reload(db, w["mine"].id)
    assert (consultation.title, consultation.summary) == before
    assert not _audit(db, "consultation.translation")


def test_a_missing_or_unknown_language_is_a_400(db, client, w):
    login(client, w["users"]["member"])
    csrf = token(client, _texts_url(w["mine"]))
    assert client.post(_texts_url(w["mine"]), data={"csrf_token": csrf, "title": "X"}).status_code == 400
    assert client.post(_texts_url(w["mine"]), data={"csrf_token": csrf, "language": "fr", "title": "X"}).status_code == 400
    assert client.post(_texts_url(w["mine"]), data={"language": "en", "title": "X"}).status_code == 400  # no token


def test_admins_edit_the_texts_of_every_consultation(db, client, w):
    login(client, w["users"]["admin"])
    csrf = token(client, _texts_url(w["unhosted"], "pl"))
    assert client.post(_texts_url(w["unhosted"]), data={"csrf_token": csrf, "language": "pl",
                                                       "title": "Bez współorganizatora"}).status_code == 303
    assert _reload(db, w["unhosted"].id).title["pl"] == "Bez współorganizatora"


def test_unchanged_texts_write_no_audit_entry(db, client, w):
    login(client, w["users"]["member"])
    csrf = token(client, _texts_url(w["mine"], "en"))
    assert client.post(_texts_url(w["mine"]), data={"csrf_token": csrf, "language": "en",
                                                   "title": "Our consultation"}).status_code == 303
    assert not _audit(db, "consultation.translation")


# --- moderation by co-host members (the existing moderation pages) ------------------------------

def _decide(client, contribution, **data):
    url = f"/en/moderation/contributions/{contribution.id}"
    return client.post(url, data={"csrf_token": token(client, url), **data})


def test_a_cohost_member_approves_and_hides_contributions_of_their_consultation(db, client, w):
    member = login(client, w["users"]["member"])
    pending = make_contribution(w["mine"], "Wartet", status=ContributionStatus.PENDING)
    published = make_contribution(w["mine"], "Steht online")
    queue = client.get(f"/en/moderation/?consultation={w['mine'].id}")
    assert queue.status_code == 200 and "Wartet" in queue.get_data(as_text=True)
    assert _decide(client, pending, decision="approve").status_code == 303
    assert _decide(client, published, decision="hide", reason="spam").status_code == 303
    db.session.expire_all()
    assert db.session.get(Contribution, pending.id).status is ContributionStatus.PUBLISHED
    assert db.session.get(Contribution, published.id).status is ContributionStatus.HIDDEN
    assert {e.action for e in db.session.scalars(sa.select(AuditEntry).where(AuditEntry.actor_id == member.id))} \
        == {"contribution.approve", "contribution.hide"}


@pytest.mark.parametrize("target", ["theirs", "unhosted"])
def test_a_cohost_member_cannot_moderate_another_consultation(db, client, w, target):
    login(client, w["users"]["member"])
    pending = make_contribution(w[target], "Fremd", status=ContributionStatus.PENDING)
    assert client.get(f"/en/moderation/contributions/{pending.id}").status_code == 404
    csrf = token(client, "/en/moderation/")
    response = client.post(f"/en/moderation/contributions/{pending.id}", data={"csrf_token": csrf, "decision": "approve"})
    assert response.status_code == 404
    assert client.get(f"/en/moderation/?consultation={w[target].id}").status_code == 400  # not among the choices
    db.session.expire_all()
    assert db.session.get(Contribution, pending.id).status is ContributionStatus.PENDING
