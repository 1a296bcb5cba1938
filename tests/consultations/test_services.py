"""Staff operations called directly: every rule holds without the pages in front of it."""
from __future__ import annotations

from config import Config

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.consultations import services
from app.consultations.models import (
    ActionField,
    Consultation,
    ConsultationStatus,
    Department,
    Question,
    QuestionKind,
    QuestionOption,
    Scope,
    Visibility,
)
from app.contributions.models import Answer, Contribution, ContributionStatus
from app.core.timeutil import utcnow
from tests.factories import make_consultation, make_contribution, make_user
from tests.helpers import count

S = ConsultationStatus


@pytest.fixture(autouse=True)
def english(db):
    """Messages are lazy and translated when read; read them in English."""
    with force_locale("en"):
        yield


@pytest.fixture()
def admin(seeded):
    return make_user("admin")


def _fields(db):
    return db.session.scalars(sa.select(ActionField).order_by(ActionField.position)).all()


def data(db, **overrides) -> services.ConsultationData:
    values = {"slug": "quartier-2026", "title": {"de": "Quartier", "en": "Neighbourhood"},
              "action_field_ids": [_fields(db)[2].id]}
    values.update(overrides)
    return services.ConsultationData(**values)


def _errors(call, *args, **kwargs) -> dict:
    """The messages of the :class:`InvalidInput` that ``call`` raises."""
    with pytest.raises(services.InvalidInput) as caught:
        call(*args, **kwargs)
    return {key: str(message) for key, message in caught.value.errors.items()}


# --- consultations ------------------------------------------------------------------------------

def test_create_cleans_texts_and_starts_as_draft(db, admin):
    consultation = services.create_consultation(data(
        db, title={"de": "  Quartier  ", "en": ""}, summary={"de": None, "en": " "},
        body={"de": "Eins\r\n\r\nZwei\r", "en": "One"}), actor=admin)
    db.session.commit()
    consultation = db.session.get(Consultation, consultation.id)
    assert consultation.title == {"de": "Quartier"} and consultation.summary == {}
    assert consultation.body == {"de": "Eins\n\nZwei", "en": "One"}
    assert consultation.status is S.DRAFT and consultation.created_by_id == admin.id
    assert consultation.invite_token is None


def test_services_flush_but_do_not_commit(db, admin):
    consultation = services.create_consultation(data(db), actor=admin)
    assert consultation.id is not None  # flushed
    db.session.rollback()
    assert count(db, Consultation) == 0


@pytest.mark.parametrize("role", ["resident", "organisation_member", "moderator", "working_group"])
def test_only_administrators_may_run_staff_operations(db, seeded, role):
    actor = make_user(role)
    consultation = make_consultation(questions=[{"kind": QuestionKind.FREE_TEXT}])
    with pytest.raises(PermissionError):
        services.create_consultation(data(db), actor=actor)
    with pytest.raises(PermissionError):
        services.set_status(consultation, S.CLOSED, actor=actor)
    with pytest.raises(PermissionError):
        services.delete_question(consultation.questions[0], actor=actor)
    with pytest.raises(PermissionError):
        services.update_action_field(_fields(db)[0], services.ActionFieldData(name={"de": "X"}), actor=actor)
    with pytest.raises(PermissionError):
        services.create_consultation(data(db), actor=None)
    db.session.rollback()
    assert count(db, Consultation) == 1 and consultation.status is S.OPEN


def test_every_problem_is_reported_at_once(db, admin):
    make_consultation("vergeben")
    errors = _errors(services.create_consultation, data(
        db, slug="vergeben", title={"en": "English only"}, summary={"de": "x" * 501}, body={"en": "Text\x00"},
        scope=Scope.DISTRICT, district=" ", action_field_ids=[], department_id=99999,
        opens_at=datetime(2026, 5, 1), closes_at=datetime(2026, 4, 1)), actor=admin)
    assert errors == {
        "slug": "Another consultation already uses this address. Please choose a different one.",
        "title.de": "The German text is required.",
        "summary.de": "Please use at most 500 characters.",
        "body.en": "Please remove the invisible control characters from this text.",
        "district": "Please name the district: the area is “District”.",
        "action_fields": "Please choose at least one action field.",
        "department": "Please choose one of the options offered.",
        "closes_at": "The closing time must be after the opening time.",
    }
    assert count(db, Consultation) == 1


@pytest.mark.parametrize("slug, valid", [
    ("abc", True), ("a-1-b", True), ("x" * 80, True), ("ab", False), ("x" * 81, False), ("Abc", False),
    ("ab c", False), ("-abc", False), ("abc-", False), ("äbc", False), ("ab_c", False), ("", False),
])
def test_slug_rules(db, admin, slug, valid):
    if valid:
        assert services.create_consultation(data(db, slug=slug), actor=admin).slug == slug
    else:
        assert "slug" in _errors(services.create_consultation, data(db, slug=slug), actor=admin)


def test_texts_only_in_known_languages_and_enums_only(db, admin):
    errors = _errors(services.create_consultation, data(db, title={"de": "Titel", "xx": "?"},
                                                        kind="cross_cutting", visibility="public"), actor=admin)
    assert set(errors) == {"title", "kind", "visibility"}


def test_district_only_with_district_scope(db, admin):
    errors = _errors(services.create_consultation, data(db, scope=Scope.STATE, district="Vegesack"), actor=admin)
    assert errors == {"district": "Leave the district empty unless the area is “District”."}
    consultation = services.create_consultation(data(db, scope=Scope.DISTRICT, district=" Vegesack "), actor=admin)
    assert consultation.district == "Vegesack"


def test_update_keeps_own_slug_and_handles_the_invitation_link(db, admin):
    consultation = make_consultation("eigene", visibility=Visibility.INVITATION)
    token = consultation.invite_token
    services.update_consultation(consultation, data(db, slug="eigene", visibility=Visibility.INVITATION), actor=admin)
    assert consultation.invite_token == token  # kept while still by invitation
    services.update_consultation(consultation, data(db, slug="eigene", visibility=Visibility.INTERNAL), actor=admin)
    assert consultation.invite_token is None
    services.update_consultation(consultation, data(db, slug="eigene", visibility=Visibility.INVITATION), actor=admin)
    assert consultation.invite_token and consultation.invite_token != token


def test_regenerate_invite_token(db, admin):
    consultation = make_consultation(visibility=Visibility.INVITATION)
    old = consultation.invite_token
    new = services.regenerate_invite_token(consultation, actor=admin)
    assert new != old and consultation.invite_token == new and len(new) == 32
    public = make_consultation()
    with pytest.raises(services.ActionRefused):
        services.regenerate_invite_token(public, actor=admin)
    assert public.invite_token is None


def test_dashboard_rows_count_in_one_go(db, admin):
    busy = make_consultation(title={"de": "Viel", "en": "Busy"})
    make_contribution(busy)
    make_contribution(busy, status=ContributionStatus.PENDING)
    quiet = make_consultation(title={"de": "Ruhig"}, summary={"de": "Kurz"}, body={})
    rows = {row.consultation.id: row for row in services.dashboard_rows()}
    assert (rows[busy.id].contributions, rows[busy.id].pending) == (2, 1)
    others = [code for code in Config.LANGUAGES if code != "de"]
    assert (rows[quiet.id].contributions, rows[quiet.id].pending, rows[quiet.id].missing_languages) == (0, 0, others)


def test_missing_translations(db):
    others = [code for code in Config.LANGUAGES if code != "de"]
    complete = {code: "x" for code in Config.LANGUAGES}
    assert services.missing_translations(complete, {}, {"en": "only"}) == []
    assert services.missing_translations({"de": "a"}, {"de": "b", "en": " "}) == others
    assert services.missing_translations({**complete, "tr": ""}) == ["tr"]


# --- status ---------------------------------------------------------------------------------------

ALLOWED = {(S.DRAFT, S.OPEN), (S.OPEN, S.CLOSED), (S.OPEN, S.DRAFT), (S.CLOSED, S.OPEN), (S.CLOSED, S.EVALUATED)}


@pytest.mark.parametrize("start", list(S))
@pytest.mark.parametrize("target", list(S))
def test_transition_matrix(db, admin, start, target):
    consultation = make_consultation(status=start)
    assert (target in services.allowed_transitions(consultation)) == ((start, target) in ALLOWED)
    if (start, target) in ALLOWED:
        services.set_status(consultation, target, actor=admin)
        assert consultation.status is target
    else:
        with pytest.raises(services.ActionRefused):
            services.set_status(consultation, target, actor=admin)
        assert consultation.status is start


def test_opening_sets_a_missing_opening_time_only(db, admin):
    unset = make_consultation(status=S.DRAFT, opens_at=None)
    before = utcnow()
    services.set_status(unset, S.OPEN, actor=admin)
    assert before <= unset.opens_at <= utcnow()
    planned = datetime(2030, 1, 1, 9, 0)
    later = make_consultation(status=S.DRAFT, opens_at=planned, closes_at=datetime(2030, 2, 1))
    services.set_status(later, S.OPEN, actor=admin)
    assert later.opens_at == planned


def test_refusals_explain_themselves(db, admin):
    busy = make_consultation()
    make_contribution(busy)
    with pytest.raises(services.ActionRefused, match="already has contributions"):
        services.set_status(busy, S.DRAFT, actor=admin)
    empty = make_consultation(status=S.DRAFT, questions=[])
    with pytest.raises(services.ActionRefused, match="at least one question"):
        services.set_status(empty, S.OPEN, actor=admin)
    past = make_consultation(status=S.CLOSED, closes_in=timedelta(hours=-1))
    with pytest.raises(services.ActionRefused, match="closing time has passed"):
        services.set_status(past, S.OPEN, actor=admin)
    assert [p is None for _, p in services.transition_choices(past)] == [False, True]


def test_status_change_is_announced(db, admin):
    consultation = make_consultation()
    received = []

    def listener(sender, **extra):
        received.append((sender, extra["actor"], extra["previous"]))

    services.status_changed.connect(listener)
    try:
        services.set_status(consultation, S.CLOSED, actor=admin)
    finally:
        services.status_changed.disconnect(listener)
    assert received == [(consultation, admin, S.OPEN)]


# --- questions ------------------------------------------------------------------------------------

def question(kind=QuestionKind.SINGLE_CHOICE, options=("Ja", "Nein"), **kwargs) -> services.QuestionData:
    values = {"kind": kind, "prompt": {"de": "Frage?"},
              "options": [o if isinstance(o, dict) else {"de": o} for o in options]}
    values.update(kwargs)
    return services.QuestionData(**values)


@pytest.fixture()
def answered(db, admin):
    """A consultation whose single-choice question has one answer choosing option 3 of 4."""
    consultation = make_consultation(questions=[{"kind": QuestionKind.FREE_TEXT},
                                                {"kind": QuestionKind.SINGLE_CHOICE, "options": ["A", "B", "C", "D"]}])
    choice = consultation.questions[1]
    contribution = Contribution(consultation=consultation, language="de")
    contribution.answers = [Answer(question=choice, choices=[choice.options[2]])]
    db.session.add(contribution)
    db.session.commit()
    return consultation


def test_add_question_appends_with_clean_options(db, admin, answered):
    added = services.add_question(answered, question(options=[{"de": " Ja ", "en": "Yes"}, {"de": "Nein", "en": ""}],
                                                     help_text={"en": "Pick one"}, required=True), actor=admin)
    assert added.position == 2 and added.required is True and added.help_text == {"en": "Pick one"}
    assert [(o.position, o.label) for o in added.options] == [(0, {"de": "Ja", "en": "Yes"}), (1, {"de": "Nein"})]
    free = services.add_question(answered, question(kind=QuestionKind.SCALE, options=["dropped", "too"]), actor=admin)
    assert free.options == [] and free.position == 3


@pytest.mark.parametrize("options, key, message", [
    (["Ja"], "options.de", "between 2 and 30"),
    ([f"O{i}" for i in range(31)], "options.de", "between 2 and 30"),
    (["Ja", {"en": "No"}], "options.de", "Option 2 has no German label"),
    (["Ja", "x" * 201], "options.de", "Option 2 is longer than 200 characters."),
    (["Ja", {"de": "Nein", "en": "x" * 201}], "options.en", "Option 2 is longer than 200 characters."),
    (["Ja", "JA"], "options.de", "Option 2 repeats an earlier option."),
    (["Ja", "Nein\nVielleicht"], "options.de", "control characters"),
    (["Ja", {"de": "Nein", "fr": "Non"}], "options", "interface languages"),
])
def test_option_rules(db, admin, answered, options, key, message):
    errors = _errors(services.add_question, answered, question(options=options), actor=admin)
    assert message in errors[key]
    assert count(db, Question) == 2


def test_prompt_rules(db, admin, answered):
    errors = _errors(services.add_question, answered, question(prompt={"en": "x" * 1001}, help_text={"de": "y" * 1001},
                                                               kind="single"), actor=admin)
    assert set(errors) == {"prompt.en", "prompt.de", "help_text.de", "kind"}


def test_update_keeps_option_ids_by_position(db, admin, answered):
    choice = answered.questions[1]
    ids = [o.id for o in choice.options]
    services.update_question(choice, question(options=["A1", "B1", "C1", "D1", "E1"]), actor=admin)
    db.session.commit()
    choice = db.session.get(Question, choice.id)
    assert [o.id for o in choice.options[:4]] == ids and len(choice.options) == 5
    assert [o.label for o in choice.options] == [{"de": f"{x}1"} for x in "ABCDE"]
    assert [o.position for o in choice.options] == [0, 1, 2, 3, 4]
    answer = db.session.scalars(sa.select(Answer).where(Answer.question_id == choice.id)).one()
    assert [o.id for o in answer.choices] == [ids[2]]


def test_update_removes_unchosen_options_only(db, admin, answered):
    choice = answered.questions[1]
    services.update_question(choice, question(options=["A", "B", "C"]), actor=admin)
    db.session.flush()
    assert count(db, QuestionOption) == 3
    errors = _errors(services.update_question, choice, question(options=["A", "B"]), actor=admin)
    assert errors == {"options.de": "Option 3 has already been chosen in answers and cannot be removed. "
                                    "You can change its wording instead."}
    assert [o.label["de"] for o in choice.options] == ["A", "B", "C"]


def test_update_refuses_kind_change_once_answered(db, admin, answered):
    choice = answered.questions[1]
    errors = _errors(services.update_question, choice, question(kind=QuestionKind.MULTIPLE_CHOICE,
                                                                options=["A", "B", "C", "D"]), actor=admin)
    assert set(errors) == {"kind"}
    errors = _errors(services.update_question, choice, question(kind=QuestionKind.FREE_TEXT, options=[]), actor=admin)
    assert set(errors) == {"kind", "options.de"}
    assert choice.kind is QuestionKind.SINGLE_CHOICE and len(choice.options) == 4


def test_unanswered_question_may_change_kind(db, admin, answered):
    free = answered.questions[0]
    services.update_question(free, question(kind=QuestionKind.MULTIPLE_CHOICE, options=["X", "Y"]), actor=admin)
    assert free.kind is QuestionKind.MULTIPLE_CHOICE and len(free.options) == 2
    services.update_question(free, question(kind=QuestionKind.FREE_TEXT), actor=admin)
    db.session.flush()
    assert free.options == [] and count(db, QuestionOption) == 4


def test_delete_question(db, admin, answered):
    free, choice = answered.questions
    with pytest.raises(services.ActionRefused, match="already has answers"):
        services.delete_question(choice, actor=admin)
    services.delete_question(free, actor=admin)
    db.session.commit()
    consultation = db.session.get(Consultation, answered.id)
    assert [(q.id, q.position) for q in consultation.questions] == [(choice.id, 0)]


def test_move_question(db, admin):
    consultation = make_consultation(questions=[{"kind": QuestionKind.FREE_TEXT}] * 3)
    a, b, c = consultation.questions
    services.move_question(c, -1, actor=admin)
    assert (a.position, c.position, b.position) == (0, 1, 2)
    services.move_question(a, -1, actor=admin)
    assert a.position == 0
    with pytest.raises(ValueError):
        services.move_question(a, 2, actor=admin)


# --- action fields ----------------------------------------------------------------------------------

def test_update_action_field(db, admin):
    field = _fields(db)[0]
    services.update_action_field(field, services.ActionFieldData(
        name={"de": " Sprache ", "en": ""}, description={"en": "Learning"}, position=7), actor=admin)
    assert (field.name, field.description, field.position) == ({"de": "Sprache"}, {"en": "Learning"}, 7)
    errors = _errors(services.update_action_field, field, services.ActionFieldData(
        name={"en": "Language"}, position=1000), actor=admin)
    assert set(errors) == {"name.de", "position"}
    assert field.position == 7


def test_departments_are_listed(db, seeded):
    assert len(services.departments()) == count(db, Department) > 0
