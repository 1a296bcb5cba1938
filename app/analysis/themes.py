"""Themes of a scope as analysts see and edit them, and the codebook.

A scope is a string key (``AnalysisRun.scope_key``): ``consultation:<id>`` for one consultation,
or ``field:<slug>:<from>:<to>`` for an action field and a date range (ISO dates, empty for open
ends). Only published contributions of a scope are analysed and shown.

Analysts rename, merge and split themes, move contributions between themes (those assignments
are marked ``AssignmentSource.ANALYST`` and survive a recomputation) and tag contributions with
codes. Moving, splitting and merging drop the machine-written summaries of the themes concerned
(:func:`forget_abstracts`); renaming keeps them. Every change flushes and records an audit entry;
the caller commits. An edit of a scope's
themes after its latest summary was approved withdraws that approval (the summary has to be
approved again before it goes into a memo) and takes it off the consultation's public page; the
run keeps when that happened (``result["approval_withdrawn_at"]``). :func:`public_summary` is what
readers of a consultation see of its published summary.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.analysis.models import AnalysisRun, AssignmentSource, Code, RunStatus, Theme, ThemeAssignment, contribution_codes
from app.consultations.models import ActionField, Consultation
from app.contributions.models import Contribution, ContributionStatus
from app.core.timeutil import local_to_utc, utcnow
from app.extensions import db
from app.moderation import audit

LABEL_MAX = 200
CODE_NAME_MAX = 120
CODE_DESCRIPTION_MAX = 1000
REPRESENTATIVES_MAX = 5
MAX_IDS = 1000  # contributions one request may select

audit.register_actions({
    "analysis.run": _l("Summary computed"),
    "analysis.approve": _l("Summary approved"),
    "analysis.publish": _l("Summary published on the consultation page"),
    "analysis.unpublish": _l("Summary removed from the consultation page"),
    "theme.rename": _l("Theme renamed"),
    "theme.merge": _l("Themes merged"),
    "theme.split": _l("Theme split"),
    "theme.move": _l("Contributions moved to another theme"),
    "code.create": _l("Code created"),
    "code.update": _l("Code edited"),
    "code.delete": _l("Code deleted"),
    "code.tag": _l("Contributions tagged with a code"),
    "code.untag": _l("Code removed from contributions"),
})


class ThemeRefused(Exception):
    """An edit that cannot be made; ``reason`` is a stable code (see :func:`refusal_message`)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def refusal_message(reason: str) -> str:
    messages = {
        "label": _("Please enter a name of at most %(max)d characters.", max=LABEL_MAX),
        "target": _("Please choose another theme of the same summary."),
        "selection": _("Please select at least one contribution of this theme."),
        "code_name": _("Please enter a name of at most %(max)d characters.", max=CODE_NAME_MAX),
        "code_duplicate": _("A code with this name exists already."),
        "code_parent": _("A code cannot be filed under itself or under one of its own sub-codes."),
        "code": _("Please choose one of the options offered."),
        "running": _("A summary is being computed already. Please wait until it is finished."),
        "not_done": _("Only a finished summary can be approved."),
        "not_latest": _("Only the latest summary can be approved."),
        "publish_scope": _("Only the summary of a consultation can be shown on a public page."),
        "publish_not_latest": _("Only the latest finished summary can be shown on the consultation page."),
        "publish_not_approved": _("Only an approved summary can be shown on the consultation page. Please approve it first."),
        "k": _("Please enter a number of themes between %(min)d and %(max)d.", min=2, max=30),
    }
    return messages.get(reason, _("This change cannot be made."))


# --- scopes -------------------------------------------------------------------------------

def consultation_scope(consultation: Consultation | int) -> str:
    return f"consultation:{getattr(consultation, 'id', consultation)}"


def consultation_id_of(scope_key: str) -> int | None:
    """The consultation of a ``consultation:<id>`` scope, else None."""
    kind, _sep, rest = (scope_key or "").partition(":")
    if kind == "consultation" and rest.isascii() and rest.isdigit():
        return int(rest)
    return None


def _field_scope(scope_key: str) -> tuple[str, date | None, date | None] | None:
    parts = (scope_key or "").split(":")
    if len(parts) != 4 or parts[0] != "field" or not parts[1]:
        return None
    try:
        start = date.fromisoformat(parts[2]) if parts[2] else None
        end = date.fromisoformat(parts[3]) if parts[3] else None
    except ValueError:
        return None
    return parts[1], start, end


def scope_clause(scope_key: str):
    """SQL condition on Contribution: published and inside the scope."""
    published = Contribution.status == ContributionStatus.PUBLISHED
    consultation_id = consultation_id_of(scope_key)
    if consultation_id is not None:
        return sa.and_(published, Contribution.consultation_id == consultation_id)
    field = _field_scope(scope_key)
    if field is None:
        return sa.false()
    slug, start, end = field
    conditions = [published, Contribution.consultation.has(Consultation.action_fields.any(ActionField.slug == slug))]
    # Days are Bremen days; created_at is stored in UTC (naive), so the bounds are converted.
    if start:
        conditions.append(Contribution.created_at >= local_to_utc(datetime.combine(start, time.min)))
    if end:
        conditions.append(Contribution.created_at < local_to_utc(datetime.combine(end + timedelta(days=1), time.min)))
    return sa.and_(*conditions)


def scope_contributions(scope_key: str):
    """``select(Contribution)`` of a scope's published contributions, by id."""
    return sa.select(Contribution).where(scope_clause(scope_key)).order_by(Contribution.id)


def scope_contribution_ids(scope_key: str) -> list[int]:
    return list(db.session.scalars(sa.select(Contribution.id).where(scope_clause(scope_key)).order_by(Contribution.id)))


# --- reading ------------------------------------------------------------------------------

def latest_run(scope_key: str, *, done: bool = False) -> AnalysisRun | None:
    stmt = sa.select(AnalysisRun).where(AnalysisRun.scope_key == scope_key)
    if done:
        stmt = stmt.where(AnalysisRun.status == RunStatus.DONE)
    return db.session.scalars(stmt.order_by(AnalysisRun.created_at.desc(), AnalysisRun.id.desc())).first()


def themes_of(scope_key: str) -> list[Theme]:
    """A scope's themes: the large ones first, then minority voices; in the order of the run."""
    return list(db.session.scalars(sa.select(Theme).where(Theme.scope_key == scope_key)
                                   .order_by(Theme.is_minority, Theme.position, Theme.id)))


def _member_rows(scope_key: str):
    """(theme_id, contribution_id, language) of every published member within the scope."""
    return db.session.execute(
        sa.select(ThemeAssignment.theme_id, Contribution.id, Contribution.language)
        .join(Contribution, Contribution.id == ThemeAssignment.contribution_id)
        .where(ThemeAssignment.scope_key == scope_key, scope_clause(scope_key))
        .order_by(Contribution.id)
    ).all()


def members_by_theme(scope_key: str) -> dict[int, list[int]]:
    members: dict[int, list[int]] = defaultdict(list)
    for theme_id, contribution_id, _language in _member_rows(scope_key):
        members[theme_id].append(contribution_id)
    return members


def campaign_member_ids(run: AnalysisRun | None) -> set[int]:
    """Contributions a run grouped as a campaign, other than each campaign's shown one."""
    ids: set[int] = set()
    for campaign in (run.result or {}).get("campaigns", []) if run else []:
        representative = campaign.get("representative_id")
        ids.update(i for i in campaign.get("member_ids", []) if i != representative)
    return ids


def unassigned_ids(scope_key: str, run: AnalysisRun | None = None) -> list[int]:
    """Published contributions of the scope in no theme (campaign copies are listed as campaigns)."""
    assigned = sa.select(ThemeAssignment.contribution_id).where(ThemeAssignment.scope_key == scope_key)
    ids = db.session.scalars(sa.select(Contribution.id).where(scope_clause(scope_key), Contribution.id.not_in(assigned))
                             .order_by(Contribution.id))
    skip = campaign_member_ids(run if run is not None else latest_run(scope_key, done=True))
    return [i for i in ids if i not in skip]


def contributions_by_id(ids) -> dict[int, Contribution]:
    ids = sorted(set(ids))
    if not ids:
        return {}
    rows = db.session.scalars(sa.select(Contribution).where(Contribution.id.in_(ids))
                              .options(selectinload(Contribution.translations)))
    return {c.id: c for c in rows}


def quote(contribution: Contribution) -> dict:
    """A contribution as a quote: the original and its current German translation, if any."""
    return {"id": contribution.id, "text": contribution.text, "language": contribution.language,
            "german": contribution.german_translation_text(), "consultation_id": contribution.consultation_id}


def overview(scope_key: str) -> dict:
    """What the theme pages, the API and the command line show of a scope: its themes with size,
    share, languages and representative quotes, the unassigned contributions, the campaigns and
    the latest finished run."""
    run = latest_run(scope_key, done=True)
    rows = _member_rows(scope_key)
    members: dict[int, list[int]] = defaultdict(list)
    languages: dict[int, Counter] = defaultdict(Counter)
    for theme_id, contribution_id, language in rows:
        members[theme_id].append(contribution_id)
        languages[theme_id][language] += 1
    total = db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(scope_clause(scope_key))) or 0
    themes = themes_of(scope_key)
    unassigned = unassigned_ids(scope_key, run)
    campaigns = [dict(c) for c in (run.result or {}).get("campaigns", [])] if run else []
    wanted = {i for t in themes for i in (t.representative_ids or [])} | set(unassigned[:50])
    wanted |= {c.get("representative_id") for c in campaigns if c.get("representative_id")}
    found = contributions_by_id(wanted)
    items = []
    for theme in themes:
        ids = members.get(theme.id, [])
        representatives = [quote(found[i]) for i in (theme.representative_ids or []) if i in found
                           and i in set(ids)][:REPRESENTATIVES_MAX]
        items.append({
            "theme": theme, "id": theme.id, "label": theme.label, "keywords": list(theme.keywords or []),
            "size": len(ids), "share": (len(ids) / total) if total else 0.0,
            "languages": [code for code, _n in sorted(languages[theme.id].items(), key=lambda kv: (-kv[1], kv[0]))],
            "language_counts": sorted(languages[theme.id].items(), key=lambda kv: (-kv[1], kv[0])),
            "contribution_ids": ids, "representative_ids": [q["id"] for q in representatives],
            "representatives": representatives, "is_minority": theme.is_minority, "named": theme.named,
            "abstract": theme.abstract, "abstract_model": theme.abstract_model,
        })
    for campaign in campaigns:
        shown = found.get(campaign.get("representative_id"))
        campaign["quote"] = quote(shown) if shown is not None else None
    return {
        "scope_key": scope_key, "run": run, "total": total, "themes": items,
        "main_themes": [t for t in items if not t["is_minority"]],
        "minority_themes": [t for t in items if t["is_minority"]],
        "unassigned_ids": unassigned, "unassigned": [quote(found[i]) for i in unassigned[:50] if i in found],
        "campaigns": campaigns, "since_run": _arrived_since(scope_key, run),
    }


def subject_view_of(run: AnalysisRun | None, language: str) -> dict | None:
    """How a run's subject view was built, for the themes page: the general subject areas, or
    the consultation's own terms with the area that dominated (named in ``language``); None for
    a run without one (TF-IDF, or the view off)."""
    from app.analysis.method.subjects import area_name

    view = (run.method or {}).get("subjects") if run is not None else None
    if not view:
        return None
    terms = [str(t) for t in view.get("terms") or []]
    if view.get("anchors") == "terms" and terms:
        return {"anchors": "terms", "count": len(terms), "terms": terms,
                "area": area_name(view.get("dominant_area"), language),
                "share": round(100 * float(view.get("dominant_share") or 0.0))}
    return {"anchors": "areas", "count": int(view.get("count") or 0)}


def _arrived_since(scope_key: str, run: AnalysisRun | None) -> int:
    """Published contributions of the scope the run did not see (arrived, or published, later)."""
    if run is None:
        return 0
    seen = set((run.result or {}).get("contribution_ids", []))
    return sum(1 for i in scope_contribution_ids(scope_key) if i not in seen)


# --- what readers of a consultation see -----------------------------------------------------

PUBLIC_QUOTES = 2  # representative quotes per theme on the public page


def public_run(consultation: Consultation | int) -> AnalysisRun | None:
    """The run whose summary readers of a consultation see: its latest finished run, when it is
    approved and published, and no later computation is writing the themes (running) or left them
    half-written (failed). None otherwise."""
    scope = consultation_scope(consultation)
    run = latest_run(scope, done=True)
    if run is None or run.approved_at is None or run.published_at is None:
        return None
    later = db.session.scalar(sa.select(AnalysisRun.id).where(
        AnalysisRun.scope_key == scope, AnalysisRun.id > run.id,
        AnalysisRun.status.in_([RunStatus.RUNNING, RunStatus.FAILED])).limit(1))
    return None if later is not None else run


def public_quote(contribution: Contribution, language: str) -> dict | None:
    """A published contribution as a public quote: the original, and its current translation into
    ``language`` (else into German), if any. Nothing for any other contribution or one without text."""
    if contribution.status is not ContributionStatus.PUBLISHED or not (contribution.text or "").strip():
        return None
    translation = contribution.current_translation(language) if contribution.language != language else None
    if translation is None and contribution.language not in ("de", language):
        translation = contribution.current_translation("de")
    return {"text": contribution.text, "language": contribution.language, "translation": translation}


def public_summary(consultation: Consultation, language: str) -> dict | None:
    """What ``analysis/public_summary.html`` shows on a consultation's page (None: nothing): the
    themes of the published summary with label, size, share and up to :data:`PUBLIC_QUOTES`
    published quotes, minority voices apart, and how many contributions fit no theme or belong to
    campaigns. No ids, authors, codes, keywords or machine-written summaries.

    Every reader of the consultation page runs this, so it counts in SQL and loads only the
    quoted contributions (not :func:`overview`, which lists every member for the analysts)."""
    run = public_run(consultation)
    if run is None:
        return None
    scope_key = run.scope_key
    sizes = dict(db.session.execute(
        sa.select(ThemeAssignment.theme_id, sa.func.count())
        .join(Contribution, Contribution.id == ThemeAssignment.contribution_id)
        .where(ThemeAssignment.scope_key == scope_key, scope_clause(scope_key))
        .group_by(ThemeAssignment.theme_id)).all())
    total = db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(scope_clause(scope_key))) or 0
    shown = [t for t in themes_of(scope_key) if sizes.get(t.id)]
    wanted = {i for t in shown for i in (t.representative_ids or [])}
    theme_of = dict(db.session.execute(sa.select(ThemeAssignment.contribution_id, ThemeAssignment.theme_id).where(
        ThemeAssignment.scope_key == scope_key, ThemeAssignment.contribution_id.in_(wanted))).all()) if wanted else {}
    found = contributions_by_id(wanted)
    items = []
    for theme in shown:
        quotes = [public_quote(found[i], language) for i in (theme.representative_ids or [])
                  if i in found and theme_of.get(i) == theme.id]
        items.append({"label": theme.label, "size": sizes[theme.id], "share": sizes[theme.id] / total if total else 0.0,
                      "is_minority": theme.is_minority, "quotes": [q for q in quotes if q][:PUBLIC_QUOTES]})
    in_campaigns = sorted({i for c in (run.result or {}).get("campaigns", []) for i in c.get("member_ids", [])})
    campaigned = sum(db.session.scalar(sa.select(sa.func.count(Contribution.id)).where(
        scope_clause(scope_key), Contribution.id.in_(in_campaigns[start:start + 500]))) or 0
        for start in range(0, len(in_campaigns), 500))
    return {
        "approved_at": run.approved_at, "total": total,
        "main_themes": [t for t in items if not t["is_minority"]],
        "minority_themes": [t for t in items if t["is_minority"]],
        "unassigned": len(unassigned_ids(scope_key, run)), "campaigned": campaigned,
    }


def theme_members(theme: Theme):
    """``select(Contribution)`` of a theme's published members, by id."""
    return (sa.select(Contribution)
            .join(ThemeAssignment, ThemeAssignment.contribution_id == Contribution.id)
            .where(ThemeAssignment.theme_id == theme.id, scope_clause(theme.scope_key))
            .options(selectinload(Contribution.translations))
            .order_by(Contribution.id))


def assignment_sources(theme: Theme) -> dict[int, AssignmentSource]:
    return dict(db.session.execute(sa.select(ThemeAssignment.contribution_id, ThemeAssignment.source)
                                   .where(ThemeAssignment.theme_id == theme.id)).all())


def codes_of(contribution_ids) -> dict[int, list[Code]]:
    ids = list(contribution_ids)
    result: dict[int, list[Code]] = defaultdict(list)
    if not ids:
        return result
    rows = db.session.execute(sa.select(contribution_codes.c.contribution_id, Code)
                              .join(Code, Code.id == contribution_codes.c.code_id)
                              .where(contribution_codes.c.contribution_id.in_(ids)).order_by(Code.name)).all()
    for contribution_id, code in rows:
        result[contribution_id].append(code)
    return result


# --- editing themes -----------------------------------------------------------------------

def _clean_label(label) -> str:
    label = " ".join(label.split()) if isinstance(label, str) else ""
    if not label or len(label) > LABEL_MAX or "\x00" in label:
        raise ThemeRefused("label")
    return label


def themes_changed(scope_key: str) -> dict:
    """Record that a scope's themes were edited: withdraw the approval of its latest summary.
    Returns details for the audit entry."""
    run = latest_run(scope_key, done=True)
    if run is None or run.approved_at is None:
        return {}
    now = utcnow()
    run.result = {**(run.result or {}), "approval_withdrawn_at": now.isoformat(timespec="seconds"),
                  "approved_at_before": run.approved_at.isoformat(timespec="seconds")}
    run.approved_at = None
    run.approved_by_id = None
    details = {"approval_withdrawn": run.id}
    if run.published_at is not None:
        run.published_at = None
        run.published_by_id = None
        details["unpublished"] = run.id
    return details


def forget_abstracts(*changed: Theme | None) -> None:
    """Drop the machine-written summaries of themes whose contributions changed: they no longer
    describe them (a rename keeps it; the next computation writes new ones)."""
    for theme in changed:
        if theme is not None:
            theme.abstract = None
            theme.abstract_model = None
            theme.abstract_at = None


def rename_theme(theme: Theme, label, actor) -> None:
    label = _clean_label(label)
    before = theme.label
    theme.label = label
    theme.named = True
    details = themes_changed(theme.scope_key)
    audit.record(actor, "theme.rename", theme, before=before, after=label, **details)


def _selected_members(theme: Theme, contribution_ids) -> list[ThemeAssignment]:
    ids = {int(i) for i in contribution_ids or ()}
    if not ids or len(ids) > MAX_IDS:
        raise ThemeRefused("selection")
    assignments = list(db.session.scalars(
        sa.select(ThemeAssignment).join(Contribution, Contribution.id == ThemeAssignment.contribution_id)
        .where(ThemeAssignment.theme_id == theme.id, ThemeAssignment.contribution_id.in_(ids),
               scope_clause(theme.scope_key))))
    if len(assignments) != len(ids):
        raise ThemeRefused("selection")
    return assignments


def _reassign(assignments, target: Theme, actor) -> None:
    user_id = getattr(actor, "id", None) if getattr(actor, "is_authenticated", False) else None
    now = utcnow()
    for assignment in assignments:
        assignment.theme = target
        assignment.source = AssignmentSource.ANALYST
        assignment.assigned_by_id = user_id
        assignment.assigned_at = now


def _check_target(theme: Theme, target: Theme | None) -> Theme:
    if target is None or target.id == theme.id or target.scope_key != theme.scope_key:
        raise ThemeRefused("target")
    return target


def merge_theme(theme: Theme, target: Theme | None, actor) -> Theme:
    """Merge ``theme`` into ``target`` (same scope): its contributions move (kept by later
    recomputations), the target keeps its label and counts as named; ``theme`` is deleted."""
    target = _check_target(theme, target)
    assignments = list(db.session.scalars(sa.select(ThemeAssignment).where(ThemeAssignment.theme_id == theme.id)))
    _reassign(assignments, target, actor)
    forget_abstracts(target)
    target.named = True
    target.is_minority = target.is_minority and theme.is_minority
    target.representative_ids = list(dict.fromkeys([*(target.representative_ids or []),
                                                    *(theme.representative_ids or [])]))[:REPRESENTATIVES_MAX]
    details = themes_changed(theme.scope_key)
    audit.record(actor, "theme.merge", target, merged=theme.id, merged_label=theme.label,
                 contributions=len(assignments), **details)
    db.session.flush()
    db.session.delete(theme)
    db.session.flush()
    return target


def split_theme(theme: Theme, contribution_ids, label, actor) -> Theme:
    """Move the selected contributions of ``theme`` into a new, named theme."""
    label = _clean_label(label)
    assignments = _selected_members(theme, contribution_ids)
    position = db.session.scalar(sa.select(sa.func.max(Theme.position)).where(Theme.scope_key == theme.scope_key)) or 0
    new = Theme(scope_key=theme.scope_key, label=label, named=True, keywords=[], is_minority=theme.is_minority,
                position=position + 1, run_id=theme.run_id, centroid=None,
                representative_ids=[a.contribution_id for a in assignments][:REPRESENTATIVES_MAX])
    db.session.add(new)
    db.session.flush()
    _reassign(assignments, new, actor)
    forget_abstracts(theme)
    moved = {a.contribution_id for a in assignments}
    theme.representative_ids = [i for i in (theme.representative_ids or []) if i not in moved]
    details = themes_changed(theme.scope_key)
    audit.record(actor, "theme.split", new, source=theme.id, contributions=sorted(moved), **details)
    db.session.flush()
    return new


def move_contributions(theme: Theme, contribution_ids, target: Theme | None, actor) -> int:
    """Move the selected contributions of ``theme`` to ``target`` (kept by recomputations)."""
    target = _check_target(theme, target)
    assignments = _selected_members(theme, contribution_ids)
    _reassign(assignments, target, actor)
    forget_abstracts(theme, target)
    moved = {a.contribution_id for a in assignments}
    theme.representative_ids = [i for i in (theme.representative_ids or []) if i not in moved]
    details = themes_changed(theme.scope_key)
    audit.record(actor, "theme.move", target, source=theme.id, contributions=sorted(moved), **details)
    db.session.flush()
    return len(moved)


# --- the codebook -------------------------------------------------------------------------

def codes() -> list[Code]:
    return list(db.session.scalars(sa.select(Code).order_by(sa.func.lower(Code.name), Code.id)))


def code_usage() -> dict[int, int]:
    return dict(db.session.execute(sa.select(contribution_codes.c.code_id, sa.func.count())
                                   .group_by(contribution_codes.c.code_id)).all())


def _clean_code(name, description) -> tuple[str, str | None]:
    name = " ".join(name.split()) if isinstance(name, str) else ""
    if not name or len(name) > CODE_NAME_MAX or "\x00" in name:
        raise ThemeRefused("code_name")
    description = description.strip() if isinstance(description, str) else ""
    if len(description) > CODE_DESCRIPTION_MAX or "\x00" in description:
        raise ThemeRefused("code_name")
    return name, description or None


def _check_unique(name: str, code_id: int | None = None) -> None:
    stmt = sa.select(Code.id).where(sa.func.lower(Code.name) == name.lower())
    if code_id is not None:
        stmt = stmt.where(Code.id != code_id)
    if db.session.scalar(stmt) is not None:
        raise ThemeRefused("code_duplicate")


def _check_parent(code: Code | None, parent: Code | None) -> None:
    seen = set()
    node = parent
    while node is not None and node.id not in seen:
        if code is not None and node.id == code.id:
            raise ThemeRefused("code_parent")
        seen.add(node.id)
        node = node.parent


def create_code(name, description, parent: Code | None, actor) -> Code:
    name, description = _clean_code(name, description)
    _check_unique(name)
    code = Code(name=name, description=description, parent=parent,
                created_by_id=actor.id if getattr(actor, "is_authenticated", False) else None)
    db.session.add(code)
    db.session.flush()
    audit.record(actor, "code.create", code, name=name)
    return code


def update_code(code: Code, name, description, parent: Code | None, actor) -> None:
    name, description = _clean_code(name, description)
    _check_unique(name, code.id)
    _check_parent(code, parent)
    before = code.name
    code.name, code.description, code.parent = name, description, parent
    db.session.flush()
    audit.record(actor, "code.update", code, before=before, after=name)


def delete_code(code: Code, actor) -> None:
    for child in db.session.scalars(sa.select(Code).where(Code.parent_id == code.id)):
        child.parent = code.parent
    used = code_usage().get(code.id, 0)
    audit.record(actor, "code.delete", code, name=code.name, contributions=used)
    db.session.execute(contribution_codes.delete().where(contribution_codes.c.code_id == code.id))
    db.session.delete(code)
    db.session.flush()


def tag_contributions(theme: Theme, contribution_ids, code: Code | None, actor, *, remove: bool = False) -> int:
    """Tag the selected contributions of ``theme`` with ``code`` (or remove it). Returns how many changed."""
    if code is None:
        raise ThemeRefused("code")
    ids = sorted(a.contribution_id for a in _selected_members(theme, contribution_ids))
    present = set(db.session.scalars(sa.select(contribution_codes.c.contribution_id).where(
        contribution_codes.c.code_id == code.id, contribution_codes.c.contribution_id.in_(ids))))
    if remove:
        changed = [i for i in ids if i in present]
        if changed:
            db.session.execute(contribution_codes.delete().where(
                contribution_codes.c.code_id == code.id, contribution_codes.c.contribution_id.in_(changed)))
    else:
        changed = [i for i in ids if i not in present]
        user_id = actor.id if getattr(actor, "is_authenticated", False) else None
        if changed:
            db.session.execute(contribution_codes.insert(), [
                {"contribution_id": i, "code_id": code.id, "coded_by_id": user_id, "coded_at": utcnow()}
                for i in changed])
    audit.record(actor, "code.untag" if remove else "code.tag", code, contributions=changed)
    return len(changed)
