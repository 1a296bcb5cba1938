"""Figures the working group acts on: participation, closed-question results, statements and what
is new since a date, for a scope (one consultation, or an action field and a date range).

A scope is the key the theme analysis uses (``consultation:<id>`` or ``field:<slug>:<from>:<to>``,
see :mod:`app.analysis.themes`); only *published* contributions count. :func:`summary_stats` is the
one service the summary pages, the memo, the exports and the JSON summary (API, command line) read.

Privacy: the voluntary self-description is reported only through
:func:`app.contributions.self_description.self_description_aggregates` (groups of at least 5,
complementary suppression), over a *fixed* set of consultations (the consultation; for an action
field all of its consultations, whatever the date range), never over a chosen subset. The district
of a contribution comes from its consultation when the consultation is for one district, else from
the self-description; district counts follow the same k = 5 rule, and a self-described district is
only used for fixed sets (not for an action field cut by a date range). Comparisons of closed
answers between groups (language, channel) show only groups of at least 5 answers, and suppress
further groups until what is left out is 0 or at least 5 answers (so no small group can be worked
out by subtraction from the total).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.analysis.themes import consultation_id_of, consultation_scope, scope_clause
from app.consultations.models import ActionField, Consultation, Question, QuestionKind, Scope
from app.contributions import self_description as sd
from app.contributions.models import Answer, Channel, Contribution, ParticipantProfile, answer_choices
from app.core.timeutil import local_to_utc, utc_to_local
from app.extensions import db

MIN_GROUP = sd.MIN_GROUP  # k: the smallest group shown
NOT_RECORDED = "not_recorded"
NEW_ITEMS_MAX = 100  # new contributions listed (all are counted)
EXCERPT_MAX = 300
WEEKS_FILLED_MAX = 156  # weeks without contributions are shown as 0 up to this span
SCALE_VALUES = (1, 2, 3, 4, 5)
CLOSED_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE, QuestionKind.SCALE)
GROUP_DIMENSIONS = ("language", "channel")


class BadScope(ValueError):
    """A scope that cannot be read (unknown action field, bad dates, ``from`` after ``to``)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# --- scopes -------------------------------------------------------------------------------

def field_scope(slug: str, start: date | None = None, end: date | None = None) -> str:
    """The key of an action field and a date range (both ends included, open when None)."""
    if start and end and start > end:
        raise BadScope("order")
    return f"field:{slug}:{start.isoformat() if start else ''}:{end.isoformat() if end else ''}"


def parse_day(value: str | None) -> date | None:
    """``YYYY-MM-DD`` as a date; empty is None; anything else raises :class:`BadScope` ("date")."""
    value = (value or "").strip()
    if not value:
        return None
    if len(value) != 10 or not value.isascii():
        raise BadScope("date")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadScope("date") from None


def describe_scope(scope_key: str) -> dict:
    """``{"kind": "consultation", "consultation_id"}`` or ``{"kind": "field", "field", "from", "to"}``."""
    consultation_id = consultation_id_of(scope_key)
    if consultation_id is not None:
        return {"kind": "consultation", "consultation_id": consultation_id}
    parts = (scope_key or "").split(":")
    if len(parts) == 4 and parts[0] == "field" and parts[1]:
        return {"kind": "field", "field": parts[1], "from": parts[2] or None, "to": parts[3] or None}
    raise BadScope("scope")


def scope_consultation_ids(scope_key: str) -> list[int]:
    """The fixed set of consultations of a scope: the consultation, or every consultation of the
    action field (whatever the date range)."""
    info = describe_scope(scope_key)
    if info["kind"] == "consultation":
        return [info["consultation_id"]]
    return list(db.session.scalars(
        sa.select(Consultation.id).where(Consultation.action_fields.any(ActionField.slug == info["field"]))
        .order_by(Consultation.id)))


# --- small helpers ------------------------------------------------------------------------

def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat(timespec="seconds") + "Z"


def _week(value: datetime) -> str:
    year, week, _day = utc_to_local(value).date().isocalendar()
    return f"{year}-W{week:02d}"


def _weeks(created: list[datetime]) -> list[list]:
    """``[["2025-W03", n], ...]`` in order; weeks without contributions in between count 0."""
    counts = Counter(_week(c) for c in created)
    if not counts:
        return []
    days = sorted(utc_to_local(c).date() for c in created)
    first = days[0] - timedelta(days=days[0].weekday())
    last = days[-1]
    if (last - first).days // 7 > WEEKS_FILLED_MAX:
        return [[w, n] for w, n in sorted(counts.items())]
    rows, day = [], first
    while day <= last:
        year, week, _d = day.isocalendar()
        key = f"{year}-W{week:02d}"
        rows.append([key, counts.get(key, 0)])
        day += timedelta(days=7)
    return rows


def _k_groups(name: str, answers: list[list[str]]) -> dict:
    """Counts per value under the self-description's k = 5 rule (see self_description)."""
    aggregate = sd._aggregate_field(name, answers, MIN_GROUP)  # the privacy rule, reused as it is
    return {"groups": [[v, n] for v, n in aggregate.groups], "other": aggregate.other,
            "other_suppressed": aggregate.other_suppressed}


def _self_description(consultation_ids: list[int]) -> dict:
    aggregates = sd.self_description_aggregates(consultation_ids)
    return {
        "people": aggregates.people, "answered_nothing": aggregates.answered_nothing,
        "min_group": aggregates.min_group,
        "fields": {name: {"groups": [[v, n] for v, n in f.groups], "other": f.other,
                          "other_suppressed": f.other_suppressed}
                   for name, f in aggregates.fields.items()},
    }


def compare_groups(per_group: dict[str, list[int]], min_group: int = MIN_GROUP) -> dict:
    """Which groups a comparison may show. ``per_group``: value -> the answers' data rows
    (anything; only their number counts here). Groups under ``min_group`` answers are suppressed;
    then the smallest shown groups too, while the suppressed answers number 1 to ``min_group - 1``
    (else they could be worked out from the total). A comparison needs two groups: with fewer,
    none is shown. Returns ``{"shown": [values], "suppressed": count of groups}``."""
    sizes = {value: len(rows) for value, rows in per_group.items() if rows}
    shown = {v for v, n in sizes.items() if n >= min_group}

    def left_out() -> int:
        return sum(n for v, n in sizes.items() if v not in shown)

    while shown and 0 < left_out() < min_group:
        shown.discard(min(shown, key=lambda v: (sizes[v], v)))
    if len(shown) < 2:
        shown = set()
    ordered = sorted(shown, key=lambda v: (-sizes[v], v))
    return {"shown": ordered, "suppressed": len(sizes) - len(ordered)}


def _scale_summary(values: list[int]) -> dict:
    counts = Counter(values)
    return {"answers": len(values), "scale": [[v, counts.get(v, 0)] for v in SCALE_VALUES],
            "mean": round(sum(values) / len(values), 2) if values else None}


def _choice_summary(option_ids: list[int], chosen: list[list[int]]) -> dict:
    counts = Counter(o for row in chosen for o in row)
    return {"answers": len(chosen), "counts": [[o, counts.get(o, 0)] for o in option_ids]}


# --- the summary --------------------------------------------------------------------------

def summary_stats(scope_key: str, since: date | None = None) -> dict:
    """The figures of a scope as plain, JSON-serialisable data.

    ``scope_key``: ``consultation:<id>`` or ``field:<slug>:<from>:<to>``; ``since``: a day (local
    time) for the "new since" part, else ``new_since`` is None. Only published contributions count.

    Shape (lists of pairs keep their order in JSON)::

        {
          "scope_key": str, "scope": {"kind": "consultation", "consultation_id"} |
                                   {"kind": "field", "field", "from", "to"},
          "consultations": [{"id", "slug", "title": {lang: text}}],
          "min_group": 5,
          "contributions": int,                 # published contributions
          "participants": int,                  # distinct signed-in authors + each anonymous contribution
          "signed_in_participants": int, "anonymous_contributions": int,
          "first_at": ISO | None, "last_at": ISO | None,
          "by_language": [[code, n], ...],      # most first
          "by_channel": [[channel value, n], ...],  # every channel, in Channel order
          "by_origin": {"organisation": n, "individual": n},  # organisation_id set or not
          "by_district": {"groups": [[value, n]], "other": n | None, "other_suppressed": bool,
                          "source": "consultation_and_self_description" | "consultation"},
          "by_week": [["2025-W03", n], ...],    # ISO weeks, Europe/Berlin
          "by_question": [{"question_id", "consultation_id", "kind", "prompt": {lang: text}, "answers": n}],
          "closed_questions": [{
              "question_id", "consultation_id", "kind", "prompt",
              "answers": n,                     # contributions that answered it
              "options": [{"id", "label": {lang: text}, "count": n}],   # choice questions
              "scale": [[1..5, n]], "mean": float | None,               # scale questions
              "groups": {"language" | "channel": {"suppressed": n, "shown": [
                  {"value", "answers", "counts": [[option id, n]]} | {"value", "answers", "scale", "mean"}]}},
          }],
          "self_description": {"people", "answered_nothing", "min_group",
                               "fields": {name: {"groups": [[value, n]], "other", "other_suppressed"}}},
          "statements": [{"id", "contribution_id", "consultation_id", "consultation_slug", "title",
                          "organisation", "language", "created_at", "has_attachment"}],
          "new_since": None | {"since": "YYYY-MM-DD", "count": n, "by_language": [[code, n]],
                               "by_channel": [[channel, n]], "by_theme": [[label, n]], "unthemed": n,
                               "items": [{"id", "consultation_id", "consultation_slug", "language",
                                          "channel", "created_at", "excerpt"}]},   # at most 100, newest first
        }
    """
    info = describe_scope(scope_key)
    where = scope_clause(scope_key)
    consultation_ids = scope_consultation_ids(scope_key)
    consultations = list(db.session.scalars(
        sa.select(Consultation).where(Consultation.id.in_(consultation_ids)).order_by(Consultation.id)))
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.consultation_id, Contribution.author_id, Contribution.language,
                  Contribution.channel, Contribution.organisation_id, Contribution.created_at)
        .where(where).order_by(Contribution.id)).all()

    authors = {r.author_id for r in rows if r.author_id is not None}
    anonymous = sum(1 for r in rows if r.author_id is None)
    languages = Counter(r.language or "und" for r in rows)
    channels = Counter(r.channel for r in rows)
    created = [r.created_at for r in rows]

    data = {
        "scope_key": scope_key,
        "scope": info,
        "consultations": [{"id": c.id, "slug": c.slug, "title": dict(c.title or {})} for c in consultations],
        "min_group": MIN_GROUP,
        "contributions": len(rows),
        "participants": len(authors) + anonymous,
        "signed_in_participants": len(authors),
        "anonymous_contributions": anonymous,
        "first_at": _iso(min(created)) if created else None,
        "last_at": _iso(max(created)) if created else None,
        "by_language": sorted(([code, n] for code, n in languages.items()), key=lambda kv: (-kv[1], kv[0])),
        "by_channel": [[c.value, channels.get(c, 0)] for c in Channel],
        "by_origin": {"organisation": sum(1 for r in rows if r.organisation_id is not None),
                      "individual": sum(1 for r in rows if r.organisation_id is None)},
        "by_district": _districts(info, rows, consultations),
        "by_week": _weeks(created),
    }
    by_question, closed = _questions(where, consultation_ids, {r.id: r for r in rows})
    data["by_question"] = by_question
    data["closed_questions"] = closed
    data["self_description"] = _self_description(consultation_ids)
    data["statements"] = _statements(where)
    data["new_since"] = new_since(scope_key, since) if since is not None else None
    return data


def _districts(info: dict, rows, consultations: list[Consultation]) -> dict:
    by_consultation = {c.id: c.district for c in consultations if c.scope is Scope.DISTRICT and c.district}
    fixed_set = info["kind"] == "consultation" or not (info.get("from") or info.get("to"))
    profiles: dict[int, str] = {}
    if fixed_set and rows:
        ids = [r.id for r in rows]
        for start in range(0, len(ids), 500):
            profiles.update(db.session.execute(
                sa.select(ParticipantProfile.contribution_id, ParticipantProfile.district)
                .where(ParticipantProfile.contribution_id.in_(ids[start:start + 500]),
                       ParticipantProfile.district.is_not(None))).all())
    answers = []
    for r in rows:
        value = by_consultation.get(r.consultation_id) or profiles.get(r.id)
        answers.append([value if value and value != sd.PREFER_NOT else NOT_RECORDED])
    result = _k_groups("district", answers)
    result["source"] = "consultation_and_self_description" if fixed_set else "consultation"
    return result


def _questions(where, consultation_ids: list[int], contributions: dict) -> tuple[list, list]:
    questions = list(db.session.scalars(
        sa.select(Question).where(Question.consultation_id.in_(consultation_ids))
        .order_by(Question.consultation_id, Question.position, Question.id)))
    answers = db.session.execute(
        sa.select(Answer.id, Answer.question_id, Answer.contribution_id, Answer.text, Answer.scale_value)
        .join(Contribution, Contribution.id == Answer.contribution_id).where(where)).all()
    choices: dict[int, list[int]] = defaultdict(list)
    for answer_id, option_id in db.session.execute(
            sa.select(answer_choices.c.answer_id, answer_choices.c.option_id)
            .join(Answer, Answer.id == answer_choices.c.answer_id)
            .join(Contribution, Contribution.id == Answer.contribution_id).where(where)).all():
        choices[answer_id].append(option_id)

    by_question: dict[int, list] = defaultdict(list)
    for a in answers:
        if (a.text or "").strip() or a.scale_value is not None or choices.get(a.id):
            by_question[a.question_id].append(a)

    counts, closed = [], []
    for q in questions:
        given = by_question.get(q.id, [])
        counts.append({"question_id": q.id, "consultation_id": q.consultation_id, "kind": q.kind.value,
                       "prompt": dict(q.prompt or {}), "answers": len(given)})
        if q.kind not in CLOSED_KINDS:
            continue
        item = {"question_id": q.id, "consultation_id": q.consultation_id, "kind": q.kind.value,
                "prompt": dict(q.prompt or {}), "answers": 0, "groups": {}}
        option_ids = [o.id for o in q.options]
        if q.kind is QuestionKind.SCALE:
            rows = [(a.contribution_id, a.scale_value) for a in given if a.scale_value in SCALE_VALUES]
            item.update(_scale_summary([v for _c, v in rows]))
            item["answers"] = len(rows)
        else:
            rows = [(a.contribution_id, [o for o in choices.get(a.id, []) if o in option_ids]) for a in given]
            rows = [(c, chosen) for c, chosen in rows if chosen]
            summary = _choice_summary(option_ids, [chosen for _c, chosen in rows])
            labels = {o.id: dict(o.label or {}) for o in q.options}
            item["answers"] = summary["answers"]
            item["options"] = [{"id": o, "label": labels[o], "count": n} for o, n in summary["counts"]]
        for dimension in GROUP_DIMENSIONS:
            per_group: dict[str, list] = defaultdict(list)
            for contribution_id, value in rows:
                contribution = contributions.get(contribution_id)
                if contribution is None:
                    continue
                key = (contribution.language or "und") if dimension == "language" else contribution.channel.value
                per_group[key].append(value)
            decision = compare_groups(per_group)
            shown = []
            for key in decision["shown"]:
                values = per_group[key]
                if q.kind is QuestionKind.SCALE:
                    shown.append({"value": key, **_scale_summary(values)})
                else:
                    shown.append({"value": key, **_choice_summary(option_ids, values)})
            item["groups"][dimension] = {"shown": shown, "suppressed": decision["suppressed"]}
        closed.append(item)
    return counts, closed


def _statements(where) -> list[dict]:
    from app.organisations.models import Organisation, Statement

    rows = db.session.execute(
        sa.select(Statement, Organisation.name, Consultation.slug, Contribution.language)
        .join(Contribution, Contribution.id == Statement.contribution_id)
        .join(Organisation, Organisation.id == Statement.organisation_id)
        .join(Consultation, Consultation.id == Statement.consultation_id)
        .where(where).order_by(Statement.created_at, Statement.id)).all()
    return [{"id": s.id, "contribution_id": s.contribution_id, "consultation_id": s.consultation_id,
             "consultation_slug": slug, "title": s.title, "organisation": name, "language": language,
             "created_at": _iso(s.created_at), "has_attachment": bool(s.attachment_key)}
            for s, name, slug, language in rows]


def since_start(since: date) -> datetime:
    """The beginning of a local day as naive UTC (what the database stores)."""
    return local_to_utc(datetime.combine(since, time.min))


def new_since(scope_key: str, since: date) -> dict:
    """Published contributions of the scope submitted, or published by moderation, since the
    beginning of ``since`` (local time): counts, per theme (when the scope has themes), and the
    newest :data:`NEW_ITEMS_MAX` of them."""
    from app.analysis.models import Theme, ThemeAssignment

    start = since_start(since)
    recent = sa.or_(Contribution.created_at >= start, Contribution.moderated_at >= start)
    rows = db.session.execute(
        sa.select(Contribution.id, Contribution.consultation_id, Contribution.language, Contribution.channel,
                  Contribution.created_at, Contribution.text, Consultation.slug)
        .join(Consultation, Consultation.id == Contribution.consultation_id)
        .where(scope_clause(scope_key), recent)
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())).all()
    ids = [r.id for r in rows]
    themed: Counter = Counter()
    assigned: set[int] = set()
    for start_at in range(0, len(ids), 500):
        for contribution_id, label in db.session.execute(
                sa.select(ThemeAssignment.contribution_id, Theme.label)
                .join(Theme, Theme.id == ThemeAssignment.theme_id)
                .where(ThemeAssignment.scope_key == scope_key,
                       ThemeAssignment.contribution_id.in_(ids[start_at:start_at + 500]))).all():
            themed[label] += 1
            assigned.add(contribution_id)
    languages = Counter(r.language or "und" for r in rows)
    channels = Counter(r.channel for r in rows)
    return {
        "since": since.isoformat(),
        "count": len(rows),
        "by_language": sorted(([c, n] for c, n in languages.items()), key=lambda kv: (-kv[1], kv[0])),
        "by_channel": [[c.value, channels[c]] for c in Channel if channels.get(c)],
        "by_theme": sorted(([label, n] for label, n in themed.items()), key=lambda kv: (-kv[1], kv[0])),
        "unthemed": len(rows) - len(assigned) if themed else None,
        "items": [{"id": r.id, "consultation_id": r.consultation_id, "consultation_slug": r.slug,
                   "language": r.language or "und", "channel": r.channel.value, "created_at": _iso(r.created_at),
                   "excerpt": _excerpt(r.text)} for r in rows[:NEW_ITEMS_MAX]],
    }


def _excerpt(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT_MAX else text[:EXCERPT_MAX - 1].rstrip() + "…"


# --- labels for display (pages, memo, exports) ---------------------------------------------

SELF_DESCRIPTION_FIELDS = {
    "age_group": _l("Age"),
    "district": _l("District"),
    "languages": _l("Languages"),
    "migration_history": _l("Migration history"),
    "gender": _l("Gender"),
    "disability": _l("Disability"),
}


def value_label(field: str, value: str) -> str:
    """The readable name of a self-description or district value."""
    if value == sd.PREFER_NOT:
        return str(_l("Prefer not to say"))
    if value in (sd.NO_ANSWER,):
        return str(_l("No answer"))
    if value == NOT_RECORDED:
        return str(_l("Not recorded"))
    if field == "district":
        return str(sd.district_label(value))
    if field == "languages":
        from app.i18n.languages import CONTRIBUTION_LANGUAGES

        if value == sd.OTHER_LANGUAGE:
            return str(_l("Another language"))
        return CONTRIBUTION_LANGUAGES[value].native_name if value in CONTRIBUTION_LANGUAGES else value
    labels = {"age_group": sd.AGE_GROUPS, "migration_history": sd.MIGRATION_HISTORIES, "gender": sd.GENDERS,
              "disability": sd.DISABILITIES}.get(field, {})
    return str(labels.get(value, value))


def consultation_summary(consultation: Consultation, since: date | None = None) -> dict:
    return summary_stats(consultation_scope(consultation), since)
