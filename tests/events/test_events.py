"""On-site events: registration with capacity and waiting list, promotion on cancel, the secret
cancel link, refusals (past, cancelled), organisers' permissions, the honeypot and the rate limit."""
from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import ConsultationStatus, Department, Visibility
from app.core.timeutil import utcnow
from app.events import services
from app.events.models import Event, EventRegistration, EventStatus, RegistrationStatus
from app.extensions import db as _db
from app.moderation.models import AuditEntry
from app.organisations.models import OrganisationStatus
from tests.factories import make_consultation, make_organisation, make_user
from tests.helpers import count, get_csrf_token


@pytest.fixture()
def outbox(app):
    box: list = []
    app.extensions["mail_outbox"] = box
    yield box
    app.extensions["mail_outbox"] = []


def make_event(consultation, organisation=None, **kwargs) -> Event:
    values = {"title": {"de": "Fachtag Sprache", "en": "Expert day on language"}, "place_name": "Bürgerhaus Gröpelingen",
              "starts_at": utcnow() + timedelta(days=7), "registration_required": True, "capacity": 3,
              "languages": ["de", "ar"], **kwargs}
    event = Event(consultation=consultation, organisation=organisation, **values)
    _db.session.add(event)
    _db.session.commit()
    return event


def log_in(client, user):
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True


def register(client, event, name="Ayşe", party_size=1, lang="en", **extra):
    token = get_csrf_token(client, f"/{lang}/events/{event.id}")
    return client.post(f"/{lang}/events/{event.id}/register",
                       data={"csrf_token": token, "name": name, "party_size": str(party_size), **extra})


def token_of(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    location = response.headers["Location"]
    assert location.endswith("/cancel")
    return location.rsplit("/", 2)[-2]


def cancel(client, token, lang="en"):
    csrf = get_csrf_token(client, f"/{lang}/events/registrations/{token}/cancel")
    return client.post(f"/{lang}/events/registrations/{token}/cancel", data={"csrf_token": csrf})


def statuses(event):
    _db.session.expire_all()
    return [(r.name, r.status) for r in _db.session.scalars(
        sa.select(EventRegistration).where(EventRegistration.event_id == event.id).order_by(EventRegistration.id))]


C, W, X = RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.CANCELLED


def test_capacity_waiting_list_and_promotion_on_cancel(client, db, outbox):
    event = make_event(make_consultation(), capacity=3)
    token_a = token_of(register(client, event, "A", 2))
    token_of(register(client, event, "B", 2, email="b@example.org"))  # 2 + 2 > 3: waiting
    token_of(register(client, event, "C", 1))  # would fit, but B waits first
    assert statuses(event) == [("A", C), ("B", W), ("C", W)]
    page = client.get(f"/en/events/{event.id}").get_data(as_text=True)
    assert "1 place left" in page and "2 registrations on the waiting list" in page
    assert "Ayşe" not in page and "b@example.org" not in page

    outbox.clear()
    assert cancel(client, token_a).status_code == 303
    assert statuses(event) == [("A", X), ("B", C), ("C", C)]
    assert [m["To"] for m in outbox] == ["b@example.org"]
    assert "now confirmed" in outbox[0].get_content()


def test_promotion_stops_at_the_first_party_that_does_not_fit(client, db):
    event = make_event(make_consultation(), capacity=4)
    token_a = token_of(register(client, event, "A", 4))
    token_of(register(client, event, "B", 5))
    token_of(register(client, event, "C", 2))
    assert cancel(client, token_a).status_code == 303
    assert statuses(event) == [("A", X), ("B", W), ("C", W)]


def test_raising_the_capacity_confirms_waiting_registrations(client, db):
    consultation = make_consultation()
    event = make_event(consultation, capacity=1)
    token_of(register(client, event, "A", 1))
    token_of(register(client, event, "B", 2))
    admin = make_user("admin")
    log_in(client, admin)
    path = f"/en/events/{event.id}/edit"
    page = client.get(path)
    assert page.status_code == 200
    data = {"csrf_token": get_csrf_token(client, path), "text_language": "en", "title": "Expert day",
            "starts_at": "2099-05-01T10:00", "place_name": "Bürgerhaus", "registration_required": "y",
            "capacity": "3"}
    assert client.post(path, data=data).status_code == 303
    assert statuses(event) == [("A", C), ("B", C)]
    _db.session.expire_all()
    assert event.title == {"de": "Fachtag Sprache", "en": "Expert day"}  # the German title kept
    assert _db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.object_id == event.id)) == "event.update"


def test_registration_page_with_email_mails_the_link(client, db, outbox):
    event = make_event(make_consultation())
    response = register(client, event, "Dana", 2, email="dana@example.org", notes="Rollstuhl")
    token = token_of(response)
    assert len(outbox) == 1 and f"/en/events/registrations/{token}/cancel" in outbox[0].get_content()
    page = client.get(f"/en/events/registrations/{token}/cancel")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "You are registered." in html and f"/events/registrations/{token}/cancel" in html
    registration = _db.session.scalars(sa.select(EventRegistration)).one()
    assert registration.cancel_token_hash != token and token not in registration.cancel_token_hash


def test_a_forged_or_unknown_token_is_404(client, db):
    event = make_event(make_consultation())
    token = token_of(register(client, event))
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    assert client.get(f"/en/events/registrations/{forged}/cancel").status_code == 404
    csrf = get_csrf_token(client, f"/en/events/{event.id}")
    assert client.post(f"/en/events/registrations/{forged}/cancel", data={"csrf_token": csrf}).status_code == 404
    assert client.get("/en/events/registrations/x/cancel").status_code == 404
    assert statuses(event) == [("Ayşe", C)]


def test_cancelling_twice_is_a_conflict(client, db):
    event = make_event(make_consultation())
    token = token_of(register(client, event))
    assert cancel(client, token).status_code == 303
    csrf = get_csrf_token(client, "/en/account/reset")  # the page has no button any more
    assert client.post(f"/en/events/registrations/{token}/cancel", data={"csrf_token": csrf}).status_code == 409
    assert "Cancelled" in client.get(f"/en/events/registrations/{token}/cancel").get_data(as_text=True)


@pytest.mark.parametrize("state", ["past", "cancelled", "no_registration"])
def test_past_and_cancelled_events_refuse_registrations(client, db, state):
    consultation = make_consultation()
    if state == "past":
        event = make_event(consultation, starts_at=utcnow() - timedelta(days=2))
    elif state == "cancelled":
        event = make_event(consultation, status=EventStatus.CANCELLED)
    else:
        event = make_event(consultation, registration_required=False)
    csrf = get_csrf_token(client, "/en/account/reset")
    response = client.post(f"/en/events/{event.id}/register", data={"csrf_token": csrf, "name": "A",
                                                                      "party_size": "1"})
    assert response.status_code == 409
    assert count(_db, EventRegistration) == 0
    assert 'action="/en/events/' not in client.get(f"/en/events/{event.id}").get_data(as_text=True)


@pytest.mark.parametrize(("field", "value"), [("party_size", "6"), ("party_size", "0"), ("name", " "),
                                              ("email", "not-an-address"), ("interpreter_language", "ar")])
def test_invalid_registrations_are_422(client, db, field, value):
    event = make_event(make_consultation())
    data = {"name": "A", "party_size": "1", field: value}
    response = register(client, event, **{"name": data.pop("name"), "party_size": data.pop("party_size")}, **data)
    assert response.status_code == 422
    assert count(_db, EventRegistration) == 0


def test_the_honeypot_stores_nothing(client, db):
    event = make_event(make_consultation())
    response = register(client, event, website="http://spam.example")
    assert response.status_code == 303 and count(_db, EventRegistration) == 0


def test_events_of_hidden_consultations_are_404(client, db):
    event = make_event(make_consultation(visibility=Visibility.INTERNAL))
    assert client.get(f"/en/events/{event.id}").status_code == 404
    assert "Expert day on language" not in client.get("/en/events/").get_data(as_text=True)
    staff = make_user("working_group")
    log_in(client, staff)
    assert client.get(f"/en/events/{event.id}").status_code == 200


def test_the_list_shows_upcoming_events_and_filters_by_consultation(client, db):
    first, second = make_consultation(), make_consultation()
    make_event(first, title={"en": "Workshop in Vegesack"})
    make_event(second, title={"en": "Expert day in Huchting"})
    make_event(first, title={"en": "Long past meeting"}, starts_at=utcnow() - timedelta(days=30))
    html = client.get("/en/events/").get_data(as_text=True)
    assert "Workshop in Vegesack" in html and "Expert day in Huchting" in html and "Long past" not in html
    html = client.get(f"/en/events/?consultation={first.slug}").get_data(as_text=True)
    assert "Workshop in Vegesack" in html and "Huchting" not in html
    assert "Workshop in Vegesack" in client.get(f"/en/consultations/{first.slug}").get_data(as_text=True)
    assert client.get("/en/events/?consultation=nope").status_code == 404


def _event_form(client, path, **overrides):
    data = {"csrf_token": get_csrf_token(client, path), "text_language": "de", "title": "Workshop im Quartier",
            "starts_at": "2099-06-01T17:00", "ends_at": "2099-06-01T19:30", "place_name": "Stadtteilhaus",
            "languages": ["de", "tr"], "interpreters": "y", "interpreter_languages": ["ar"], "childcare": "y",
            "step_free": "y", "registration_required": "y", "capacity": "25", **overrides}
    return client.post(path, data=data)


def test_a_cohost_member_announces_an_organisation_event(client, db):
    consultation = make_consultation()
    member = make_user("organisation_member")
    organisation = make_organisation(cohosts=[consultation], members=[(member, "language_mediator")])
    log_in(client, member)
    path = f"/de/events/new?consultation={consultation.slug}"
    assert client.get(path).status_code == 200
    response = _event_form(client, path, organisation=str(organisation.id))
    assert response.status_code == 303
    event = _db.session.scalars(sa.select(Event)).one()
    assert event.organisation_id == organisation.id and event.department_id is None
    assert event.title == {"de": "Workshop im Quartier"} and event.interpreter_languages == ["ar"]
    assert event.starts_at == utcnow().replace(year=2099, month=6, day=1, hour=15, minute=0, second=0,
                                               microsecond=0)  # 17:00 in Bremen (summer time) is 15:00 UTC
    html = client.get(f"/en/events/{event.id}").get_data(as_text=True)
    assert "Türkçe" in html and "العربية" in html and "Step-free access" in html
    assert client.get(f"/de/events/{event.id}/registrations").status_code == 200


def test_organisers_first_choose_the_consultation(client, db):
    cohosted, other = make_consultation(), make_consultation()
    member = make_user("organisation_member")
    make_organisation(cohosts=[cohosted], members=[(member, "member")])
    log_in(client, member)
    html = client.get("/en/events/new").get_data(as_text=True)
    assert f"/en/events/new?consultation={cohosted.slug}" in html and other.slug not in html
    log_in(client, make_user("resident"))
    assert client.get("/en/events/new").status_code == 403


def test_an_administrator_announces_a_department_event(client, db, seeded):
    consultation = make_consultation()
    admin = make_user("admin")
    department = _db.session.scalars(sa.select(Department)).first()
    log_in(client, admin)
    path = f"/en/events/new?consultation={consultation.slug}"
    assert _event_form(client, path).status_code == 422  # a department must be chosen
    assert _event_form(client, path, department=str(department.id)).status_code == 303
    assert _db.session.scalars(sa.select(Event)).one().department_id == department.id


@pytest.mark.parametrize("status", [ConsultationStatus.CLOSED, ConsultationStatus.EVALUATED])
def test_no_new_events_for_a_closed_consultation(client, db, seeded, status):
    consultation = make_consultation(status=status)
    department = _db.session.scalars(sa.select(Department)).first()
    log_in(client, make_user("admin"))
    path = f"/en/events/new?consultation={consultation.slug}"
    response = client.get(path)
    assert response.status_code == 409
    assert "This consultation is closed: no new events can be announced for it." in response.get_data(as_text=True)
    token = get_csrf_token(client, f"/en/events/new?consultation={make_consultation().slug}")
    response = client.post(path, data={"csrf_token": token, "text_language": "de", "title": "Workshop",
                                       "starts_at": "2099-06-01T17:00", "place_name": "Stadtteilhaus",
                                       "department": str(department.id)})
    assert response.status_code == 409
    assert count(_db, Event) == 0
    with pytest.raises(services.EventRefused, match="consultation_closed"):  # the rule is the service's
        services.create_event(consultation, make_user("admin"),
                              {}, text_language="de", department=department)
    assert client.get("/en/events/new").status_code == 200  # the list of choices ...
    assert consultation.slug not in client.get("/en/events/new").get_data(as_text=True)  # ... leaves it out


def test_an_event_must_start_in_the_future_and_end_after_it_starts(client, db):
    consultation = make_consultation()
    log_in(client, make_user("admin"))
    department = Department(slug="d", short_name="D", name={"de": "Ressort"})
    _db.session.add(department)
    _db.session.commit()
    path = f"/en/events/new?consultation={consultation.slug}"
    common = {"department": str(department.id)}
    assert _event_form(client, path, starts_at="2001-01-01T10:00", ends_at="", **common).status_code == 422
    assert _event_form(client, path, ends_at="2099-06-01T16:00", **common).status_code == 422
    assert count(_db, Event) == 0


@pytest.mark.parametrize("who", ["anonymous", "resident", "moderator", "other_org", "pending_cohost"])
def test_others_may_not_organise(app, db, who):
    consultation = make_consultation()
    member = make_user("organisation_member")
    organisation = make_organisation(cohosts=[consultation], members=[(member, "member")])
    event = make_event(consultation, organisation)
    token_of(register(app.test_client(), event, "Private Person", email="private@example.org"))
    client = app.test_client()
    user = None
    if who in ("resident", "moderator"):
        user = make_user(who)
    elif who == "other_org":
        user = make_user("organisation_member")
        make_organisation(members=[(user, "owner")])
    elif who == "pending_cohost":
        user = make_user("organisation_member")
        make_organisation(status=OrganisationStatus.PENDING, cohosts=[consultation], members=[(user, "owner")])
    if user is not None:
        log_in(client, user)
    for path in (f"/en/events/new?consultation={consultation.slug}", f"/en/events/{event.id}/edit",
                 f"/en/events/{event.id}/registrations"):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "private@example.org" not in response.get_data(as_text=True)
    csrf = get_csrf_token(client, "/en/account/reset")
    for path in (f"/en/events/new?consultation={consultation.slug}", f"/en/events/{event.id}/edit",
                 f"/en/events/{event.id}/cancel"):
        assert client.post(path, data={"csrf_token": csrf, "confirm": "y", "title": "x"}).status_code == 403, path
    _db.session.expire_all()
    assert count(_db, Event) == 1 and _db.session.get(Event, event.id).status is EventStatus.SCHEDULED


def test_organisers_see_registrations_and_cancel_the_event(client, db, outbox):
    consultation = make_consultation()
    member = make_user("organisation_member")
    organisation = make_organisation(cohosts=[consultation], members=[(member, "member")])
    event = make_event(consultation, organisation)
    visitor = client.application.test_client()
    token_of(register(visitor, event, "Private Person", email="private@example.org"))
    log_in(client, member)
    page = client.get(f"/en/events/{event.id}/registrations").get_data(as_text=True)
    assert "Private Person" in page and "private@example.org" in page
    path = f"/en/events/{event.id}/cancel"
    csrf = get_csrf_token(client, f"/en/events/{event.id}/registrations")
    assert client.post(path, data={"csrf_token": csrf}).status_code == 422  # not confirmed
    outbox.clear()
    assert client.post(path, data={"csrf_token": csrf, "confirm": "y", "reason": "Der Raum fällt aus."}
                       ).status_code == 303
    _db.session.expire_all()
    assert _db.session.get(Event, event.id).status is EventStatus.CANCELLED
    assert [m["To"] for m in outbox] == ["private@example.org"] and "Der Raum fällt aus." in outbox[0].get_content()
    late = visitor.post(f"/en/events/{event.id}/register", data={
        "csrf_token": get_csrf_token(visitor, "/en/account/reset"), "name": "Late", "party_size": "1"})
    assert late.status_code == 409
    assert client.post(path, data={"csrf_token": csrf, "confirm": "y"}).status_code == 409


def test_registering_is_rate_limited(app, db):
    from app import create_app
    from config import TestingConfig
    from tests.conftest import IsolatedClient

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = app.config["SQLALCHEMY_DATABASE_URI"]
        WTF_CSRF_ENABLED = True
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = "memory://"
        RATELIMIT_ENDPOINTS = {**TestingConfig.RATELIMIT_ENDPOINTS, "events.register": "2/minute"}

    limited = create_app(Limited)
    limited.test_client_class = IsolatedClient
    try:
        assert "events.register" in limited.extensions["rate_limited_endpoints"]
        with limited.app_context():
            event = make_event(make_consultation(), capacity=None)
            event_id = event.id
        client = limited.test_client()
        codes = [client.post(f"/en/events/{event_id}/register",
                             data={"csrf_token": get_csrf_token(client, f"/en/events/{event_id}"), "name": f"P{n}",
                                   "party_size": "1"}).status_code for n in range(3)]
        assert codes == [303, 303, 429]
        assert client.get(f"/en/events/{event_id}").status_code == 200  # reading is never limited
        with limited.app_context():
            assert count(_db, EventRegistration) == 2
    finally:
        with limited.app_context():
            _db.engine.dispose()


def test_registrations_are_deleted_after_the_retention_period(client, db, app, runner, monkeypatch):
    """Names, addresses and needs of registrants go when the event is long over; the event stays."""
    from app.contributions.privacy import purge_personal_data

    monkeypatch.setitem(app.config, "PERSONAL_DATA_RETENTION_DAYS", 30)
    consultation = make_consultation()
    upcoming = make_event(consultation)
    token_of(register(client, upcoming, name="Bald"))
    page = client.get(f"/en/events/{upcoming.id}").get_data(as_text=True)
    assert "is deleted 30 days after the event" in page
    long_ago = make_event(consultation, starts_at=utcnow() - timedelta(days=40))
    recent = make_event(consultation, starts_at=utcnow() - timedelta(days=40), ends_at=utcnow() - timedelta(days=20))
    for event, name in ((long_ago, "Alt"), (long_ago, "Älter"), (recent, "Neulich")):
        db.session.add(EventRegistration(event=event, name=name, email=f"{len(name)}@example.org", party_size=1,
                                         status=C, cancel_token_hash=f"{event.id}-{name}".ljust(64, "x")))
    db.session.commit()

    dry = purge_personal_data(dry_run=True)
    assert dry.registrations == 2 and count(db, EventRegistration) == 4
    output = runner.invoke(args=["privacy", "purge"]).output
    assert "2 registration(s) for events that ended" in output
    db.session.expire_all()
    assert sorted(r.name for r in db.session.scalars(sa.select(EventRegistration))) == ["Bald", "Neulich"]
    assert db.session.get(Event, long_ago.id) is not None


@pytest.mark.parametrize("lang, same_day, two_days", [
    ("de", "11.12.2030, 16:00 – 18:30", "11.12.2030, 16:00 – 12.12.2030, 18:30"),
    ("en", "Dec 11, 2030, 4:00\u202fPM – 6:30\u202fPM", "Dec 11, 2030, 4:00\u202fPM – Dec 12, 2030, 6:30\u202fPM"),
])
def test_the_time_of_an_event_is_shown_in_bremen_time_without_seconds(client, db, lang, same_day, two_days):
    from datetime import datetime

    consultation = make_consultation()
    one = make_event(consultation, starts_at=datetime(2030, 12, 11, 15, 0), ends_at=datetime(2030, 12, 11, 17, 30))
    two = make_event(consultation, starts_at=datetime(2030, 12, 11, 15, 0), ends_at=datetime(2030, 12, 12, 17, 30))
    page = client.get(f"/{lang}/events/{one.id}").get_data(as_text=True).replace("&#8239;", "\u202f")
    assert same_day in page and ":00:00" not in page
    page = client.get(f"/{lang}/events/{two.id}").get_data(as_text=True).replace("&#8239;", "\u202f")
    assert two_days in page
