"""The summary figures (app/analysis/stats.py) on a constructed dataset."""
from __future__ import annotations

import json
from datetime import date, datetime

import pytest

from app.analysis import stats
from app.analysis.themes import consultation_scope
from app.consultations.models import QuestionKind, Scope
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus, ParticipantProfile
from app.extensions import db
from tests.factories import make_consultation, make_organisation, make_user

QUESTIONS = [
    {"kind": QuestionKind.FREE_TEXT, "required": True, "prompt": {"de": "Was fehlt?"}},
    {"kind": QuestionKind.SINGLE_CHOICE, "prompt": {"de": "Wie erfahren?"}, "options": ["Zeitung", "Verein", "Freunde"]},
    {"kind": QuestionKind.SCALE, "prompt": {"de": "Zustimmung"}},
]


def add(consultation, *, language="de", channel=Channel.ONLINE, author=None, choice=None, scale=None,
        created=datetime(2025, 3, 5, 10), status=ContributionStatus.PUBLISHED, organisation=None, text="Text",
        profile=None):
    free, single, scale_q = consultation.questions
    contribution = Contribution(consultation=consultation, language=language, channel=channel, author=author,
                                status=status, text=text, created_at=created, organisation=organisation)
    answers = [Answer(question=free, text=text)]
    if choice is not None:
        answers.append(Answer(question=single, choices=[single.options[choice]]))
    if scale is not None:
        answers.append(Answer(question=scale_q, scale_value=scale))
    contribution.answers = answers
    db.session.add(contribution)
    db.session.flush()
    if profile:
        db.session.add(ParticipantProfile(contribution_id=contribution.id, consultation_id=consultation.id,
                                          languages=[], **profile))
    db.session.commit()
    return contribution


@pytest.fixture()
def dataset(db):
    consultation = make_consultation(questions=QUESTIONS)
    user = make_user()
    org = make_organisation()
    for i in range(6):  # week 10 of 2025, German, anonymous, online
        add(consultation, choice=0, scale=4, created=datetime(2025, 3, 3 + i % 5, 10),
            profile={"district": "hb-mitte"})
    for i in range(5):  # week 12, English; two by the same signed-in person
        add(consultation, language="en", choice=1, scale=2, author=user if i < 2 else None,
            created=datetime(2025, 3, 17, 9), profile={"district": "hb-vahr"} if i < 3 else None)
    for _ in range(2):  # week 12, Turkish, on paper
        add(consultation, language="tr", channel=Channel.PAPER, choice=2, scale=5, created=datetime(2025, 3, 18, 9))
    add(consultation, channel=Channel.STATEMENT, organisation=org, created=datetime(2025, 3, 19, 9))
    add(consultation, status=ContributionStatus.HIDDEN, choice=0, scale=1)  # never counted
    return consultation


def test_participation_counts(dataset):
    data = stats.summary_stats(consultation_scope(dataset))
    assert data["contributions"] == 14
    # 1 signed-in person (two contributions) + 12 anonymous contributions
    assert data["signed_in_participants"] == 1
    assert data["anonymous_contributions"] == 12
    assert data["participants"] == 13
    assert data["by_language"] == [["de", 7], ["en", 5], ["tr", 2]]
    assert dict(data["by_channel"]) == {"online": 11, "workshop": 0, "paper": 2, "statement": 1}
    assert data["by_origin"] == {"organisation": 1, "individual": 13}
    # weeks in order, the empty week 11 included
    assert data["by_week"] == [["2025-W10", 6], ["2025-W11", 0], ["2025-W12", 8]]
    answered = {q["kind"]: q["answers"] for q in data["by_question"]}
    assert answered == {"free_text": 14, "single_choice": 13, "scale": 13}
    json.dumps(data)  # plain data, for the API


def test_district_counts_follow_the_k_rule(dataset):
    data = stats.summary_stats(consultation_scope(dataset))
    district = data["by_district"]
    # Mitte: 6 people; Vahr: 3 (too few) merged; "not recorded": 5 -> shown
    groups = dict(district["groups"])
    assert groups.get("hb-mitte") == 6
    assert "hb-vahr" not in groups
    assert groups.get(stats.NOT_RECORDED) is None or groups[stats.NOT_RECORDED] >= 5
    hidden = 14 - sum(groups.values())
    assert hidden == 0 or hidden >= 5  # no small remainder that could be worked out
    assert district["source"] == "consultation_and_self_description"


def test_district_of_a_district_consultation(db):
    consultation = make_consultation(questions=QUESTIONS, scope=Scope.DISTRICT, district="Gröpelingen")
    for _ in range(5):
        add(consultation)
    data = stats.summary_stats(consultation_scope(consultation))
    assert data["by_district"]["groups"] == [["Gröpelingen", 5]]


def test_no_district_data_is_said_honestly(db):
    consultation = make_consultation(questions=QUESTIONS)
    for _ in range(5):
        add(consultation)
    assert stats.summary_stats(consultation_scope(consultation))["by_district"]["groups"] == [[stats.NOT_RECORDED, 5]]


def test_self_description_only_in_groups_of_five(dataset):
    described = stats.summary_stats(consultation_scope(dataset))["self_description"]
    assert described["people"] == 15 and described["answered_nothing"] == 6  # the hidden one counts here
    # Mitte 6, Vahr 3: Vahr alone would be "other: 3", which could be worked out; so both are merged.
    assert described["fields"]["district"] == {"groups": [], "other": 9, "other_suppressed": False}
    for _ in range(2):
        add(dataset, profile={"district": "hb-vahr"})
    district = stats.summary_stats(consultation_scope(dataset))["self_description"]["fields"]["district"]
    assert district["groups"] == [["hb-mitte", 6], ["hb-vahr", 5]]


def test_closed_question_results(dataset):
    closed = {q["kind"]: q for q in stats.summary_stats(consultation_scope(dataset))["closed_questions"]}
    choice = closed["single_choice"]
    assert choice["answers"] == 13
    assert [o["count"] for o in choice["options"]] == [6, 5, 2]
    assert choice["options"][0]["label"] == {"de": "Zeitung"}
    scale = closed["scale"]
    assert scale["answers"] == 13
    assert dict(scale["scale"]) == {1: 0, 2: 5, 3: 0, 4: 6, 5: 2}
    assert scale["mean"] == round((6 * 4 + 5 * 2 + 2 * 5) / 13, 2)


def test_group_comparison_suppresses_small_groups(dataset):
    closed = {q["kind"]: q for q in stats.summary_stats(consultation_scope(dataset))["closed_questions"]}
    by_language = closed["scale"]["groups"]["language"]
    # de 6, en 5, tr 2: tr is too small; leaving out only tr would let it be worked out from the
    # total, so en goes too; one group left is no comparison.
    assert by_language == {"shown": [], "suppressed": 3}


def test_group_comparison_shows_groups_of_five(db):
    consultation = make_consultation(questions=QUESTIONS)
    for _ in range(6):
        add(consultation, scale=4)
    for _ in range(5):
        add(consultation, language="ar", scale=2)
    for _ in range(5):
        add(consultation, language="uk", scale=3)
    data = stats.summary_stats(consultation_scope(consultation))
    groups = next(q for q in data["closed_questions"] if q["kind"] == "scale")["groups"]["language"]
    assert [g["value"] for g in groups["shown"]] == ["de", "ar", "uk"]
    assert groups["suppressed"] == 0
    assert groups["shown"][1] == {"value": "ar", "answers": 5, "scale": [[1, 0], [2, 5], [3, 0], [4, 0], [5, 0]],
                                  "mean": 2.0}


@pytest.mark.parametrize("sizes, shown, suppressed", [
    ({"a": 6, "b": 5, "c": 5, "d": 1}, ["a", "c"], 2),  # d alone (1) could be worked out: b goes too
    ({"a": 9, "b": 7}, ["a", "b"], 0),
    ({"a": 9, "b": 4}, [], 2),  # one group is no comparison
    ({"a": 5, "b": 5, "c": 3, "d": 2}, ["a", "b"], 2),  # c + d = 5 left out: fine
])
def test_compare_groups(sizes, shown, suppressed):
    result = stats.compare_groups({k: [0] * n for k, n in sizes.items()})
    assert sorted(result["shown"]) == sorted(shown)
    assert result["suppressed"] == suppressed


def test_statements_listed_apart(dataset):
    from app.organisations.models import Statement

    statement_contribution = db.session.query(Contribution).filter_by(channel=Channel.STATEMENT).one()
    db.session.add(Statement(contribution_id=statement_contribution.id, organisation_id=statement_contribution.organisation_id,
                             consultation_id=dataset.id, title="Stellungnahme zur Kita"))
    db.session.commit()
    statements = stats.summary_stats(consultation_scope(dataset))["statements"]
    assert len(statements) == 1
    assert statements[0]["title"] == "Stellungnahme zur Kita"
    assert statements[0]["organisation"] == statement_contribution.organisation.name
    assert statements[0]["contribution_id"] == statement_contribution.id


def test_new_since(dataset):
    data = stats.summary_stats(consultation_scope(dataset), since=date(2025, 3, 17))
    new = data["new_since"]
    assert new["count"] == 8
    assert dict(new["by_language"]) == {"en": 5, "tr": 2, "de": 1}
    assert len(new["items"]) == 8
    assert new["items"][0]["created_at"].startswith("2025-03-19")  # newest first
    assert new["by_theme"] == [] and new["unthemed"] is None  # no themes yet
    assert stats.summary_stats(consultation_scope(dataset))["new_since"] is None


def test_new_since_per_theme(dataset):
    from app.analysis.models import Theme, ThemeAssignment

    scope = consultation_scope(dataset)
    theme = Theme(scope_key=scope, label="Kita")
    db.session.add(theme)
    db.session.flush()
    english = db.session.query(Contribution).filter_by(language="en").all()
    db.session.add_all(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=c.id) for c in english)
    db.session.commit()
    new = stats.summary_stats(scope, since=date(2025, 3, 17))["new_since"]
    assert new["by_theme"] == [["Kita", 5]]
    assert new["unthemed"] == 3


def test_field_scope_with_dates(seeded):
    from app.consultations.models import ActionField

    field = db.session.query(ActionField).filter_by(slug="language").one()
    consultation = make_consultation(questions=QUESTIONS, action_fields=[field])
    other = make_consultation(questions=QUESTIONS)
    add(consultation, created=datetime(2025, 1, 10, 12))
    add(consultation, created=datetime(2025, 2, 10, 12))
    add(other, created=datetime(2025, 2, 10, 12))
    assert stats.summary_stats(stats.field_scope("language"))["contributions"] == 2
    scope = stats.field_scope("language", date(2025, 2, 1), date(2025, 2, 10))
    data = stats.summary_stats(scope)
    assert data["contributions"] == 1
    assert data["by_district"]["source"] == "consultation"  # a chosen period: no self-described district
    assert [c["id"] for c in data["consultations"]] == [consultation.id]
    with pytest.raises(stats.BadScope):
        stats.field_scope("language", date(2025, 2, 2), date(2025, 2, 1))


def test_field_scope_days_are_bremen_days(seeded):
    """A range ends at midnight in Bremen, not in UTC: 23:30 UTC on 10 February is already the
    11th in Bremen (UTC+1), 23:30 UTC on 9 February is still the 10th."""
    from app.consultations.models import ActionField

    field = db.session.query(ActionField).filter_by(slug="language").one()
    consultation = make_consultation(questions=QUESTIONS, action_fields=[field])
    add(consultation, created=datetime(2025, 1, 31, 22, 30))  # still 31 January (23:30) in Bremen
    add(consultation, created=datetime(2025, 1, 31, 23, 30))  # 1 February, 00:30 in Bremen
    add(consultation, created=datetime(2025, 2, 9, 23, 30))  # 10 February, 00:30 in Bremen
    add(consultation, created=datetime(2025, 2, 10, 23, 30))  # 11 February in Bremen
    scope = stats.field_scope("language", date(2025, 2, 1), date(2025, 2, 10))
    assert stats.summary_stats(scope)["contributions"] == 2
    assert stats.summary_stats(stats.field_scope("language", date(2025, 2, 11), None))["contributions"] == 1
    assert stats.summary_stats(stats.field_scope("language", None, date(2025, 1, 31)))["contributions"] == 1


@pytest.mark.parametrize("value", ["2025-13-01", "31.03.2025", "2025-3-1", "x" * 50, "２０２５-０１-０１"])
def test_parse_day_refuses(value):
    with pytest.raises(stats.BadScope):
        stats.parse_day(value)


def test_parse_day():
    assert stats.parse_day("2025-03-31") == date(2025, 3, 31)
    assert stats.parse_day("") is None
