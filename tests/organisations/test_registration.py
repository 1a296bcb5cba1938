"""Registering an organisation, its public profile and list, editing the profile, and the
administrators' pages: verification and the co-hosts of a consultation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.accounts.models import Role
from app.consultations.models import Visibility
from app.contributions.models import Channel, ContributionStatus
from app.extensions import db
from app.moderation.models import AuditEntry
from app.organisations import services
from app.organisations.models import (
    Membership,
    MembershipRole,
    Organisation,
    OrganisationStatus,
    OrganisationType,
    Statement,
)
from tests.factories import make_consultation, make_contribution, make_organisation, make_user
from tests.helpers import count, get_csrf_token

CSRF_PAGE = "/en/account/reset"


@pytest.fixture()
def outbox(app):
    box = app.extensions["mail_outbox"] = []
    yield box
    app.extensions["mail_outbox"] = []


def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user


def post(client, path, data):
    return client.post(path, data={"csrf_token": get_csrf_token(client, CSRF_PAGE), **data})


def valid_form(**changes):
    data = {"name": "Verein für Nachbarschaft", "type": "migrant_self_organisation", "languages": ["de", "ar", "ku"],
            "districts": "Gröpelingen,  Vegesack, gröpelingen", "contact_name": "Amal",
            "contact_email": "kontakt@verein.example", "contact_phone": "0421 123", "website": "https://verein.example",
            "description_language": "ar", "description": "نحن جمعية في بريمن"}
    data.update(changes)
    return data


# --- registration ---------------------------------------------------------------------------------

def test_anonymous_visitors_are_sent_to_the_login_page(client, db):
    response = client.get("/en/organisations/register")
    assert response.status_code == 302
    assert "/en/account/login" in response.headers["Location"] and "next=" in response.headers["Location"]


def test_registering_makes_a_pending_organisation_with_the_creator_as_owner(client, db, outbox):
    user = log_in(client, make_user(Role.RESIDENT))
    response = post(client, "/en/organisations/register", valid_form())
    assert response.status_code == 303
    organisation = db.session.scalar(sa.select(Organisation))
    assert response.headers["Location"].endswith(f"/en/organisations/{organisation.slug}/manage")
    assert organisation.slug == "verein-fuer-nachbarschaft"
    assert organisation.status is OrganisationStatus.PENDING
    assert organisation.type is OrganisationType.MIGRANT_SELF_ORGANISATION
    assert organisation.languages == ["de", "ar", "ku"]
    assert organisation.districts == ["Gröpelingen", "Vegesack"]
    assert organisation.description == {"ar": "نحن جمعية في بريمن"}
    assert organisation.created_by_id == user.id
    membership = db.session.scalar(sa.select(Membership))
    assert (membership.user_id, membership.role) == (user.id, MembershipRole.OWNER)
    db.session.refresh(user)
    assert user.role is Role.ORGANISATION_MEMBER
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "waiting for verification" in page


def test_a_staff_role_is_kept_when_registering(client, db):
    user = log_in(client, make_user(Role.MODERATOR))
    assert post(client, "/en/organisations/register", valid_form()).status_code == 303
    db.session.refresh(user)
    assert user.role is Role.MODERATOR


def test_slugs_are_unique_and_avoid_reserved_words(db, seeded):
    owner = make_user()
    first = services.register_organisation(owner, valid_form(description={"de": "x"}))
    second = services.register_organisation(owner, valid_form(description={"de": "x"}))
    reserved = services.register_organisation(owner, valid_form(name="Register", description={"de": "x"}))
    assert (first.slug, second.slug, reserved.slug) == ("verein-fuer-nachbarschaft", "verein-fuer-nachbarschaft-2",
                                                        "register-2")
    assert services.slugify("!!!") == "organisation"


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "Please fill in this field."),
    ("name", "N" * 201, "at most 200 characters"),
    ("name", "before\x00after", "control characters"),
    ("contact_email", "not-an-address", "valid e-mail address"),
    ("website", "javascript:alert(1)", "https://"),
    ("website", "ftp://example.org", "https://"),
    ("languages", ["de", "xx"], "Please choose one of the options offered."),
    ("type", "club", "Please choose one of the options offered."),
    ("districts", "Mitte, " + "D" * 121, "at most 120 characters"),
    ("description", "", "Please fill in this field."),
    ("description_language", "xx", "Please choose one of the options offered."),
])
def test_invalid_registrations_are_refused_and_write_nothing(client, db, field, value, message):
    user = log_in(client, make_user(Role.RESIDENT))
    response = post(client, "/en/organisations/register", valid_form(**{field: value}))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Organisation) == 0 and count(db, Membership) == 0
    db.session.refresh(user)
    assert user.role is Role.RESIDENT


def test_the_service_checks_the_rules_itself(db):
    with pytest.raises(services.InvalidInput) as refused:
        services.register_organisation(make_user(), {"name": " ", "type": "other", "contact_email": "a@b.c",
                                                     "description": {"de": "x"}, "website": "http://"})
    assert set(refused.value.errors) == {"name", "website"}


# --- public list and profile ----------------------------------------------------------------------

def test_pending_organisations_are_hidden_from_the_public(client, db):
    owner = make_user()
    pending = make_organisation("wartet", status=OrganisationStatus.PENDING, members=[(owner, "owner")])
    make_organisation("sichtbar", name="Sichtbarer Verein")
    assert client.get("/en/organisations/wartet").status_code == 404
    assert "Sichtbarer Verein" in client.get("/en/organisations/").get_data(as_text=True)
    assert pending.name not in client.get("/en/organisations/").get_data(as_text=True)
    log_in(client, make_user())
    assert client.get("/en/organisations/wartet").status_code == 404
    log_in(client, owner)
    assert client.get("/en/organisations/wartet").status_code == 200
    log_in(client, make_user(Role.ADMIN))
    assert client.get("/en/organisations/wartet").status_code == 200


def test_the_list_filters_by_kind_and_language(client, db):
    make_organisation("a", name="Rat Eins", type=OrganisationType.COUNCIL_FOR_INTEGRATION, languages=["de"])
    make_organisation("b", name="Verein Zwei", type=OrganisationType.ASSOCIATION, languages=["de", "ru"])
    page = client.get("/en/organisations/?type=council_for_integration").get_data(as_text=True)
    assert "Rat Eins" in page and "Verein Zwei" not in page
    page = client.get("/en/organisations/?language=ru").get_data(as_text=True)
    assert "Verein Zwei" in page and "Rat Eins" not in page
    assert client.get("/en/organisations/?type=nonsense").status_code == 400
    assert client.get("/en/organisations/?language=xx").status_code == 400


def test_the_profile_lists_visible_cohosted_consultations_and_published_statements(client, db):
    public = make_consultation("oeffentlich", title={"en": "Open to all"})
    internal = make_consultation("intern", title={"en": "Staff only"}, visibility=Visibility.INTERNAL)
    organisation = make_organisation("verein", cohosts=[public, internal],
                                     description={"de": "Wir sind ein Verein", "en": "We are an association"})
    for title, status in (("Our statement", ContributionStatus.PUBLISHED), ("Awaiting", ContributionStatus.PENDING)):
        contribution = make_contribution(public, "Text", status=status, channel=Channel.STATEMENT)
        db.session.add(Statement(contribution=contribution, organisation=organisation, consultation=public, title=title))
    db.session.commit()
    published = db.session.scalar(sa.select(Statement).where(Statement.title == "Our statement"))
    page = client.get("/en/organisations/verein").get_data(as_text=True)
    assert "Open to all" in page and "Staff only" not in page
    assert "Our statement" in page and "Awaiting" not in page
    assert f"/en/consultations/oeffentlich/contributions/{published.contribution_id}" in page
    assert "We are an association" in page
    turkish = client.get("/tr/organisations/verein").get_data(as_text=True)
    assert "Wir sind ein Verein" in turkish and 'lang="de"' in turkish
    log_in(client, make_user(Role.WORKING_GROUP))
    assert "Staff only" in client.get("/en/organisations/verein").get_data(as_text=True)


# --- editing --------------------------------------------------------------------------------------

def _edit_form(organisation, **changes):
    data = {"name": organisation.name, "type": organisation.type.value, "languages": organisation.languages,
            "districts": "Mitte", "contact_email": organisation.contact_email, "website": "",
            "description_de": "Neu auf Deutsch", "description_en": ""}
    data.update(changes)
    return data


def test_owners_add_translations_and_keep_other_languages(client, db):
    owner = make_user()
    organisation = make_organisation("verein", status=OrganisationStatus.PENDING, members=[(owner, "owner")],
                                     description={"en": "In English", "ku": "Bi kurdî"})
    log_in(client, owner)
    page = client.get("/en/organisations/verein/edit").get_data(as_text=True)
    assert "Bi kurdî" in page  # a language beyond the interface languages is editable too
    response = post(client, "/en/organisations/verein/edit", _edit_form(organisation, description_tr="Türkçe metin"))
    assert response.status_code == 303
    db.session.refresh(organisation)
    # en left empty: removed; ku posted unchanged; de and tr added
    assert organisation.description == {"de": "Neu auf Deutsch", "tr": "Türkçe metin", "ku": "Bi kurdî"}
    assert organisation.districts == ["Mitte"] and organisation.slug == "verein"


def test_editing_is_for_owners_and_refuses_bad_input_without_writing(client, db):
    owner, member = make_user(), make_user()
    organisation = make_organisation("verein", name="Alter Name", members=[(owner, "owner"), (member, "member")])
    log_in(client, member)
    assert client.get("/en/organisations/verein/edit").status_code == 403
    assert post(client, "/en/organisations/verein/edit", _edit_form(organisation, name="X")).status_code == 403
    log_in(client, owner)
    response = post(client, "/en/organisations/verein/edit", _edit_form(organisation, name="Neuer Name",
                                                                         website="javascript:x"))
    assert response.status_code == 422
    db.session.refresh(organisation)
    assert organisation.name == "Alter Name"
    log_in(client, make_user())
    assert client.get("/en/organisations/verein/edit").status_code == 404


# --- verification ---------------------------------------------------------------------------------

def test_administrators_verify_reject_suspend_and_verify_again(client, db, outbox):
    admin = log_in(client, make_user(Role.ADMIN))
    organisation = make_organisation("neu", name="Neuer Verein", status=OrganisationStatus.PENDING,
                                     contact_email="neu@verein.example")
    path = f"/en/staff/organisations/{organisation.id}"
    assert "Neuer Verein" in client.get("/en/staff/organisations?status=pending").get_data(as_text=True)

    response = post(client, path, {"decision": "reject"})  # a rejection needs a reason
    assert response.status_code == 422 and "Please give a reason" in response.get_data(as_text=True)
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.PENDING and not outbox

    assert post(client, path, {"decision": "verify"}).status_code == 303
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.VERIFIED and organisation.reviewed_by_id == admin.id
    assert outbox[-1]["To"] == "neu@verein.example" and "verified" in outbox[-1]["Subject"]

    assert post(client, path, {"decision": "reject", "note": "x"}).status_code == 409  # not from verified
    assert post(client, path, {"decision": "suspend", "note": "Falsche Angaben"}).status_code == 303
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.SUSPENDED
    assert "Falsche Angaben" in outbox[-1].get_content()
    assert post(client, path, {"decision": "verify"}).status_code == 303
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.VERIFIED
    actions = db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.object_type == "organisation")
                                 .order_by(AuditEntry.id)).all()
    assert actions == ["organisation.verify", "organisation.suspend", "organisation.verify"]
    assert len(outbox) == 3


def test_a_rejected_organisation_learns_why_and_stays_hidden(client, db, outbox):
    owner = make_user()
    organisation = make_organisation("neu", status=OrganisationStatus.PENDING, members=[(owner, "owner")])
    log_in(client, make_user(Role.ADMIN))
    assert post(client, f"/en/staff/organisations/{organisation.id}",
                {"decision": "reject", "note": "Keine Organisation"}).status_code == 303
    assert "Keine Organisation" in outbox[-1].get_content()
    log_in(client, owner)
    page = client.get("/en/organisations/neu/manage").get_data(as_text=True)
    assert "was not accepted" in page and "Keine Organisation" in page


def test_staff_pages_are_hidden_from_everyone_but_administrators(client, db):
    organisation = make_organisation(status=OrganisationStatus.PENDING)
    consultation = make_consultation()
    for role in (None, Role.RESIDENT, Role.MODERATOR, Role.WORKING_GROUP):
        if role is not None:
            log_in(client, make_user(role))
        for path in ("/en/staff/organisations", f"/en/staff/organisations/{organisation.id}",
                     f"/en/staff/consultations/{consultation.id}/cohosts"):
            assert client.get(path).status_code == 404, (role, path)
        assert post(client, f"/en/staff/organisations/{organisation.id}", {"decision": "verify"}).status_code == 404
    db.session.refresh(organisation)
    assert organisation.status is OrganisationStatus.PENDING


def test_the_staff_list_shows_pending_organisations_first(db):
    make_organisation("b", name="B verified")
    make_organisation("a", name="A pending", status=OrganisationStatus.PENDING)
    assert [o.slug for o in services.staff_organisations()] == ["a", "b"]


# --- co-hosts -------------------------------------------------------------------------------------

def test_administrators_add_and_remove_verified_cohosts(client, db):
    consultation = make_consultation("beteiligung")
    verified = make_organisation("ja", name="Verifizierter Verein")
    pending = make_organisation("nein", status=OrganisationStatus.PENDING)
    log_in(client, make_user(Role.ADMIN))
    path = f"/en/staff/consultations/{consultation.id}/cohosts"
    assert "Verifizierter Verein" in client.get(path).get_data(as_text=True)
    assert post(client, path, {"action": "add", "organisation_id": str(pending.id)}).status_code == 409
    assert post(client, path, {"action": "add", "organisation_id": "99999"}).status_code == 422
    assert post(client, path, {"action": "add", "organisation_id": "abc"}).status_code == 422
    db.session.refresh(consultation)
    assert consultation.cohosts == []
    assert post(client, path, {"action": "add", "organisation_id": str(verified.id)}).status_code == 303
    db.session.refresh(consultation)
    assert consultation.cohosts == [verified]
    assert post(client, path, {"action": "add", "organisation_id": str(verified.id)}).status_code == 409
    assert "Verifizierter Verein" in client.get("/en/organisations/ja").get_data(as_text=True)
    assert post(client, path, {"action": "remove", "organisation_id": str(verified.id)}).status_code == 303
    db.session.refresh(consultation)
    assert consultation.cohosts == []
    actions = db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions == ["organisation.cohost_add", "organisation.cohost_remove"]


def test_the_staff_edit_page_links_to_the_cohosts(client, db):
    consultation = make_consultation()
    log_in(client, make_user(Role.ADMIN))
    page = client.get(f"/en/staff/consultations/{consultation.id}").get_data(as_text=True)
    assert f"/en/staff/consultations/{consultation.id}/cohosts" in page
