"""Staff pages: who may reach them, and creating, editing, opening and closing consultations,
their invitation link, questions and options, and the action fields, through the pages."""
from __future__ import annotations

from config import Config

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationKind,
    ConsultationStatus,
    Department,
    ModerationMode,
    Question,
    QuestionKind,
    QuestionOption,
    Scope,
    Visibility,
)
from app.contributions.models import Answer, Contribution
from tests.factories import HOSTILE, make_consultation, make_contribution
from tests.helpers import count, get_csrf_token

ROLES = ["anonymous", "resident", "organisation_member", "moderator", "working_group", "admin"]
BASE = "/en/staff"
CHOICES = {"kind": QuestionKind.SINGLE_CHOICE, "prompt": {"de": "Wie oft?", "en": "How often?"},
           "options": [{"de": "Nie", "en": "Never"}, {"de": "Manchmal", "en": "Sometimes"},
                       {"de": "Oft", "en": "Often"}]}
FREE_TEXT = {"kind": QuestionKind.FREE_TEXT, "prompt": {"de": "Ihre Idee", "en": "Your idea"}}


def _fields(db):
    return db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).all()


def _reload(db, model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def consultation_form(db, **overrides):
    """Valid form data for a consultation; ``None`` leaves a field out (an unticked box)."""
    fields = _fields(db)
    department = db.session.scalars(sa.select(Department).order_by(Department.id)).first()
    data = {
        "slug": "sprachkurse-2026",
        "title_de": "Sprachkurse im Quartier", "title_en": "Language courses in the neighbourhood",
        "summary_de": "Wo fehlen Kurse?", "summary_en": "",
        "body_de": "Erster Absatz.\r\n\r\nZweiter Absatz.", "body_en": "  ",
        "kind": "cross_cutting", "scope": "district", "district": "Gröpelingen",
        "action_fields": [str(fields[0].id), str(fields[3].id)], "department": str(department.id),
        "allow_anonymous": None, "visibility": "public", "moderation": "pre",
        "opens_at": "2026-03-29T01:30", "closes_at": "2026-07-01T12:00", "is_suggestion_box": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture()
def world(seeded):
    """An open consultation by invitation with an answered choice question and an unanswered free-text one."""
    consultation = make_consultation(visibility=Visibility.INVITATION, questions=[FREE_TEXT, CHOICES])
    free, choice = consultation.questions
    contribution = Contribution(consultation=consultation, language="de", text="Mehr Kurse")
    contribution.answers = [Answer(question=choice, choices=[choice.options[1]])]
    seeded.session.add(contribution)
    seeded.session.commit()
    return {"consultation": consultation, "free": free, "choice": choice, "field": _fields(seeded)[0]}


def _login(login_as, role):
    return None if role == "anonymous" else login_as(role)


def _token(client, role):
    return get_csrf_token(client, f"{BASE}/" if role == "admin" else "/en/") if role != "anonymous" else None


# --- who may reach the staff pages ----------------------------------------------------------

def _routes(w, db):
    c, free, field = w["consultation"], w["free"], w["field"]
    edit = f"{BASE}/consultations/{c.id}"
    question = f"{edit}/questions/{free.id}"
    form = consultation_form(db, slug=c.slug, visibility="invitation")
    return {
        "dashboard": ("get", f"{BASE}/", None, 200),
        "new-form": ("get", f"{BASE}/consultations/new", None, 200),
        "new": ("post", f"{BASE}/consultations/new", consultation_form(db, slug="eine-neue"), 303),
        "edit-form": ("get", edit, None, 200),
        "edit": ("post", edit, form, 303),
        "status-get": ("get", f"{edit}/status", None, 303),
        "status": ("post", f"{edit}/status", {"status": "closed"}, 303),
        "invitation-get": ("get", f"{edit}/invitation", None, 303),
        "invitation": ("post", f"{edit}/invitation", {}, 303),
        "question-new-form": ("get", f"{edit}/questions/new", None, 200),
        "question-new": ("post", f"{edit}/questions/new", {"kind": "free_text", "prompt_de": "Neu?"}, 303),
        "question-form": ("get", question, None, 200),
        "question-edit": ("post", question, {"kind": "free_text", "prompt_de": "Anders?"}, 303),
        "question-delete-get": ("get", f"{question}/delete", None, 303),
        "question-delete": ("post", f"{question}/delete", {}, 303),
        "question-move-get": ("get", f"{question}/move", None, 303),
        "question-move": ("post", f"{question}/move", {"direction": "down"}, 303),
        "action-field-form": ("get", f"{BASE}/action-fields/{field.id}", None, 200),
        "action-field": ("post", f"{BASE}/action-fields/{field.id}", {"name_de": "Sprache", "position": "3"}, 303),
    }


def _snapshot(db, w):
    db.session.expire_all()
    c = db.session.get(Consultation, w["consultation"].id)
    return (count(db, Consultation), c.status, c.invite_token, c.slug, c.title,
            [(q.id, q.position, q.prompt) for q in c.questions], db.session.get(ActionField, w["field"].id).name)


ROUTE_NAMES = ["dashboard", "new-form", "new", "edit-form", "edit", "status-get", "status", "invitation-get",
               "invitation", "question-new-form", "question-new", "question-form", "question-edit",
               "question-delete-get", "question-delete", "question-move-get", "question-move",
               "action-field-form", "action-field"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTE_NAMES)
def test_staff_routes_are_for_administrators_only(client, db, world, login_as, role, route):
    _login(login_as, role)
    method, path, data, admin_status = _routes(world, db)[route]
    before = _snapshot(db, world)
    if method == "post":
        data = {**data, "csrf_token": _token(client, role)} if role != "anonymous" else data
        response = client.post(path, data=data)
    else:
        response = client.get(path)
    if role == "admin":
        assert response.status_code == admin_status, response.get_data(as_text=True)[-2000:]
        if method == "post":
            assert _snapshot(db, world) != before
    else:
        assert response.status_code == 404
        assert "Page not found" in response.get_data(as_text=True)
        assert _snapshot(db, world) == before


def test_unknown_staff_objects_are_404(client, db, world, login_as):
    login_as("admin")
    other = make_consultation(questions=[FREE_TEXT])
    c = world["consultation"]
    assert client.get(f"{BASE}/consultations/99999").status_code == 404
    assert client.get(f"{BASE}/consultations/{2**40}").status_code == 404
    assert client.get(f"{BASE}/action-fields/99999").status_code == 404
    # A question is only reachable under its own consultation.
    assert client.get(f"{BASE}/consultations/{c.id}/questions/{other.questions[0].id}").status_code == 404
    token = get_csrf_token(client, f"{BASE}/")
    response = client.post(f"{BASE}/consultations/{c.id}/questions/{other.questions[0].id}/delete",
                           data={"csrf_token": token})
    assert response.status_code == 404
    assert count(db, Question) == 3


def test_navigation_links_to_staff_pages_for_admins_only(client, seeded, login_as):
    login_as("admin")
    assert f'href="{BASE}/"' in client.get("/en/").get_data(as_text=True)


# --- dashboard ---------------------------------------------------------------------------------

def test_dashboard_lists_every_consultation_with_counts(client, db, seeded, login_as):
    login_as("admin")
    fields = _fields(db)
    busy = make_consultation(title={"de": "Viel los", "en": "Busy"})
    for _ in range(3):
        make_contribution(busy)
    from app.contributions.models import ContributionStatus
    make_contribution(busy, status=ContributionStatus.PENDING)
    make_consultation(title={"de": "Entwurf"}, status=ConsultationStatus.DRAFT)
    make_consultation(title={"de": "Intern", "en": "Internal"}, visibility=Visibility.INTERNAL)
    make_consultation(title={"de": "Geheim", "en": "Secret"}, visibility=Visibility.INVITATION)
    html = client.get(f"{BASE}/").get_data(as_text=True)
    for text in ("Busy", "Entwurf", "Internal", "Secret", "Draft", "By invitation", "Internal to the administration"):
        assert text in html
    assert "<td>4</td>\n          <td>1</td>" in html  # four contributions, one awaiting moderation
    assert "<script>alert" not in html
    assert f'href="{BASE}/consultations/new"' in html
    assert html.count(f'href="{BASE}/action-fields/') == len(fields) == 13
    assert f'href="{BASE}/consultations/{busy.id}"' in html


def test_dashboard_needs_the_same_number_of_queries_for_more_consultations(app, client, db, seeded, login_as):
    """One aggregate query for the counts: no query per consultation."""
    login_as("admin")

    def queries_for_dashboard():
        statements = []

        def count_statement(*args):
            statements.append(args[2])

        sa.event.listen(db.engine, "before_cursor_execute", count_statement)
        try:
            assert client.get(f"{BASE}/").status_code == 200
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", count_statement)
        return len(statements)

    for _ in range(2):
        make_contribution(make_consultation())
    few = queries_for_dashboard()
    for _ in range(5):
        make_contribution(make_consultation())
    assert queries_for_dashboard() == few


# --- creating a consultation ------------------------------------------------------------------

def test_create_consultation_stores_every_field(client, db, seeded, login_as):
    admin = login_as("admin")
    data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"),
                             visibility="invitation")
    response = client.post(f"{BASE}/consultations/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    consultation = db.session.scalars(sa.select(Consultation)).one()
    assert response.headers["Location"].endswith(f"{BASE}/consultations/{consultation.id}")
    fields = _fields(db)
    assert consultation.slug == "sprachkurse-2026"
    assert consultation.title == {"de": "Sprachkurse im Quartier", "en": "Language courses in the neighbourhood"}
    assert consultation.summary == {"de": "Wo fehlen Kurse?"}
    assert consultation.body == {"de": "Erster Absatz.\n\nZweiter Absatz."}
    assert consultation.kind is ConsultationKind.CROSS_CUTTING
    assert consultation.scope is Scope.DISTRICT and consultation.district == "Gröpelingen"
    assert [f.id for f in consultation.action_fields] == [fields[0].id, fields[3].id]
    assert consultation.department_id == int(data["department"])
    assert consultation.allow_anonymous is False and consultation.is_suggestion_box is True
    assert consultation.visibility is Visibility.INVITATION and len(consultation.invite_token) >= 32
    assert consultation.moderation is ModerationMode.PRE
    assert consultation.status is ConsultationStatus.DRAFT
    assert consultation.created_by_id == admin.id
    # Berlin wall-clock time to UTC: winter time (UTC+1) before the switch, summer time (UTC+2) after it.
    assert consultation.opens_at == datetime(2026, 3, 29, 0, 30)
    assert consultation.closes_at == datetime(2026, 7, 1, 10, 0)

    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The consultation has been created as a draft" in page
    assert f"http://localhost/en/invitation/{consultation.invite_token}" in page
    assert 'value="2026-07-01T12:00"' in page and 'value="2026-03-29T01:30"' in page


def test_create_form_marks_required_german_and_shows_every_language(client, seeded, login_as):
    login_as("admin")
    html = client.get(f"{BASE}/consultations/new").get_data(as_text=True)
    assert 'name="title_de"' in html and 'name="title_en"' in html and 'name="body_en"' in html
    assert 'Title (Deutsch) <span class="required">' in html
    assert 'type="datetime-local"' in html and 'name="closes_at"' in html
    assert 'name="csrf_token"' in html


def test_empty_closing_time_means_permanent(client, db, seeded, login_as):
    login_as("admin")
    data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"),
                             opens_at="", closes_at="", scope="state", district="")
    assert client.post(f"{BASE}/consultations/new", data=data).status_code == 303
    consultation = db.session.scalars(sa.select(Consultation)).one()
    assert consultation.opens_at is None and consultation.closes_at is None and consultation.is_permanent


BAD_INPUT = {
    "bad slug (spaces and capitals)": ({"slug": "Sprachkurse 2026"}, "Please use 3 to 80 lower-case letters"),
    "slug too short": ({"slug": "ab"}, "Please use 3 to 80 lower-case letters"),
    "slug starting with a hyphen": ({"slug": "-kurse"}, "Please use 3 to 80 lower-case letters"),
    "slug too long": ({"slug": "a" * 81}, "Please use 3 to 80 lower-case letters"),
    "missing German title": ({"title_de": "  ", "title_en": "Only English"}, "The German text is required."),
    "closes before opens": ({"opens_at": "2026-05-01T10:00", "closes_at": "2026-05-01T09:00"},
                            "The closing time must be after the opening time."),
    "district without district scope": ({"scope": "state"}, "Leave the district empty"),
    "district scope without district": ({"district": ""}, "Please name the district"),
    "title too long": ({"title_en": "x" * 201}, "Please use at most 200 characters."),
    "summary too long": ({"summary_de": "x" * 501}, "Please use at most 500 characters."),
    "body too long": ({"body_de": "x" * 20_001}, "Please use at most 20000 characters."),
    "control characters": ({"title_de": "Kurse\x07"}, "Please remove the invisible control characters"),
    "unknown kind": ({"kind": "bogus"}, "Please choose one of the options offered."),
    "unknown scope": ({"scope": "mars"}, "Please choose one of the options offered."),
    "unknown visibility": ({"visibility": "secret"}, "Please choose one of the options offered."),
    "unknown moderation": ({"moderation": "none"}, "Please choose one of the options offered."),
    "missing visibility": ({"visibility": None}, "Please choose one of the options offered."),
    "unknown action field": ({"action_fields": ["99999"]}, "Please choose one of the options offered."),
    "action field not a number": ({"action_fields": ["abc"]}, "Please choose one of the options offered."),
    "no action field": ({"action_fields": None}, "Please choose at least one action field."),
    "unknown department": ({"department": "99999"}, "Please choose one of the options offered."),
    "bad date": ({"opens_at": "tomorrow"}, "Please enter a date and time"),
    "date out of range": ({"opens_at": "0001-01-01T00:00"}, "Please enter a date and time"),
}


@pytest.mark.parametrize("overrides, message", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_create_refuses_bad_input_and_writes_nothing(client, db, seeded, login_as, overrides, message):
    login_as("admin")
    data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"), **overrides)
    response = client.post(f"{BASE}/consultations/new", data={k: v for k, v in data.items() if v is not None})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="error-summary"' in html
    assert count(db, Consultation) == 0


def test_create_refuses_a_slug_in_use(client, db, seeded, login_as):
    make_consultation("sprachkurse-2026")
    login_as("admin")
    data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"))
    response = client.post(f"{BASE}/consultations/new", data=data)
    assert response.status_code == 422
    assert "Another consultation already uses this address" in response.get_data(as_text=True)
    assert count(db, Consultation) == 1


def test_create_keeps_what_was_typed_after_an_error(client, db, seeded, login_as):
    login_as("admin")
    data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"), slug="X")
    html = client.post(f"{BASE}/consultations/new", data=data).get_data(as_text=True)
    assert 'value="Sprachkurse im Quartier"' in html and 'value="2026-07-01T12:00"' in html


def test_missing_csrf_token_is_400_and_writes_nothing(client, db, seeded, login_as):
    login_as("admin")
    response = client.post(f"{BASE}/consultations/new", data=consultation_form(db))
    assert response.status_code == 400
    assert count(db, Consultation) == 0
    response = client.post(f"{BASE}/consultations/new", data=consultation_form(db, csrf_token="forged"))
    assert response.status_code == 400
    assert count(db, Consultation) == 0


# --- editing, invitation link ---------------------------------------------------------------

def test_edit_page_shows_stored_values_in_berlin_time_and_missing_translations(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation(opens_at=datetime(2026, 1, 10, 8, 0), closes_at=datetime(2026, 8, 1, 21, 30),
                                     title={"de": "Nur Deutsch"}, summary={"de": "Kurz"}, body={"de": "Text"})
    html = client.get(f"{BASE}/consultations/{consultation.id}").get_data(as_text=True)
    assert 'value="2026-01-10T09:00"' in html and 'value="2026-08-01T23:30"' in html
    others = [code for code in Config.LANGUAGES if code != "de"]
    assert html.count("Translation missing") == 3 * len(others)  # title, summary and body in each
    assert '<dt>Missing translations</dt><dd><span lang="en">English</span>' in html
    assert 'value="Nur Deutsch"' in html
    assert "<script>alert" not in html


def test_edit_saves_changes(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation("alt")
    path = f"{BASE}/consultations/{consultation.id}"
    data = consultation_form(db, csrf_token=get_csrf_token(client, path), slug="neu-und-besser",
                             title_en="", scope="bremerhaven", district="", allow_anonymous="y")
    response = client.post(path, data=data)
    assert response.status_code == 303
    consultation = _reload(db, Consultation, consultation.id)
    assert consultation.slug == "neu-und-besser"
    assert consultation.title == {"de": "Sprachkurse im Quartier"}
    assert consultation.scope is Scope.BREMERHAVEN and consultation.district is None
    assert consultation.allow_anonymous is True
    assert consultation.status is ConsultationStatus.OPEN  # editing never changes the status
    assert "Your changes have been saved." in client.get(path).get_data(as_text=True)


def test_edit_refuses_bad_input_and_changes_nothing(client, db, seeded, login_as):
    login_as("admin")
    make_consultation("vergeben")
    consultation = make_consultation("meine")
    path = f"{BASE}/consultations/{consultation.id}"
    data = consultation_form(db, csrf_token=get_csrf_token(client, path), slug="vergeben", title_de="")
    response = client.post(path, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Another consultation already uses this address" in html and "The German text is required." in html
    consultation = _reload(db, Consultation, consultation.id)
    assert consultation.slug == "meine" and consultation.title["de"].startswith("Beteiligung")


def test_invitation_link_appears_regenerates_and_disappears(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation("eingeladen")
    path = f"{BASE}/consultations/{consultation.id}"
    token = get_csrf_token(client, path)
    assert "Invitation link" not in client.get(path).get_data(as_text=True)

    client.post(path, data=consultation_form(db, csrf_token=token, slug="eingeladen", visibility="invitation"))
    first = _reload(db, Consultation, consultation.id).invite_token
    assert first
    assert f"http://localhost/en/invitation/{first}" in client.get(path).get_data(as_text=True)

    response = client.post(f"{path}/invitation", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{path}#invitation")
    second = _reload(db, Consultation, consultation.id).invite_token
    assert second and second != first
    visitor = client.application.test_client()
    assert visitor.get(f"/en/invitation/{first}").status_code == 404
    assert visitor.get(f"/en/invitation/{second}").status_code == 302

    client.post(path, data=consultation_form(db, csrf_token=token, slug="eingeladen", visibility="public"))
    assert _reload(db, Consultation, consultation.id).invite_token is None
    assert visitor.get(f"/en/invitation/{second}").status_code == 404
    response = client.post(f"{path}/invitation", data={"csrf_token": token})
    assert response.status_code == 409
    assert "Only consultations by invitation have an invitation link." in response.get_data(as_text=True)


# --- status -------------------------------------------------------------------------------------

def _set_status(client, consultation, status):
    path = f"{BASE}/consultations/{consultation.id}"
    return client.post(f"{path}/status", data={"csrf_token": get_csrf_token(client, path), "status": status})


def test_status_moves_through_its_life(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation(status=ConsultationStatus.DRAFT, opens_at=None)
    for status in ("open", "closed", "open", "closed", "evaluated"):
        response = _set_status(client, consultation, status)
        assert response.status_code == 303, (status, response.get_data(as_text=True)[-1500:])
        assert _reload(db, Consultation, consultation.id).status is ConsultationStatus(status)
    assert _reload(db, Consultation, consultation.id).opens_at is not None  # opening set it to now
    page = client.get(f"{BASE}/consultations/{consultation.id}").get_data(as_text=True)
    assert "The status is now “Evaluated”." in page


def test_open_back_to_draft_only_without_contributions(client, db, seeded, login_as):
    login_as("admin")
    quiet = make_consultation()
    assert _set_status(client, quiet, "draft").status_code == 303
    assert _reload(db, Consultation, quiet.id).status is ConsultationStatus.DRAFT
    busy = make_consultation()
    make_contribution(busy)
    response = _set_status(client, busy, "draft")
    assert response.status_code == 409
    assert "already has contributions" in response.get_data(as_text=True)
    assert _reload(db, Consultation, busy.id).status is ConsultationStatus.OPEN


@pytest.mark.parametrize("start, target, message", [
    (ConsultationStatus.DRAFT, "closed", "cannot go from “Draft” to “Closed”"),
    (ConsultationStatus.DRAFT, "evaluated", "cannot go from “Draft” to “Evaluated”"),
    (ConsultationStatus.OPEN, "evaluated", "cannot go from “Open” to “Evaluated”"),
    (ConsultationStatus.OPEN, "open", "cannot go from “Open” to “Open”"),
    (ConsultationStatus.EVALUATED, "open", "cannot go from “Evaluated” to “Open”"),
    (ConsultationStatus.EVALUATED, "closed", "cannot go from “Evaluated” to “Closed”"),
    (ConsultationStatus.CLOSED, "draft", "cannot go from “Closed” to “Draft”"),
])
def test_refused_transitions_change_nothing(client, db, seeded, login_as, start, target, message):
    login_as("admin")
    consultation = make_consultation(status=start)
    response = _set_status(client, consultation, target)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert _reload(db, Consultation, consultation.id).status is start


def test_opening_needs_questions_and_a_future_closing_time(client, db, seeded, login_as):
    login_as("admin")
    empty = make_consultation(status=ConsultationStatus.DRAFT, questions=[])
    response = _set_status(client, empty, "open")
    assert response.status_code == 409 and "add at least one question" in response.get_data(as_text=True)
    past = make_consultation(status=ConsultationStatus.CLOSED, closes_in=timedelta(days=-1))
    response = _set_status(client, past, "open")
    assert response.status_code == 409 and "The closing time has passed" in response.get_data(as_text=True)
    assert _reload(db, Consultation, past.id).status is ConsultationStatus.CLOSED


def test_unknown_status_is_400(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation()
    assert _set_status(client, consultation, "archived").status_code == 400
    assert _reload(db, Consultation, consultation.id).status is ConsultationStatus.OPEN


def test_edit_page_offers_only_allowed_status_buttons(client, db, seeded, login_as):
    login_as("admin")
    draft = make_consultation(status=ConsultationStatus.DRAFT)
    html = client.get(f"{BASE}/consultations/{draft.id}").get_data(as_text=True)
    assert 'name="status" value="open"' in html and 'value="closed"' not in html


# --- questions ----------------------------------------------------------------------------------

def _question_path(consultation, question=None):
    base = f"{BASE}/consultations/{consultation.id}/questions"
    return f"{base}/{question.id}" if question is not None else f"{base}/new"


def _post_question(client, consultation, question=None, **data):
    path = _question_path(consultation, question)
    return client.post(path, data={"csrf_token": get_csrf_token(client, path), **data})


def test_add_free_text_and_choice_questions(client, db, seeded, login_as):
    login_as("admin")
    consultation = make_consultation(questions=[FREE_TEXT])
    response = _post_question(client, consultation, kind="free_text", prompt_de="Was fehlt?", prompt_en="",
                              help_text_en="Anything", required="y", options_de="ignored")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"{BASE}/consultations/{consultation.id}#questions")
    response = _post_question(client, consultation, kind="multiple_choice", prompt_de="Welche?", prompt_en="Which?",
                              options_de="Sprache\r\nArbeit\r\nWohnen\r\n\r\n", options_en="Language\r\n\r\nHousing")
    assert response.status_code == 303
    consultation = _reload(db, Consultation, consultation.id)
    _, free, multi = consultation.questions
    assert (free.position, free.kind, free.required) == (1, QuestionKind.FREE_TEXT, True)
    assert free.prompt == {"de": "Was fehlt?"} and free.help_text == {"en": "Anything"} and free.options == []
    assert multi.position == 2 and multi.prompt == {"de": "Welche?", "en": "Which?"}
    assert [o.label for o in multi.options] == [{"de": "Sprache", "en": "Language"}, {"de": "Arbeit"},
                                                {"de": "Wohnen", "en": "Housing"}]
    assert [o.position for o in multi.options] == [0, 1, 2]


QUESTION_BAD_INPUT = {
    "missing German prompt": ({"prompt_de": "", "prompt_en": "Only English"}, "The German text is required."),
    "prompt too long": ({"prompt_de": "x" * 1001}, "Please use at most 1000 characters."),
    "one option": ({"kind": "single_choice", "options_de": "Ja"}, "between 2 and 30 options"),
    "thirty-one options": ({"kind": "single_choice", "options_de": "\n".join(f"O{i}" for i in range(31))},
                           "between 2 and 30 options"),
    "gap in German options": ({"kind": "single_choice", "options_de": "Ja\n\nNein"}, "Option 2 has no German label"),
    "more English than German lines": (
        {"kind": "single_choice", "options_de": "Ja\nNein", "options_en": "Yes\nNo\nMaybe"},
        "Option 3 has no German label"),
    "option too long": ({"kind": "single_choice", "options_de": "Ja\n" + "x" * 201}, "Option 2 is longer than 200"),
    "repeated option": ({"kind": "single_choice", "options_de": "Ja\nja"}, "Option 2 repeats an earlier option."),
    "unknown kind": ({"kind": "essay"}, "Please choose one of the options offered."),
}


@pytest.mark.parametrize("overrides, message", QUESTION_BAD_INPUT.values(), ids=QUESTION_BAD_INPUT.keys())
def test_add_question_refuses_bad_input(client, db, seeded, login_as, overrides, message):
    login_as("admin")
    consultation = make_consultation(questions=[FREE_TEXT])
    data = {"kind": "free_text", "prompt_de": "Frage?", **overrides}
    response = _post_question(client, consultation, **data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(db, Question) == 1 and count(db, QuestionOption) == 0


def test_edit_keeps_option_ids_by_position(client, db, world, login_as):
    login_as("admin")
    c, choice = world["consultation"], world["choice"]
    ids = [o.id for o in choice.options]
    response = _post_question(client, c, choice, kind="single_choice", prompt_de="Wie häufig?", required="y",
                              options_de="Niemals\nManchmal\nOft\nImmer", options_en="Never\nSometimes\nOften\nAlways")
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    choice = _reload(db, Question, choice.id)
    assert [o.id for o in choice.options][:3] == ids
    assert [o.label["de"] for o in choice.options] == ["Niemals", "Manchmal", "Oft", "Immer"]
    assert choice.prompt == {"de": "Wie häufig?"} and choice.required is True
    answer = db.session.scalars(sa.select(Answer).where(Answer.question_id == choice.id)).one()
    assert [o.id for o in answer.choices] == [ids[1]]  # still attached, now labelled "Manchmal"


def test_edit_form_shows_options_one_per_line(client, db, world, login_as):
    login_as("admin")
    html = client.get(_question_path(world["consultation"], world["choice"])).get_data(as_text=True)
    assert "\nNie\nManchmal\nOft</textarea>" in html and "\nNever\nSometimes\nOften</textarea>" in html
    assert "This question already has 1 answer." in html


def test_edit_may_remove_options_nobody_chose(client, db, world, login_as):
    login_as("admin")
    c, choice = world["consultation"], world["choice"]
    response = _post_question(client, c, choice, kind="single_choice", prompt_de="Wie oft?",
                              options_de="Nie\nManchmal")
    assert response.status_code == 303
    assert [o.label for o in _reload(db, Question, choice.id).options] == [{"de": "Nie"}, {"de": "Manchmal"}]


def test_edit_refuses_to_remove_a_chosen_option(client, db, world, login_as):
    login_as("admin")
    c, choice = world["consultation"], world["choice"]
    before = [(o.id, o.label) for o in choice.options]
    response = _post_question(client, c, choice, kind="single_choice", prompt_de="Neu", options_de="Nie")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Option 2 has already been chosen in answers and cannot be removed." in html
    choice = _reload(db, Question, choice.id)
    assert [(o.id, o.label) for o in choice.options] == before and choice.prompt["de"] == "Wie oft?"


def test_edit_refuses_to_change_the_kind_of_an_answered_question(client, db, world, login_as):
    login_as("admin")
    c, choice = world["consultation"], world["choice"]
    response = _post_question(client, c, choice, kind="multiple_choice", prompt_de="Wie oft?",
                              options_de="Nie\nManchmal\nOft")
    assert response.status_code == 422
    assert "already has answers, so its type cannot be changed" in response.get_data(as_text=True)
    assert _reload(db, Question, choice.id).kind is QuestionKind.SINGLE_CHOICE


def test_edit_may_change_the_kind_of_an_unanswered_question(client, db, world, login_as):
    login_as("admin")
    c, free = world["consultation"], world["free"]
    response = _post_question(client, c, free, kind="scale", prompt_de="Wie sehr?", options_de="wird ignoriert")
    assert response.status_code == 303
    free = _reload(db, Question, free.id)
    assert free.kind is QuestionKind.SCALE and free.options == []


def test_delete_question_only_without_answers(client, db, world, login_as):
    login_as("admin")
    c, free, choice = world["consultation"], world["free"], world["choice"]
    token = get_csrf_token(client, f"{BASE}/consultations/{c.id}")
    response = client.post(f"{_question_path(c, choice)}/delete", data={"csrf_token": token})
    assert response.status_code == 409
    assert "already has answers, so it cannot be deleted" in response.get_data(as_text=True)
    assert _reload(db, Question, choice.id) is not None

    response = client.post(f"{_question_path(c, free)}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert _reload(db, Question, free.id) is None
    assert [(q.id, q.position) for q in _reload(db, Consultation, c.id).questions] == [(choice.id, 0)]


def test_move_questions_up_and_down(client, db, seeded, login_as):
    login_as("admin")
    c = make_consultation(questions=[FREE_TEXT, FREE_TEXT, FREE_TEXT])
    first, second, third = (q.id for q in c.questions)
    token = get_csrf_token(client, f"{BASE}/consultations/{c.id}")

    def move(question_id, direction):
        path = f"{BASE}/consultations/{c.id}/questions/{question_id}/move"
        return client.post(path, data={"csrf_token": token, "direction": direction})

    def order():
        return [q.id for q in _reload(db, Consultation, c.id).questions]

    assert move(third, "up").status_code == 303
    assert order() == [first, third, second]
    assert move(first, "down").status_code == 303
    assert order() == [third, first, second]
    assert move(third, "up").status_code == 303  # already first: nothing changes
    assert order() == [third, first, second]
    assert move(second, "sideways").status_code == 400
    assert order() == [third, first, second]
    assert [q.position for q in _reload(db, Consultation, c.id).questions] == [0, 1, 2]


# --- action fields ------------------------------------------------------------------------------

def test_edit_action_field(client, db, seeded, login_as):
    login_as("admin")
    field = _fields(db)[0]
    path = f"{BASE}/action-fields/{field.id}"
    response = client.post(path, data={"csrf_token": get_csrf_token(client, path), "name_de": "Sprache lernen",
                                       "name_en": "", "description_en": f"Learning {HOSTILE}", "position": "20"})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"{BASE}/#action-fields")
    field = _reload(db, ActionField, field.id)
    assert field.name == {"de": "Sprache lernen"} and field.description == {"en": f"Learning {HOSTILE}".strip()}
    assert field.position == 20
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "The action field has been saved." in html and "<script>alert" not in html


@pytest.mark.parametrize("overrides, message", [
    ({"name_de": ""}, "The German text is required."),
    ({"name_en": "x" * 201}, "Please use at most 200 characters."),
    ({"description_de": "x" * 2001}, "Please use at most 2000 characters."),
    ({"position": "abc"}, "Please enter a whole number from 0 to 999."),
    ({"position": "1000"}, "Please enter a whole number from 0 to 999."),
    ({"position": "-1"}, "Please enter a whole number from 0 to 999."),
])
def test_edit_action_field_refuses_bad_input(client, db, seeded, login_as, overrides, message):
    login_as("admin")
    field = _fields(db)[0]
    before = (field.name, field.description, field.position)
    path = f"{BASE}/action-fields/{field.id}"
    data = {"csrf_token": get_csrf_token(client, path), "name_de": "Sprache", "position": "1", **overrides}
    response = client.post(path, data=data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    field = _reload(db, ActionField, field.id)
    assert (field.name, field.description, field.position) == before


def test_one_field_per_configured_language_with_its_direction(app, client, db, seeded, login_as):
    login_as("admin")
    languages = app.config["LANGUAGES"]
    app.config["LANGUAGES"] = ["de", "en", "ar"]
    try:
        html = client.get(f"{BASE}/consultations/new").get_data(as_text=True)
        assert 'dir="rtl" id="title_ar" lang="ar"' in html and "Title (العربية)" in html
        data = consultation_form(db, csrf_token=get_csrf_token(client, f"{BASE}/consultations/new"),
                                 title_ar="دورات اللغة في الحي")
        assert client.post(f"{BASE}/consultations/new", data=data).status_code == 303
    finally:
        app.config["LANGUAGES"] = languages
    consultation = db.session.scalars(sa.select(Consultation)).one()
    assert consultation.title["ar"] == "دورات اللغة في الحي"
