"""The self-description in aggregates: a group is only shown with at least 5 people, smaller
groups are merged into "other", an "other" of 1 to 4 people is suppressed, and no suppressed
number can be worked out from the numbers shown. A privacy guarantee: tested case by case."""
from __future__ import annotations

import pytest

from app.contributions.models import ParticipantProfile
from app.contributions.self_description import (
    FIELDS,
    NO_ANSWER,
    PREFER_NOT,
    self_description_aggregates,
)
from app.extensions import db as _db
from tests.factories import make_consultation, make_contribution


@pytest.fixture()
def consultation(seeded):
    return make_consultation()


def people(consultation, count: int, **answers) -> None:
    """``count`` contributions, each with a self-description of ``answers`` (none if empty)."""
    for _ in range(count):
        contribution = make_contribution(consultation, "Beitrag")
        if answers:
            _db.session.add(ParticipantProfile(contribution_id=contribution.id, consultation_id=consultation.id,
                                               languages=answers.get("languages", []),
                                               **{k: v for k, v in answers.items() if k != "languages"}))
    _db.session.commit()


def field(consultation, name, **kwargs):
    return self_description_aggregates([consultation.id], **kwargs).fields[name]


def test_a_group_of_exactly_five_is_shown(db, consultation):
    people(consultation, 5, gender="woman")
    result = field(consultation, "gender")
    assert result.groups == (("woman", 5),)
    assert result.other == 0 and not result.other_suppressed


def test_a_group_of_four_is_never_shown(db, consultation):
    people(consultation, 4, gender="woman")
    result = field(consultation, "gender")
    assert result.groups == ()
    assert result.other is None and result.other_suppressed


def test_small_groups_are_merged_into_other(db, consultation):
    people(consultation, 7, gender="woman")
    people(consultation, 6, gender="man")
    people(consultation, 3, gender="non_binary")
    people(consultation, 2, gender="another")
    result = field(consultation, "gender")
    assert result.groups == (("woman", 7), ("man", 6))
    assert result.other == 5 and not result.other_suppressed


def test_a_small_other_is_not_left_to_be_worked_out(db, consultation):
    # 7 + 6 + 2 = 15 people described themselves (that number is known): showing 7 and 6 would
    # give away the 2 in "other". The smallest group shown is merged in as well.
    people(consultation, 7, gender="woman")
    people(consultation, 6, gender="man")
    people(consultation, 2, gender="non_binary")
    result = field(consultation, "gender")
    assert result.groups == (("woman", 7),)
    assert result.other == 8 and not result.other_suppressed


def test_other_below_five_is_suppressed_when_nothing_can_be_merged(db, consultation):
    people(consultation, 2, gender="woman")
    people(consultation, 1, gender="man")
    result = field(consultation, "gender")
    assert result.groups == () and result.other is None and result.other_suppressed


def test_prefer_not_to_say_and_no_answer_are_groups_like_the_others(db, consultation):
    people(consultation, 5, gender=PREFER_NOT, age_group="18_29")
    people(consultation, 5, age_group="18_29")  # no answer about gender
    people(consultation, 4)  # no self-description at all
    result = self_description_aggregates([consultation.id])
    assert result.people == 14 and result.answered_nothing == 4
    assert result.fields["gender"].groups == ((PREFER_NOT, 5), (NO_ANSWER, 5))
    assert result.fields["age_group"].groups == (("18_29", 10),)
    assert result.fields["gender"].other == 0


def test_the_number_who_answered_nothing_is_counted(db, consultation):
    people(consultation, 3)
    people(consultation, 1, district="hb-vahr")
    result = self_description_aggregates([consultation.id])
    assert (result.people, result.answered_nothing) == (4, 3)
    assert result.fields["district"].groups == () and result.fields["district"].other_suppressed


def test_languages_count_every_language_a_person_named(db, consultation):
    people(consultation, 5, languages=["de", "tr"])
    people(consultation, 2, languages=["de", "ku"])
    people(consultation, 3, languages=["fa"])
    result = field(consultation, "languages")
    # ku (2) and fa (3): 5 different people in "other"
    assert result.groups == (("de", 7), ("tr", 5))
    assert result.other == 5 and not result.other_suppressed


def test_languages_small_other_is_merged_further(db, consultation):
    people(consultation, 5, languages=["de"])
    people(consultation, 6, languages=["tr"])
    people(consultation, 1, languages=["ti"])
    result = field(consultation, "languages")
    assert result.groups == (("tr", 6),)
    assert result.other == 6


def test_only_the_chosen_consultations_count(db, consultation, seeded):
    other = make_consultation()
    people(consultation, 5, disability="yes")
    people(other, 5, disability="no")
    mine = field(consultation, "disability")
    assert mine.groups == (("yes", 5),)
    both = self_description_aggregates([consultation.id, other.id]).fields["disability"]
    assert both.groups == (("yes", 5), ("no", 5))
    empty = self_description_aggregates([])
    assert empty.people == 0 and all(f.groups == () and f.other == 0 for f in empty.fields.values())


def test_a_different_threshold_can_be_asked_for(db, consultation):
    people(consultation, 3, migration_history="own")
    assert field(consultation, "migration_history", min_group=3).groups == (("own", 3),)
    with pytest.raises(ValueError):
        self_description_aggregates([consultation.id], min_group=0)


@pytest.mark.parametrize("sizes", [
    (1,), (4,), (5,), (4, 1), (5, 4), (5, 5), (6, 4, 1), (9, 1), (5, 5, 4), (5, 5, 1, 1, 1),
    (12, 7, 3, 1), (20, 5, 4), (1, 1, 1, 1, 1), (8, 8, 8, 2, 2),
])
def test_no_group_or_other_below_five_is_ever_shown_or_derivable(db, consultation, sizes):
    values = ["woman", "man", "non_binary", "another", PREFER_NOT]
    for value, size in zip(values, sizes):
        people(consultation, size, gender=value)
    result = field(consultation, "gender")
    total = sum(sizes)
    shown = sum(count for _value, count in result.groups)
    assert all(count >= 5 for _value, count in result.groups)
    if result.other_suppressed:
        assert result.other is None and result.groups == ()  # nothing shown that could be subtracted
        assert 0 < total < 5
    else:
        assert result.other == 0 or result.other >= 5
        assert shown + result.other == total
    # every group of 5 or more that did not have to give way to protect a smaller one is shown
    assert {v for v, _c in result.groups} <= {v for v, s in zip(values, sizes) if s >= 5}


def test_every_field_is_reported(db, consultation):
    people(consultation, 5, age_group="65_plus", district="bhv-lehe", languages=["ru"], migration_history="none",
           gender="man", disability="no")
    result = self_description_aggregates([consultation.id])
    assert set(result.fields) == set(FIELDS)
    for name, value in [("age_group", "65_plus"), ("district", "bhv-lehe"), ("languages", "ru"),
                        ("migration_history", "none"), ("gender", "man"), ("disability", "no")]:
        assert result.fields[name].groups == ((value, 5),)

