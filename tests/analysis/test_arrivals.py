"""Contributions stored for others join the existing themes, like those sent online: entered
offline (one by one or as a batch), imported (web page and command line) or sent as an
organisation's statement. Without a job queue, a large import is left to the next computation;
with one, the work is split into jobs (also on a real Redis when ``REDIS_URL`` is set)."""
from __future__ import annotations

import csv
import io
import os
import re
from datetime import date

import pytest
import sqlalchemy as sa

from app.analysis import embeddings, runs, themes
from app.analysis.models import AnalysisRun, ThemeAssignment
from app.contributions.models import Contribution, ContributionStatus, InputSession, InputSessionFormat
from app.core import jobs
from app.organisations.models import Statement
from tests.analysis.data import make_dataset, needs_method
from tests.factories import make_contribution, make_organisation, make_user
from tests.helpers import get_csrf_token

REDIS_URL = os.environ.get("REDIS_URL")
pytestmark = needs_method

KITA = "Mehr Kitaplätze bitte, die Warteliste der Kita im Stadtteil ist zu lang."
WOHNEN = "Die Mieten sind zu hoch, bezahlbare Wohnungen fehlen, die Mieten für Wohnungen steigen."


@pytest.fixture(autouse=True)
def inline(app, monkeypatch):
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setitem(app.config, "ANALYSIS_BACKEND", "tfidf")


@pytest.fixture()
def computed(db, seeded):
    """A consultation with three computed themes: (consultation, scope key, {topic: theme id})."""
    consultation, made = make_dataset()
    run = runs.create_run(themes.consultation_scope(consultation), None)
    db.session.commit()
    runs.dispatch_run(run.id)
    db.session.expire_all()
    assert db.session.get(AnalysisRun, run.id).error is None
    scope = themes.consultation_scope(consultation)
    theme_ids = {topic: theme_of(db, scope, made[topic][0].id) for topic in ("kita", "wohnen")}
    assert None not in theme_ids.values() and len(set(theme_ids.values())) == 2
    return consultation, scope, theme_ids


def theme_of(db, scope, contribution_id):
    return db.session.scalar(sa.select(ThemeAssignment.theme_id).where(
        ThemeAssignment.scope_key == scope, ThemeAssignment.contribution_id == contribution_id))


def newest(db, n=1) -> list[int]:
    return sorted(db.session.scalars(sa.select(Contribution.id).order_by(Contribution.id.desc()).limit(n)))


def cohost_member(client, consultation):
    user = make_user("organisation_member")
    organisation = make_organisation(cohosts=[consultation], members=[(user, "member")])
    with client.session_transaction() as session:
        session["_user_id"] = user.get_id()
        session["_fresh"] = True
    return user, organisation


def input_session_path(client, db, consultation, format: InputSessionFormat) -> str:
    """Log in a member of a co-host, open an input session of its organisation; its page's path."""
    _user, organisation = cohost_member(client, consultation)
    session = InputSession(consultation=consultation, organisation=organisation, format=format,
                           title="Werkstatt", held_on=date(2026, 11, 1))
    db.session.add(session)
    db.session.commit()
    return f"/de/offline/consultations/{consultation.slug}/sessions/{session.id}"


def csv_bytes(rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("text", "language"))
    writer.writerows(rows)
    return out.getvalue().encode()


def test_a_batch_entered_offline_joins_the_nearest_themes(client, db, computed):
    consultation, scope, theme_ids = computed
    path = input_session_path(client, db, consultation, InputSessionFormat.WORKSHOP)
    response = client.post(path + "/batch", data={
        "batch-csrf_token": get_csrf_token(client, path), "save": "1", "batch-language": "de",
        "batch-texts": f"{KITA}\n\n{WOHNEN}"})
    assert response.status_code == 303
    db.session.expire_all()
    kita, wohnen = newest(db, 2)
    assert theme_of(db, scope, kita) == theme_ids["kita"]
    assert theme_of(db, scope, wohnen) == theme_ids["wohnen"]


def test_one_contribution_entered_offline_joins_its_theme(client, db, computed):
    consultation, scope, theme_ids = computed
    path = input_session_path(client, db, consultation, InputSessionFormat.PAPER)
    question = consultation.questions[0]
    response = client.post(path + "/contributions", data={"csrf_token": get_csrf_token(client, path),
                                                          f"q{question.id}": WOHNEN, "language": "de"})
    assert response.status_code == 303
    db.session.expire_all()
    [contribution_id] = newest(db)
    assert theme_of(db, scope, contribution_id) == theme_ids["wohnen"]


def test_an_import_joins_the_themes_page_and_command_line(client, db, computed, runner, tmp_path):
    consultation, scope, theme_ids = computed
    cohost_member(client, consultation)
    path = f"/en/offline/consultations/{consultation.slug}/import"
    response = client.post(path, data={"csrf_token": get_csrf_token(client, path), "default_channel": "paper",
                                       "file": (io.BytesIO(csv_bytes([[KITA, "de"]])), "rows.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    [from_page] = newest(db)
    assert theme_of(db, scope, from_page) == theme_ids["kita"]

    file = tmp_path / "rows.csv"
    file.write_bytes(csv_bytes([[WOHNEN, "de"]]))
    result = runner.invoke(args=["contributions", "import", str(file), "--consultation", consultation.slug])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    [from_cli] = newest(db)
    assert from_cli != from_page and theme_of(db, scope, from_cli) == theme_ids["wohnen"]


def test_a_statement_joins_its_theme(client, db, computed):
    consultation, scope, theme_ids = computed
    cohost_member(client, consultation)
    path = f"/de/consultations/{consultation.slug}/statements/new"
    page = client.get(path).get_data(as_text=True)
    organisation_id = re.search(r'name="organisation" value="(\d+)"', page).group(1)
    response = client.post(path, data={"csrf_token": get_csrf_token(client, path), "title": "Stellungnahme",
                                       "text": KITA, "organisation": organisation_id},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    statement = db.session.scalars(sa.select(Statement)).one()
    assert theme_of(db, scope, statement.contribution_id) == theme_ids["kita"]


def test_only_published_contributions_join(db, computed):
    consultation, scope, _theme_ids = computed
    pending = make_contribution(consultation, KITA, status=ContributionStatus.PENDING)
    assert embeddings.schedule_arrivals([pending.id]) == 1
    db.session.expire_all()
    assert theme_of(db, scope, pending.id) is None
    assert runs.assign_arrivals([pending.id, 10**9]) == {}  # pending, and an id that does not exist


def test_without_a_queue_a_large_import_waits_for_the_next_computation(db, computed, monkeypatch):
    consultation, scope, _theme_ids = computed
    monkeypatch.setattr(embeddings, "INLINE_ARRIVALS_MAX", 2)
    made = [make_contribution(consultation, KITA) for _ in range(3)]
    assert embeddings.schedule_arrivals([c.id for c in made]) == 0
    db.session.expire_all()
    assert all(theme_of(db, scope, c.id) is None for c in made)
    assert embeddings.schedule_arrivals([c.id for c in made[:2]]) == 2  # within the limit: inline
    db.session.expire_all()
    assert all(theme_of(db, scope, c.id) is not None for c in made[:2])


def test_with_a_queue_arrivals_are_split_into_jobs(app, db, computed, monkeypatch):
    consultation, _scope, _theme_ids = computed
    calls = []
    monkeypatch.setattr(jobs, "get_queue", lambda app=None: object())  # "a queue exists"
    monkeypatch.setattr(jobs, "enqueue", lambda func, *args, **kwargs: calls.append((jobs.job_path(func), args)))
    monkeypatch.setattr(embeddings, "ARRIVALS_PER_JOB", 2)
    ids = [make_contribution(consultation, KITA).id for _ in range(5)]
    assert embeddings.schedule_arrivals(ids) == 5
    assert calls == [("app.analysis.embeddings.embed_arrivals", tuple(ids[0:2])),
                     ("app.analysis.embeddings.embed_arrivals", tuple(ids[2:4])),
                     ("app.analysis.embeddings.embed_arrivals", tuple(ids[4:5]))]
    assert embeddings.schedule_arrivals([]) == 0


def test_scheduling_never_breaks_storing(db, computed, monkeypatch):
    consultation, _scope, _theme_ids = computed

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is away")

    monkeypatch.setattr(jobs, "enqueue", broken)
    assert embeddings.schedule_arrivals([make_contribution(consultation, KITA).id]) == 0


@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15): "
                                          "the tests against a real Redis are skipped")
def test_an_import_goes_through_the_queue_on_a_real_redis(app, db, computed, monkeypatch):
    import uuid

    from app.contributions import imports
    from tests.core.test_jobs import work

    consultation, scope, theme_ids = computed
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", f"vielstimmig-test-{uuid.uuid4().hex[:12]}")
    queue = jobs.get_queue(app)
    try:
        report = imports.import_file(consultation, csv_bytes([[KITA, "de"], [WOHNEN, "de"]]), "rows.csv")
        db.session.commit()
        assert embeddings.schedule_arrivals(report.added_ids) == 2 and len(queue.job_ids) == 1
        kita, wohnen = report.added_ids
        assert theme_of(db, scope, kita) is None  # waits for the worker
        work(queue)
        db.session.expire_all()
        assert theme_of(db, scope, kita) == theme_ids["kita"] and theme_of(db, scope, wohnen) == theme_ids["wohnen"]
    finally:
        queue.empty()
        queue.delete(delete_jobs=True)
