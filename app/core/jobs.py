"""Background jobs: on RQ when ``REDIS_URL`` is set, otherwise inline, right away.

A job is a plain importable module-level function that takes ids (never ORM objects) and
runs as its own unit of work (it commits). :func:`enqueue` queues ``run_job(path, *args)``,
which calls the function inside a fresh application context, so every worker can run it:

* ``flask --app wsgi jobs worker`` (see :func:`register_cli`) uses the app of the command;
* an RQ worker run inside an app context (e.g. a ``SimpleWorker`` in a test) uses that app;
* a bare ``rq worker`` builds one with :func:`app.create_app` (``FLASK_CONFIG`` etc.).

Without ``REDIS_URL`` the job runs synchronously in a fresh app context (its own database
session); any exception is logged, never raised to the caller.
"""
from __future__ import annotations

import importlib
import logging
from typing import Any, Callable

import click
from flask import Flask, current_app, has_app_context
from flask.cli import AppGroup

log = logging.getLogger(__name__)

RETRY_INTERVALS = [10, 60, 300]  # seconds between RQ's retries of a failed job
DEFAULT_QUEUE = "vielstimmig"

_worker_app: Flask | None = None  # set by the worker command; a fallback when no context is active
_connections: dict[str, Any] = {}


def job_path(func: str | Callable) -> str:
    """``module.function`` for a module-level function (or a path given as a string)."""
    if isinstance(func, str):
        path = func.replace(":", ".")
    else:
        qualname = getattr(func, "__qualname__", "")
        if not qualname or "." in qualname or "<" in qualname:
            raise ValueError(f"A job must be a module-level function, not {func!r}")
        path = f"{func.__module__}.{qualname}"
    module, _, name = path.rpartition(".")
    if not module or not name:
        raise ValueError(f"Not a job path: {func!r}")
    return path


def resolve(path: str) -> Callable:
    """Import the function a job path names."""
    module, _, name = job_path(path).rpartition(".")
    func = getattr(importlib.import_module(module), name, None)
    if not callable(func):
        raise ValueError(f"No job function {path!r}")
    return func


def _job_app() -> Flask:
    global _worker_app
    if has_app_context():
        return current_app._get_current_object()  # type: ignore[attr-defined]
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app


def run_job(path: str, *args):
    """Run the job function ``path`` with ``args`` in a fresh application context (and so a
    fresh database session, removed afterwards). What RQ workers execute."""
    func = resolve(path)
    with _job_app().app_context():
        return func(*args)


def redis_connection(url: str):
    """A (cached) Redis client for ``url``."""
    if url not in _connections:
        from redis import Redis

        _connections[url] = Redis.from_url(url)
    return _connections[url]


def get_queue(app: Flask | None = None):
    """The RQ queue jobs go to (``JOBS_QUEUE`` on ``REDIS_URL``), or None without Redis."""
    config = (app or current_app).config
    url = config.get("REDIS_URL")
    if not url:
        return None
    from rq import Queue

    return Queue(config.get("JOBS_QUEUE") or DEFAULT_QUEUE, connection=redis_connection(url))


def enqueue(func: str | Callable, *args, retries: int = 3):
    """Run ``func(*args)`` in the background: on RQ with ``retries`` retries
    (after 10 s, 60 s, 300 s) when ``REDIS_URL`` is set, else inline right now.

    Returns the RQ job, or None when run inline or when Redis could not be reached (logged).
    Never raises for a failing job or an unreachable Redis; does raise ValueError for a
    ``func`` that cannot be a job (a programming error)."""
    path = job_path(func)
    for arg in args:
        if not isinstance(arg, (int, str, float, bool, type(None))):
            raise ValueError(f"Job arguments must be ids or plain values, not {type(arg).__name__}")
    queue = get_queue()
    if queue is None:
        try:
            run_job(path, *args)
        except Exception:  # noqa: BLE001 - the caller must never fail because of a job
            log.exception("Job %s%r failed (run inline)", path, args)
        return None

    from redis.exceptions import RedisError
    from rq import Retry

    retry = Retry(max=retries, interval=RETRY_INTERVALS) if retries > 0 else None
    description = f"{path}({', '.join(repr(a) for a in args)})"
    try:
        return queue.enqueue(run_job, path, *args, retry=retry, description=description)
    except RedisError:
        log.exception("Could not queue job %s on %s; it did not run", description, queue.name)
        return None


def in_worker() -> bool:
    """True while an RQ worker executes the current job (RQ then retries failed jobs)."""
    try:
        from rq import get_current_job
    except ImportError:  # pragma: no cover
        return False
    return get_current_job() is not None


def register_cli(app: Flask) -> None:
    """Add ``flask --app wsgi jobs worker``."""
    jobs_cli = AppGroup("jobs", help="Background jobs (RQ on REDIS_URL).")

    @jobs_cli.command("worker")
    @click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
    @click.option("--simple", is_flag=True, help="Run jobs in this process instead of a forked one.")
    def worker(burst: bool, simple: bool):
        """Run an RQ worker for this app's queue (with the scheduler, for retries)."""
        global _worker_app
        from rq import SimpleWorker, Worker

        from app.extensions import db

        queue = get_queue()
        if queue is None:
            raise click.ClickException("REDIS_URL is not set: jobs run inline, no worker is needed.")
        _worker_app = current_app._get_current_object()  # type: ignore[attr-defined]
        # Forked work horses must not share pooled database connections with this process.
        db.engine.dispose()
        worker_class = SimpleWorker if simple else Worker
        click.echo(f"Working on queue {queue.name!r} ({'burst' if burst else 'until stopped'}).")
        worker_class([queue], connection=queue.connection).work(burst=burst, with_scheduler=True)

    app.cli.add_command(jobs_cli)
