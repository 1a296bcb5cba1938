"""The voluntary self-description: its fixed answer lists, checking and storing it, and the
aggregates the working group may see.

A self-description is stored in :class:`ParticipantProfile`, apart from the contribution, and is
never shown with it or published. It is only ever reported through
:func:`self_description_aggregates`, which shows a group only when it has at least ``min_group``
people (the k-anonymity rule, k = 5).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.contributions.models import Contribution, ParticipantProfile
from app.extensions import db
from app.i18n.languages import CONTRIBUTION_LANGUAGES

PREFER_NOT = "prefer_not_to_say"
NO_ANSWER = "no_answer"  # a field left empty in a self-description (a group in the aggregates)
OTHER_LANGUAGE = "other"
MIN_GROUP = 5

AGE_GROUPS = {
    "under_18": _l("Under 18"),
    "18_29": _l("18 to 29"),
    "30_44": _l("30 to 44"),
    "45_64": _l("45 to 64"),
    "65_plus": _l("65 or older"),
}
MIGRATION_HISTORIES = {
    "none": _l("No migration history"),
    "own": _l("I moved to Germany myself"),
    "parents": _l("My parents or one of them moved to Germany"),
}
GENDERS = {
    "woman": _l("Woman"),
    "man": _l("Man"),
    "non_binary": _l("Non-binary"),
    "another": _l("Another gender"),
}
DISABILITIES = {
    "yes": _l("Yes"),
    "no": _l("No"),
}

# Districts at the level of the Stadtteile, where the local advisory boards (Beiräte) work:
# fine enough to see which neighbourhoods are missing, coarse enough that the k=5 rule leaves
# something to report. Place names are proper names and are not translated.
BREMEN_DISTRICTS = {
    "hb-blockland": "Blockland", "hb-blumenthal": "Blumenthal", "hb-borgfeld": "Borgfeld",
    "hb-burglesum": "Burglesum", "hb-findorff": "Findorff", "hb-groepelingen": "Gröpelingen",
    "hb-haefen": "Häfen", "hb-hemelingen": "Hemelingen", "hb-horn-lehe": "Horn-Lehe",
    "hb-huchting": "Huchting", "hb-mitte": "Mitte", "hb-neustadt": "Neustadt",
    "hb-oberneuland": "Oberneuland", "hb-obervieland": "Obervieland",
    "hb-oestliche-vorstadt": "Östliche Vorstadt", "hb-osterholz": "Osterholz",
    "hb-schwachhausen": "Schwachhausen", "hb-seehausen": "Seehausen", "hb-strom": "Strom",
    "hb-vahr": "Vahr", "hb-vegesack": "Vegesack", "hb-walle": "Walle",
    "hb-woltmershausen": "Woltmershausen",
}
BREMERHAVEN_DISTRICTS = {
    "bhv-fischereihafen": "Fischereihafen", "bhv-geestemuende": "Geestemünde", "bhv-leherheide": "Leherheide",
    "bhv-lehe": "Lehe", "bhv-mitte": "Mitte", "bhv-schiffdorferdamm": "Schiffdorferdamm",
    "bhv-surheide": "Surheide", "bhv-weddewarden": "Weddewarden", "bhv-wulsdorf": "Wulsdorf",
}
OUTSIDE = "outside"
DISTRICT_GROUPS = (
    (_l("City of Bremen"), BREMEN_DISTRICTS),
    (_l("Bremerhaven"), BREMERHAVEN_DISTRICTS),
)


def district_label(value: str):
    """The name of a district value, with its city (``Mitte (Bremerhaven)``)."""
    if value in BREMEN_DISTRICTS:
        return _l("%(district)s (Bremen)", district=BREMEN_DISTRICTS[value])
    if value in BREMERHAVEN_DISTRICTS:
        return _l("%(district)s (Bremerhaven)", district=BREMERHAVEN_DISTRICTS[value])
    return _l("Outside Bremen and Bremerhaven") if value == OUTSIDE else value


def language_values() -> list[str]:
    """Languages one can name as spoken: the contribution languages, and "another language"."""
    return [code for code in CONTRIBUTION_LANGUAGES if code != "und"] + [OTHER_LANGUAGE]


# field name -> the values it may hold (besides PREFER_NOT); ``languages`` holds a list
SINGLE_FIELDS = {
    "age_group": tuple(AGE_GROUPS),
    "district": (*BREMEN_DISTRICTS, *BREMERHAVEN_DISTRICTS, OUTSIDE),
    "migration_history": tuple(MIGRATION_HISTORIES),
    "gender": tuple(GENDERS),
    "disability": tuple(DISABILITIES),
}
FIELDS = ("age_group", "district", "languages", "migration_history", "gender", "disability")


class InvalidSelfDescription(ValueError):
    """A value outside the fixed lists; ``field`` names the field."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


def clean_self_description(data: dict | None) -> dict:
    """The checked self-description: only known fields and values, empty answers left out.

    ``languages`` is a list of codes, or ``[PREFER_NOT]`` alone. Raises :class:`InvalidSelfDescription`.
    """
    cleaned: dict = {}
    for name, value in (data or {}).items():
        if name not in FIELDS:
            raise InvalidSelfDescription(name)
        if name == "languages":
            values = list(dict.fromkeys(value or []))
            if not isinstance(value, (list, tuple)) or any(not isinstance(v, str) for v in values):
                raise InvalidSelfDescription(name)
            allowed = set(language_values())
            if PREFER_NOT in values and len(values) > 1 or any(v not in allowed and v != PREFER_NOT for v in values):
                raise InvalidSelfDescription(name)
            if values:
                cleaned[name] = values
        elif value not in (None, ""):
            if not isinstance(value, str) or (value != PREFER_NOT and value not in SINGLE_FIELDS[name]):
                raise InvalidSelfDescription(name)
            cleaned[name] = value
    return cleaned


def store_self_description(contribution: Contribution, data: dict | None) -> ParticipantProfile | None:
    """Store a self-description apart from the flushed ``contribution``, only when at least one
    field was answered ("prefer not to say" counts as an answer); flushes."""
    cleaned = clean_self_description(data)
    if not cleaned:
        return None
    profile = ParticipantProfile(contribution_id=contribution.id, consultation_id=contribution.consultation_id,
                                 languages=cleaned.pop("languages", []), **cleaned)
    db.session.add(profile)
    db.session.flush()
    return profile


def profile_as_dict(profile: ParticipantProfile) -> dict:
    """A self-description as plain data (for the person's own data export only)."""
    return {"age_group": profile.age_group, "district": profile.district, "languages": list(profile.languages or []),
            "migration_history": profile.migration_history, "gender": profile.gender,
            "disability": profile.disability}


# --------------------------------------------------------------------------------- aggregates

@dataclass(frozen=True)
class FieldAggregate:
    """One field of the self-description in groups of at least ``min_group`` people.

    ``groups``: ``(value, count)`` for every value chosen by at least ``min_group`` people,
    ``prefer_not_to_say`` and ``no_answer`` (left empty) included, in the order of the answer list.
    ``other``: people in the smaller groups, merged; ``None`` when that is 1 to ``min_group - 1``
    people (``other_suppressed``: reported only as "fewer than 5"), 0 when nobody was merged.
    For ``languages`` a person may be counted in several groups (one per language named).
    """

    name: str
    groups: tuple[tuple[str, int], ...]
    other: int | None
    other_suppressed: bool


@dataclass(frozen=True)
class SelfDescriptionAggregates:
    """Who took part in some consultations, as far as the k-anonymity rule allows to say.

    ``people``: contributions; ``answered_nothing``: contributions without a self-description;
    ``fields``: one :class:`FieldAggregate` per field, about the people who described themselves.
    """

    people: int
    answered_nothing: int
    min_group: int
    fields: dict[str, FieldAggregate]


def _rank(name: str, value: str) -> tuple[int, str]:
    """Position of ``value`` in the answer list of ``name`` (unknown values last)."""
    values = [*(language_values() if name == "languages" else SINGLE_FIELDS[name]), PREFER_NOT, NO_ANSWER]
    return (values.index(value), "") if value in values else (len(values), value)


def _aggregate_field(name: str, answers: list[list[str]], min_group: int) -> FieldAggregate:
    """``answers``: per person, the values they gave for this field (``[NO_ANSWER]`` if none)."""
    members: dict[str, set[int]] = {}
    for person, values in enumerate(answers):
        for value in values:
            members.setdefault(value, set()).add(person)
    shown = {value for value, people in members.items() if len(people) >= min_group}
    merged = set(members) - shown

    def other_people() -> set[int]:
        return set().union(*(members[value] for value in merged)) if merged else set()

    # Complementary suppression: the number of people who described themselves is known, so a
    # small "other" could be worked out from it and the shown groups. Merge the smallest shown
    # group into "other" until "other" is empty or reaches ``min_group`` (or nothing is left).
    other = other_people()
    while 0 < len(other) < min_group and shown:
        smallest = min(shown, key=lambda value: (len(members[value]), _rank(name, value)))
        shown.discard(smallest)
        merged.add(smallest)
        other = other_people()
    suppressed = 0 < len(other) < min_group
    groups = tuple((value, len(members[value])) for value in sorted(shown, key=lambda v: _rank(name, v)))
    return FieldAggregate(name=name, groups=groups, other=None if suppressed else len(other),
                          other_suppressed=suppressed)


def self_description_aggregates(consultation_ids, min_group: int = MIN_GROUP) -> SelfDescriptionAggregates:
    """Counts per value of each self-description field over the contributions to
    ``consultation_ids``: groups of fewer than ``min_group`` people merged into "other", an
    "other" of 1 to ``min_group - 1`` people suppressed; plus how many people said nothing."""
    if min_group < 1:
        raise ValueError("min_group must be at least 1")
    ids = [int(i) for i in consultation_ids]
    people = db.session.scalar(sa.select(sa.func.count(Contribution.id))
                               .where(Contribution.consultation_id.in_(ids))) if ids else 0
    profiles = db.session.scalars(
        sa.select(ParticipantProfile)
        .join(Contribution, Contribution.id == ParticipantProfile.contribution_id)
        .where(Contribution.consultation_id.in_(ids))
    ).all() if ids else []
    fields = {}
    for name in FIELDS:
        if name == "languages":
            answers = [list(p.languages or []) or [NO_ANSWER] for p in profiles]
        else:
            answers = [[getattr(p, name) or NO_ANSWER] for p in profiles]
        fields[name] = _aggregate_field(name, answers, min_group)
    return SelfDescriptionAggregates(people=people or 0, answered_nothing=(people or 0) - len(profiles),
                                     min_group=min_group, fields=fields)
