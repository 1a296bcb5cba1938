"""Summary runs: computing a scope's themes as a background job, keeping analysts' work.

:func:`create_run` records a queued :class:`AnalysisRun` (the caller commits), :func:`dispatch_run`
queues :func:`compute_run` (RQ with ``REDIS_URL``, inline without). The job reports its progress in
steps (``progress`` in percent, ``progress_message`` a key of :data:`PROGRESS_MESSAGES`), embeds
what is missing, calls :func:`app.analysis.method.summarise` (seeded: the same input gives the same
themes) and stores the result:

* computed themes of the previous run are replaced;
* themes analysts named (``Theme.named``) or moved contributions into are kept: each is matched
  to the nearest new cluster (:func:`app.analysis.method.match_themes`) and keeps its id and label;
* contributions analysts moved (``AssignmentSource.ANALYST``) stay where they were put;
* the run records its method, model, parameters and input hash, so it can be reproduced;
* only when ``SUMMARY_PROVIDER`` is configured, a last step writes a machine-written summary of
  each theme (:mod:`app.analysis.abstracts`); a theme it fails for has none, the run still
  finishes, and ``parameters["abstracts"]`` records provider, model, prompt version and counts.
  Incomplete settings fail the run before anything is written.

Contributions published later are put into the nearest existing theme when their embedding job
runs (:func:`assign_arrival`), or stay unassigned below the method's threshold.
"""
from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.analysis import embeddings
from app.analysis.models import AnalysisRun, AssignmentSource, RunStatus, Theme, ThemeAssignment
from app.analysis.themes import (
    ThemeRefused,
    consultation_id_of,
    consultation_scope,
    latest_run,
    members_by_theme,
    scope_clause,
    scope_contributions,
    themes_of,
)
from app.contributions.models import Contribution, ContributionStatus
from app.core import jobs
from app.core.timeutil import utcnow
from app.extensions import db
from app.moderation import audit

log = logging.getLogger(__name__)

SEED = 0
K_MIN, K_MAX = 2, 30
STALE_AFTER = timedelta(hours=1)  # a queued or running run older than this no longer blocks a new one

PROGRESS_MESSAGES = {
    "queued": _l("Waiting for a free worker"),
    "embedding": _l("Reading the contributions"),
    "clustering": _l("Finding themes"),
    "saving": _l("Saving the themes"),
    "abstracts": _l("Writing short summaries of the themes"),
    "done": _l("Finished"),
    "failed": _l("The computation failed"),
}


def progress_text(run: AnalysisRun) -> str:
    key = run.progress_message or run.status.value
    return str(PROGRESS_MESSAGES.get(key, key))


# --- starting and approving ---------------------------------------------------------------

def active_run(scope_key: str) -> AnalysisRun | None:
    """A queued or running run of the scope that is not stale."""
    return db.session.scalars(sa.select(AnalysisRun).where(
        AnalysisRun.scope_key == scope_key, AnalysisRun.status.in_([RunStatus.QUEUED, RunStatus.RUNNING]),
        AnalysisRun.created_at >= utcnow() - STALE_AFTER).order_by(AnalysisRun.id.desc())).first()


def create_run(scope_key: str, actor, k: int | None = None) -> AnalysisRun:
    """Record a queued run of ``scope_key`` (flushes; commit, then :func:`dispatch_run`).
    Raises :class:`ThemeRefused` while another run of the scope is queued or running."""
    if k is not None and not (K_MIN <= int(k) <= K_MAX):
        raise ThemeRefused("k")
    if active_run(scope_key) is not None:
        raise ThemeRefused("running")
    user_id = actor.id if getattr(actor, "is_authenticated", False) else None
    run = AnalysisRun(scope_key=scope_key, consultation_id=consultation_id_of(scope_key), status=RunStatus.QUEUED,
                      progress=0, progress_message="queued",
                      parameters={"k": int(k) if k is not None else None, "seed": SEED,
                                  "backend": embeddings.backend_name()},
                      method={}, result={}, created_by_id=user_id)
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "analysis.run", run, scope=scope_key, k=run.parameters["k"])
    return run


def dispatch_run(run_id: int):
    """Queue the computation of a committed run (runs it right away without Redis)."""
    return jobs.enqueue(compute_run, run_id, retries=0)


def approve_run(run: AnalysisRun, actor) -> None:
    """An analyst approves a finished summary (the latest of its scope) for memos; a consultation's
    approved summary can then be published on its page (:func:`publish_run`)."""
    if run.status is not RunStatus.DONE:
        raise ThemeRefused("not_done")
    latest = latest_run(run.scope_key, done=True)
    if latest is None or latest.id != run.id:
        raise ThemeRefused("not_latest")
    run.approved_at = utcnow()
    run.approved_by_id = actor.id if getattr(actor, "is_authenticated", False) else None
    if "approval_withdrawn_at" in (run.result or {}):
        run.result = {k: v for k, v in run.result.items() if k not in ("approval_withdrawn_at", "approved_at_before")}
    audit.record(actor, "analysis.approve", run, scope=run.scope_key, input_hash=run.input_hash)


def publish_run(run: AnalysisRun, actor) -> None:
    """An analyst shows an approved summary on its consultation's public page ("What we heard").
    Only the latest finished, approved run of a consultation (not of an action field)."""
    if consultation_id_of(run.scope_key) is None:
        raise ThemeRefused("publish_scope")
    latest = latest_run(run.scope_key, done=True)
    if run.status is not RunStatus.DONE or latest is None or latest.id != run.id:
        raise ThemeRefused("publish_not_latest")
    if run.approved_at is None:
        raise ThemeRefused("publish_not_approved")
    if run.published_at is not None:
        return
    run.published_at = utcnow()
    run.published_by_id = actor.id if getattr(actor, "is_authenticated", False) else None
    audit.record(actor, "analysis.publish", run, scope=run.scope_key, input_hash=run.input_hash)


def unpublish_run(run: AnalysisRun, actor) -> None:
    """An analyst takes a summary off its consultation's public page (nothing to do if it is not there)."""
    if run.published_at is None:
        return
    run.published_at = None
    run.published_by_id = None
    audit.record(actor, "analysis.unpublish", run, scope=run.scope_key)


# --- the job ------------------------------------------------------------------------------

def _step(run: AnalysisRun, percent: int, key: str) -> None:
    run.progress = percent
    run.progress_message = key
    db.session.commit()


def compute_run(run_id: int) -> None:
    """Job: compute a queued run. Failures are recorded on the run (status ``failed``), never raised."""
    run = db.session.get(AnalysisRun, run_id)
    if run is None or run.status is not RunStatus.QUEUED:
        return
    run.status = RunStatus.RUNNING
    run.started_at = utcnow()
    _step(run, 5, "embedding")
    try:
        _compute(run)
    except Exception as exc:  # noqa: BLE001 - recorded on the run; the page says it failed
        log.exception("Analysis run %s failed", run_id)
        db.session.rollback()
        run = db.session.get(AnalysisRun, run_id)
        run.status = RunStatus.FAILED
        run.progress_message = "failed"
        run.error = f"{type(exc).__name__}: {exc}"[:500]
        run.finished_at = utcnow()
        db.session.commit()


def _compute(run: AnalysisRun) -> None:
    from app.analysis import abstracts, method

    summariser = abstracts.get_summariser(current_app.config)  # incomplete settings: fail before writing
    contributions = list(db.session.scalars(
        scope_contributions(run.scope_key).options(selectinload(Contribution.translations))))
    ids = [c.id for c in contributions]
    backend = embeddings.get_backend(run.parameters.get("backend") or None)

    def embedded(done, total):
        run.progress = 5 + int(30 * done / max(total, 1))
        db.session.commit()

    if embeddings.caches_vectors(backend):
        embeddings.embed_missing(contribution_ids=ids, progress=embedded)
    _step(run, 35, "clustering")
    items = [embeddings.item_of(c) for c in contributions]
    vectors = embeddings.vectors_for(contributions, backend, items=items)
    result = method.summarise(items, vectors if len(items) else None, k=run.parameters.get("k"),
                              seed=run.parameters.get("seed", SEED), backend=backend.name, model=backend.model,
                              subjects=method.subjects_for(backend) if len(items) else None)
    _step(run, 80, "saving")
    _store(run, contributions, vectors, result)
    run.method = _plain(dict(result.method or {}))
    run.input_hash = run.method.get("input_hash")
    if summariser is not None:
        _step(run, 85, "abstracts")

        def written(done, total):
            run.progress = 85 + int(14 * done / max(total, 1))
            db.session.commit()

        abstracts.write_abstracts(run, themes_of(run.scope_key), summariser,
                                  closeness=_closeness(run.scope_key, contributions, vectors), progress=written)
    run.status = RunStatus.DONE
    run.progress = 100
    run.progress_message = "done"
    run.finished_at = utcnow()
    db.session.commit()


# --- adapters to the method library -------------------------------------------------------

def _plain(value):
    """JSON-safe copies of what the method returns (numpy numbers and arrays included)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    return value


def _ints(values) -> list[int]:
    return [int(v) for v in (values or [])]


def _mean(rows) -> np.ndarray | None:
    """The L2-normalised mean of some vectors, or None without any."""
    if len(rows) == 0:
        return None
    mean = np.asarray(rows, dtype=np.float32).mean(axis=0)
    norm = float(np.linalg.norm(mean)) or 1.0
    return mean / norm


def _closeness(scope_key: str, contributions, vectors) -> dict[int, float]:
    """Each theme member's cosine to the mean of its theme's members (in this run's vectors)."""
    row = {c.id: i for i, c in enumerate(contributions)}
    closeness: dict[int, float] = {}
    for ids in members_by_theme(scope_key).values():
        ids = [i for i in ids if i in row]
        if ids:
            members = vectors[[row[i] for i in ids]]
            closeness.update(zip(ids, (float(v) for v in members @ _mean(members))))
    return closeness


def _threshold(params: dict | None, key: str, default: float) -> float:
    value = (params or {}).get(key)
    return float(value) if isinstance(value, (int, float)) else float(default)


# --- storing a result ---------------------------------------------------------------------

def _store(run: AnalysisRun, contributions, vectors, result) -> None:
    from app.analysis import method

    scope = run.scope_key
    index = {c.id: i for i, c in enumerate(contributions)}
    existing = themes_of(scope)
    members = members_by_theme(scope)
    analyst = {a.contribution_id: a for a in db.session.scalars(sa.select(ThemeAssignment).where(
        ThemeAssignment.scope_key == scope, ThemeAssignment.source == AssignmentSource.ANALYST))}
    analyst_themes = {a.theme_id for a in analyst.values()}
    kept = [t for t in existing if t.named or t.id in analyst_themes]
    kept_ids = {t.id for t in kept}

    # The kept themes' centroids in this run's vector space: the mean of their current members.
    old_centroids, old_members, matchable = [], [], []
    for theme in kept:
        rows = [index[i] for i in members.get(theme.id, []) if i in index]
        centroid = _mean(vectors[rows]) if rows else None
        if centroid is None and theme.centroid:
            stored = embeddings.from_bytes(theme.centroid)
            centroid = stored if len(vectors) and stored.shape[0] == vectors.shape[1] else None
        if centroid is not None:
            old_centroids.append(centroid)
            old_members.append(members.get(theme.id, []))
            matchable.append(theme)
    new_themes = list(result.themes)
    new_centroids = [np.asarray(t.centroid, dtype=np.float32) for t in new_themes]
    match_threshold = _threshold(result.method, "match_threshold", method.MATCH_THRESHOLD)
    matches = {}
    if old_centroids and new_centroids:
        found = method.match_themes(np.vstack(old_centroids), np.vstack(new_centroids), match_threshold,
                                    old_members=old_members, new_members=[list(t.member_ids) for t in new_themes])
        matches = {int(new): int(old) for old, new in found.items()}

    db.session.execute(sa.delete(ThemeAssignment).where(ThemeAssignment.scope_key == scope,
                                                        ThemeAssignment.source == AssignmentSource.COMPUTED))
    for theme in existing:
        if theme.id not in kept_ids:
            db.session.delete(theme)
    db.session.flush()

    stored_ids = []
    assigned: set[int] = set(analyst)
    for position, found in enumerate(new_themes):
        theme = matchable[matches[position]] if position in matches else None
        if theme is None:
            theme = Theme(scope_key=scope, label=str(found.label)[:200], named=False)
            db.session.add(theme)
        elif not theme.named:
            theme.label = str(found.label)[:200]
        theme.keywords = [str(k) for k in found.keywords]
        theme.representative_ids = _ints(found.representative_ids)
        theme.is_minority = bool(found.is_minority)
        theme.centroid = embeddings.to_bytes(new_centroids[position])
        theme.position = position
        theme.run_id = run.id
        db.session.flush()
        stored_ids.append(theme.id)
        for contribution_id in _ints(found.member_ids):
            if contribution_id in assigned:
                continue
            assigned.add(contribution_id)
            db.session.add(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=contribution_id,
                                           source=AssignmentSource.COMPUTED))
    for offset, theme in enumerate(t for t in kept if t.id not in stored_ids):
        theme.position = len(new_themes) + offset
    db.session.flush()

    run.result = {
        "contribution_ids": [c.id for c in contributions],
        "theme_ids": stored_ids,
        "unassigned_ids": [i for i in _ints(result.unassigned_ids) if i not in assigned],
        "campaigns": [{"representative_id": int(c.representative_id), "member_ids": _ints(c.member_ids),
                       "count": len(c.member_ids)} for c in (result.campaigns or [])],
    }


# --- contributions that arrive later ------------------------------------------------------

def assign_arrival(contribution_id: int) -> int | None:
    """Put a published contribution that is in no theme of its consultation into the nearest
    existing theme (see :func:`assign_arrivals`). Flushes; returns the theme id or None."""
    return assign_arrivals([contribution_id]).get(contribution_id)


def assign_arrivals(contribution_ids) -> dict[int, int]:
    """Put published contributions that are in no theme of their consultation into the nearest
    existing theme (centroid = mean of the theme's current members) when they are similar enough;
    the centroids are computed once per consultation. Flushes; returns {contribution id: theme id}
    for those assigned."""
    from app.analysis import method

    ids = sorted({int(i) for i in contribution_ids})
    by_scope: dict[str, list[int]] = {}
    for start in range(0, len(ids), 500):
        rows = db.session.execute(sa.select(Contribution.id, Contribution.consultation_id).where(
            Contribution.id.in_(ids[start:start + 500]), Contribution.status == ContributionStatus.PUBLISHED))
        for contribution_id, consultation_id in rows:
            by_scope.setdefault(consultation_scope(consultation_id), []).append(contribution_id)
    found: dict[int, int] = {}
    for scope, arrivals in by_scope.items():
        assigned = set()
        for start in range(0, len(arrivals), 500):
            assigned.update(db.session.scalars(sa.select(ThemeAssignment.contribution_id).where(
                ThemeAssignment.scope_key == scope, ThemeAssignment.contribution_id.in_(arrivals[start:start + 500]))))
        arrivals = [i for i in arrivals if i not in assigned]
        members = members_by_theme(scope)
        themes = [t for t in themes_of(scope) if members.get(t.id)]
        if not arrivals or not themes:
            continue
        wanted = sorted({i for t in themes for i in members[t.id]} | set(arrivals))
        loaded = {c.id: c for c in db.session.scalars(sa.select(Contribution).where(Contribution.id.in_(wanted))
                                                      .options(selectinload(Contribution.translations)))}
        ordered = [loaded[i] for i in wanted]
        vectors = embeddings.vectors_for(ordered)
        row = {c.id: i for i, c in enumerate(ordered)}
        centroids = np.vstack([_mean(vectors[[row[i] for i in members[t.id]]]) for t in themes])
        run = latest_run(scope, done=True)
        threshold = _threshold(run.method if run else None, "assign_threshold", method.ASSIGN_THRESHOLD)
        chosen = method.assign_to_themes(vectors[[row[i] for i in arrivals]], centroids, threshold)
        for contribution_id, index in zip(arrivals, chosen):
            if index is not None:
                db.session.add(ThemeAssignment(scope_key=scope, theme_id=themes[index].id,
                                               contribution_id=contribution_id, source=AssignmentSource.COMPUTED))
                found[contribution_id] = themes[index].id
    db.session.flush()
    return found


# --- the summary as data (command line and API) -------------------------------------------

def summary_document(consultation) -> dict:
    """The latest summary of a consultation as plain data: its stats, themes and unassigned ids."""
    return scope_document(consultation_scope(consultation), {"consultation": consultation.slug})


def scope_document(scope_key: str, head: dict) -> dict:
    """The latest summary of a scope as plain data: ``head`` (what the scope is, e.g.
    ``{"consultation": slug}`` or ``{"field": slug, "from": day, "to": day}``), then its stats,
    themes and unassigned ids."""
    from app.analysis.stats import summary_stats
    from app.analysis.themes import overview

    data = overview(scope_key)
    run = data["run"]
    return {
        **head,
        "generated_at": (run.finished_at.isoformat(timespec="seconds") + "Z") if run and run.finished_at else None,
        "stats": summary_stats(scope_key),
        "themes": [{
            "id": t["id"], "label": t["label"], "keywords": t["keywords"], "size": t["size"],
            "contribution_ids": t["contribution_ids"], "representative_ids": t["representative_ids"],
            "languages": t["languages"], "abstract": t["abstract"],
        } for t in data["themes"]],
        "unassigned_ids": data["unassigned_ids"],
    }
