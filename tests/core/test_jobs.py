"""Background jobs: inline without Redis; on a real Redis (``REDIS_URL``) with an RQ
``SimpleWorker`` in burst mode, including the machine translation of a contribution."""
from __future__ import annotations

import logging
import os
import signal
import uuid

import pytest
import sqlalchemy as sa
from flask import current_app, has_app_context

from app.contributions.models import Contribution, ContributionTranslation, TranslationSource
from app.contributions.translations import machine_translate_contribution, schedule_machine_translation
from app.core import jobs
from app.extensions import db as _db
from tests.factories import make_consultation, make_contribution
from tests.i18n.test_providers import FakeTranslationServer

REDIS_URL = os.environ.get("REDIS_URL")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set (e.g. redis://127.0.0.1:6379/15): "
                                                       "the tests against a real Redis are skipped")
CALLS: list[dict] = []


# Job functions: module level, importable by a worker, taking plain values.
def record(value, text="x"):
    CALLS.append({"value": value, "text": text, "context": has_app_context(),
                  "database": current_app.config["SQLALCHEMY_DATABASE_URI"],
                  "session": id(_db.session())})
    return value * 2


def rename_contribution(contribution_id, text):
    _db.session.get(Contribution, contribution_id).text = text
    _db.session.commit()


def explode(contribution_id):
    _db.session.get(Contribution, contribution_id).text = "half-written"
    _db.session.flush()
    raise RuntimeError("boom")


@pytest.fixture(autouse=True)
def clean(app, monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(app.config, "REDIS_URL", None)
    monkeypatch.setattr(jobs, "_worker_app", None)
    for name in ("app.contributions.translations", "app.core.jobs"):  # see tests/contributions/test_translations.py
        monkeypatch.setattr(logging.getLogger(name), "disabled", False)


# --- Inline -----------------------------------------------------------------------------------

def test_inline_job_runs_at_once_in_its_own_context(app, db):
    outer_session = id(db.session())
    assert jobs.enqueue(record, 21, "hallo") is None
    assert jobs.enqueue("tests.core.test_jobs:record", 1) is None
    assert [c["value"] for c in CALLS] == [21, 1]
    assert CALLS[0]["text"] == "hallo" and CALLS[0]["context"] is True
    assert CALLS[0]["database"] == app.config["SQLALCHEMY_DATABASE_URI"]
    assert CALLS[0]["session"] != outer_session  # a unit of work of its own


def test_inline_job_commits_its_own_work(db):
    contribution = make_contribution(make_consultation(), "vorher")
    jobs.enqueue(rename_contribution, contribution.id, "nachher")
    db.session.expire_all()
    assert contribution.text == "nachher"


def test_failing_inline_job_is_logged_and_the_caller_goes_on(db, caplog):
    contribution = make_contribution(make_consultation(), "vorher")
    with caplog.at_level(logging.ERROR, logger="app.core.jobs"):
        assert jobs.enqueue(explode, contribution.id) is None
    assert "tests.core.test_jobs.explode(" in caplog.text and "boom" in caplog.text
    db.session.expire_all()
    assert contribution.text == "vorher"  # the job's half-done work was rolled back


def test_only_module_level_functions_and_plain_arguments(db):
    def local():
        pass

    with pytest.raises(ValueError):
        jobs.enqueue(local)
    with pytest.raises(ValueError):
        jobs.enqueue(lambda: None)
    with pytest.raises(ValueError):
        jobs.enqueue(record, make_consultation())  # an ORM object, not an id
    assert CALLS == []


def test_unreachable_redis_does_not_fail_the_caller(app, db, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    with caplog.at_level(logging.ERROR, logger="app.core.jobs"):
        assert jobs.enqueue(record, 1) is None
    assert "Could not queue job" in caplog.text
    assert CALLS == []


def test_worker_command_needs_redis(app, runner):
    if "jobs" not in app.cli.commands:
        jobs.register_cli(app)
    result = runner.invoke(args=["jobs", "worker", "--burst"])
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output


# --- On Redis ---------------------------------------------------------------------------------

@pytest.fixture()
def queue(app, monkeypatch):
    """A queue of its own on ``REDIS_URL``; every key it and its worker left is deleted afterwards."""
    name = f"vielstimmig-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setitem(app.config, "REDIS_URL", REDIS_URL)
    monkeypatch.setitem(app.config, "JOBS_QUEUE", name)
    queue = jobs.get_queue(app)
    connection = queue.connection
    job_ids: set[str] = set()

    yield queue
    job_ids.update(queue.job_ids)
    for registry in (queue.finished_job_registry, queue.failed_job_registry, queue.scheduled_job_registry,
                     queue.started_job_registry, queue.deferred_job_registry, queue.canceled_job_registry):
        job_ids.update(registry.get_job_ids())
    for job_id in job_ids:
        connection.delete(f"rq:job:{job_id}", f"rq:results:{job_id}", f"rq:job:{job_id}:dependents",
                          f"rq:job:{job_id}:dependencies")
        for key in connection.scan_iter(f"*{job_id}*"):
            connection.delete(key)
    for key in connection.scan_iter(f"*{name}*"):
        connection.delete(key)
    for key in connection.scan_iter("rq:worker:*"):
        if name in (connection.hget(key, "queues") or b"").decode():  # workers with generated names
            connection.delete(key)
    for key in ("rq:workers", "rq:queues"):
        for member in connection.smembers(key):
            if name in member.decode():
                connection.srem(key, member)


def work(queue):
    """Run an RQ SimpleWorker in burst mode in this process (keeping pytest's signal handlers)."""
    from rq import SimpleWorker

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        worker = SimpleWorker([queue], connection=queue.connection, name=f"{queue.name}-{uuid.uuid4().hex[:6]}")
        worker.work(burst=True)
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)


@needs_redis
def test_enqueued_job_waits_for_a_worker(app, db, queue):
    job = jobs.enqueue(record, 21, "hallo", retries=2)

    assert job is not None and CALLS == []
    assert queue.job_ids == [job.id]
    assert job.retries_left == 2 and job.retry_intervals == [10, 60, 300]
    assert job.description == "tests.core.test_jobs.record(21, 'hallo')"

    work(queue)

    assert [c["value"] for c in CALLS] == [21]
    assert CALLS[0]["context"] and CALLS[0]["database"] == app.config["SQLALCHEMY_DATABASE_URI"]
    job.refresh()
    assert job.get_status().value == "finished" and job.return_value() == 42
    assert queue.job_ids == []


@needs_redis
def test_worker_commits_the_jobs_work(db, queue):
    contribution = make_contribution(make_consultation(), "vorher")
    jobs.enqueue(rename_contribution, contribution.id, "nachher")
    db.session.expire_all()
    assert contribution.text == "vorher"
    work(queue)
    db.session.expire_all()
    assert contribution.text == "nachher"


@needs_redis
def test_worker_command_runs_the_queue(app, db, queue, runner):
    if "jobs" not in app.cli.commands:
        jobs.register_cli(app)
    jobs.enqueue(record, 5)
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        result = runner.invoke(args=["jobs", "worker", "--burst", "--simple"])
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert result.exit_code == 0, result.output
    assert [c["value"] for c in CALLS] == [5]


# --- Machine translation on Redis -------------------------------------------------------------

@pytest.fixture()
def libre(app, monkeypatch):
    with FakeTranslationServer("libretranslate") as server:
        for key, value in {"TRANSLATION_PROVIDER": "libretranslate", "TRANSLATION_URL": server.url,
                           "TRANSLATION_API_KEY": None, "TRANSLATION_TIMEOUT": 5, "TRANSLATION_TARGETS": ["de"],
                           "TRANSLATION_RETRY_WAITS": [0.01, 0.01, 0.01]}.items():
            monkeypatch.setitem(app.config, key, value)
        yield server


def translations(db):
    db.session.expire_all()
    return list(db.session.scalars(sa.select(ContributionTranslation)))


@needs_redis
def test_machine_translation_through_the_queue(db, queue, libre):
    contribution = make_contribution(make_consultation(), "Daha fazla kreş yeri", language="tr")
    job = schedule_machine_translation(contribution.id)

    assert job is not None and translations(db) == [] and libre.requests == []
    work(queue)

    [translation] = translations(db)
    assert (translation.contribution_id, translation.language, translation.text) == (
        contribution.id, "de", "[de] Daha fazla kreş yeri")
    assert translation.source is TranslationSource.MACHINE and translation.provider == "libretranslate"
    job.refresh()
    assert job.get_status().value == "finished"


@needs_redis
def test_under_rq_a_transient_failure_is_left_to_rqs_retry(db, queue, libre, caplog):
    libre.script(*[(500, {"error": "down"})] * 10)
    contribution = make_contribution(make_consultation(), "Daha fazla kreş yeri", language="tr")
    job = schedule_machine_translation(contribution.id)
    with caplog.at_level(logging.WARNING, logger="app.contributions.translations"):
        work(queue)

    assert translations(db) == []
    assert len(libre.requests) == 1  # no inline retries inside a worker
    assert "will be retried" in caplog.text
    job.refresh()
    assert job.get_status().value == "scheduled" and job.retries_left == 2  # RQ tries again in 10 s
    db.session.expire_all()
    assert db.session.get(Contribution, contribution.id).text == "Daha fazla kreş yeri"

    libre.reset()
    assert machine_translate_contribution(contribution.id).created == ["de"]  # e.g. the retry, later
    assert len(translations(db)) == 1
