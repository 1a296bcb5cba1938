"""The subject view: how close each contribution is to a fixed list of general subject areas.

Multilingual sentence vectors place a sentence near others in the same language, with the same
names or the same sentence shape, not only near those on the same subject: on SIB-200 only about
40 % of a sentence's nearest neighbours share its topic once languages are centred. Comparing every
contribution with the same list of subject areas ("Gesundheit", "Reisen und Tourismus",
"Arbeitsmarkt", …, ``subjects.tsv``, after the IPTC Media Topics) gives a second description
that only follows the subject, in whatever language the contribution is written. Each area is
named in the eight interface languages, and its vector is the mean of the eight labels' vectors,
so that no language is closer to the areas than another.

:func:`subject_view` keeps, per contribution, its similarities to its ``top`` closest subject areas
(after subtracting each language's mean, like the vectors), and :func:`with_subjects` appends that
view, weighted, to the prepared vectors before clustering. The weight is small (0.5 by default):
within a consultation on one subject the list cannot tell sub-topics apart, and the vectors still
decide. Backends whose vectors depend on the run (TF-IDF) have no subject view.

A consultation on one subject (:func:`dominant_area`: one area among the three closest of most
contributions) is compared with its own frequent words instead (:mod:`app.analysis.method.terms`;
``terms`` and ``areas=False`` of :func:`with_subjects`): embedded by the same model when a
computation needs them (and kept for the process), they tell apart the sub-topics that the
general areas cannot.
"""
from __future__ import annotations

import hashlib
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.analysis.method.backends import l2_normalise

SUBJECTS_FILE = Path(__file__).with_name("subjects.tsv")


@dataclass(frozen=True)
class Subjects:
    """Subject areas and their vectors from the backend that embeds the contributions."""

    labels: tuple[str, ...]  # the German name of each area
    vectors: np.ndarray  # (len(labels), dim), rows L2-normalised
    languages: tuple[str, ...] = ("de",)  # the languages whose labels were averaged
    source_sha256: str = ""  # of the file the areas come from (all languages); "" when built in code
    model: str = ""  # the backend's model: the key of its cached term vectors
    embed: Callable | None = field(default=None, compare=False, repr=False)  # the backend's embed, for terms

    @property
    def labels_hash(self) -> str:
        return self.source_sha256 or hashlib.sha256("\n".join(self.labels).encode("utf-8")).hexdigest()

    def describe(self) -> dict:
        """What the method record keeps of the subject areas (enough to reproduce the run)."""
        return {"count": len(self.labels), "languages": list(self.languages), "labels_sha256": self.labels_hash,
                "file": SUBJECTS_FILE.name}


def subject_table(path: Path = SUBJECTS_FILE) -> dict[str, tuple[str, ...]]:
    """The areas of ``path`` by language: a header row of language codes, then one row per area,
    tab-separated; ``#`` comments and blank lines skipped. Raises ValueError for a row whose number
    of cells differs from the header's or that has an empty cell."""
    rows = [line.rstrip("\n") for line in path.read_text(encoding="utf-8").splitlines()]
    rows = [row for row in rows if row.strip() and not row.startswith("#")]
    header, body = rows[0].split("\t"), [row.split("\t") for row in rows[1:]]
    for number, cells in enumerate(body, start=1):
        if len(cells) != len(header) or not all(cell.strip() for cell in cells):
            raise ValueError(f"{path.name}: area {number} does not have one label per language")
    return {language: tuple(cells[i].strip() for cells in body) for i, language in enumerate(header)}


@lru_cache(maxsize=1)
def _shipped_table() -> dict[str, tuple[str, ...]]:
    return subject_table()


def area_name(german: str | None, language: str) -> str | None:
    """The name of the subject area called ``german`` in German, in ``language`` where the list
    has it (else the German name); None for no area."""
    if not german:
        return None
    table = _shipped_table()
    try:
        row = table["de"].index(german)
    except ValueError:  # an area of another list (a run made before it changed)
        return german
    return table.get(language, table["de"])[row]


def subject_labels(path: Path = SUBJECTS_FILE) -> tuple[str, ...]:
    """The German names of the subject areas."""
    return subject_table(path)["de"]


def subjects_for(backend) -> Subjects | None:
    """The subject areas embedded by ``backend`` (once per process and model), or None for a
    backend whose vectors depend on the other texts of a run (TF-IDF) or that is missing."""
    if backend is None or getattr(backend, "per_run", True):
        return None
    return _embedded(backend.model, backend)


@lru_cache(maxsize=4)
def _embedded(model: str, backend) -> Subjects:
    table = subject_table()
    languages = tuple(table)
    source = hashlib.sha256(SUBJECTS_FILE.read_bytes()).hexdigest()
    vectors = _shipped_vectors(model, source)
    if vectors is None:  # another model, or the list changed: embed the 8 × 149 labels (10–30 s)
        vectors = embed_subjects(backend, table)
    vectors.setflags(write=False)
    return Subjects(labels=table["de"], vectors=vectors, languages=languages, source_sha256=source, model=model,
                    embed=backend.embed)


def embed_subjects(backend, table: dict[str, tuple[str, ...]] | None = None) -> np.ndarray:
    """Each area's vector: the mean of its labels' vectors in every language, L2-normalised."""
    table = table or subject_table()
    languages = list(table)
    count = len(table[languages[0]])
    texts = [label for language in languages for label in table[language]]
    embedded = l2_normalise(np.asarray(backend.embed(texts), dtype=np.float32))
    return l2_normalise(embedded.reshape(len(languages), count, -1).sum(axis=0))


def shipped_vectors_path(model: str) -> Path:
    """Where the precomputed vectors of the areas for ``model`` are shipped with the code."""
    return SUBJECTS_FILE.with_name(f"subjects.{hashlib.sha256(model.encode()).hexdigest()[:12]}.npz")


def write_shipped_vectors(backend) -> Path:
    """Embed the areas with ``backend`` and store them beside the list (``scripts/subject_vectors.py``)."""
    path = shipped_vectors_path(backend.model)
    source = hashlib.sha256(SUBJECTS_FILE.read_bytes()).hexdigest()
    np.savez_compressed(path, vectors=embed_subjects(backend).astype(np.float32), model=np.array(backend.model),
                        source_sha256=np.array(source))
    return path


def _shipped_vectors(model: str, source: str) -> np.ndarray | None:
    """The shipped vectors for ``model`` if they were made from this very list, else None."""
    path = shipped_vectors_path(model)
    if not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != model or str(data["source_sha256"]) != source:
                return None
            vectors = np.array(data["vectors"], dtype=np.float32)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile):  # damaged: embed the labels instead
        return None
    return vectors


TERM_CACHE_SIZE = 50_000  # term vectors kept per process (about 75 MB at 384 dimensions)
_term_cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_term_lock = threading.Lock()


def _embed_terms(subjects: Subjects, terms: list[str]) -> np.ndarray:
    fresh = l2_normalise(np.asarray(subjects.embed(terms), dtype=np.float32))
    if fresh.shape != (len(terms), subjects.vectors.shape[1]):
        raise ValueError("the term vectors do not match the subject vectors (dimensions differ)")
    return fresh


def term_vectors(subjects: Subjects, terms: list[str]) -> np.ndarray:
    """The vectors of ``terms`` (L2-normalised, one row per term) from the model of ``subjects``;
    each term is embedded once per process and model (least recently used dropped first; not
    kept when the areas name no model)."""
    if not terms:
        return np.zeros((0, subjects.vectors.shape[1]), dtype=np.float32)
    if subjects.embed is None:
        raise ValueError("these subject areas have no model to embed terms with")
    if not subjects.model:
        return _embed_terms(subjects, list(terms))
    with _term_lock:
        missing = [t for t in dict.fromkeys(terms) if (subjects.model, t) not in _term_cache]
    if missing:
        fresh = _embed_terms(subjects, missing)
        with _term_lock:
            for term, row in zip(missing, fresh):
                row.setflags(write=False)
                _term_cache[(subjects.model, term)] = row
    with _term_lock:
        rows = []
        for term in terms:
            key = (subjects.model, term)
            _term_cache.move_to_end(key)
            rows.append(_term_cache[key])
        while len(_term_cache) > TERM_CACHE_SIZE:
            _term_cache.popitem(last=False)
    return np.vstack(rows).astype(np.float32)


def dominant_area(vectors: np.ndarray, subjects: Subjects, closest: int = 3) -> tuple[int, float]:
    """The subject area most often among each contribution's ``closest`` areas (raw cosine), and
    the share of contributions that have it there: near 1 for a consultation on one subject."""
    if len(vectors) == 0 or len(subjects.vectors) == 0:
        return -1, 0.0
    if vectors.shape[1] != subjects.vectors.shape[1]:
        raise ValueError("the subject vectors come from another model (dimensions differ)")
    closest = max(1, min(int(closest), len(subjects.vectors)))
    counts = np.zeros(len(subjects.vectors), dtype=np.int64)
    for start in range(0, len(vectors), 20000):
        sims = l2_normalise(vectors[start:start + 20000]) @ subjects.vectors.T
        nearest = np.argpartition(-sims, closest - 1, axis=1)[:, :closest]
        counts += np.bincount(nearest.ravel(), minlength=len(subjects.vectors))
    area = int(np.argmax(counts))
    return area, float(counts[area] / len(vectors))


def subject_view(vectors: np.ndarray, subjects: Subjects, languages: list[str], *, top: int,
                 language_shrinkage: float = 10.0, terms: list[str] | tuple[str, ...] = (),
                 areas: bool = True) -> np.ndarray:
    """Per row: cosine similarity to each subject area (and to each of the consultation's
    ``terms``, see :mod:`~app.analysis.method.terms`), language means subtracted (as for the
    vectors), all but the ``top`` largest set to 0, then centred again per language (see
    :func:`~app.analysis.method.core.prepare`)."""
    from app.analysis.method.core import prepare

    if vectors.shape[1] != subjects.vectors.shape[1]:
        raise ValueError("the subject vectors come from another model (dimensions differ)")
    anchors = subjects.vectors if areas else subjects.vectors[:0]
    if terms:
        anchors = np.vstack([anchors, term_vectors(subjects, list(terms))])
    if len(anchors) == 0:
        raise ValueError("the subject view needs subject areas or terms")
    sims = l2_normalise(vectors) @ anchors.T
    view = prepare(sims, languages, language_shrinkage=language_shrinkage)
    top = max(1, min(int(top), view.shape[1]))
    if top < view.shape[1]:
        cut = -np.partition(-view, top - 1, axis=1)[:, top - 1:top]
        view = np.where(view >= cut, view, 0.0).astype(np.float32)
    return prepare(view, languages, language_shrinkage=language_shrinkage)


def with_subjects(prepared: np.ndarray, vectors: np.ndarray, subjects: Subjects, languages: list[str], *,
                  weight: float, top: int, language_shrinkage: float = 10.0,
                  terms: list[str] | tuple[str, ...] = (), areas: bool = True) -> np.ndarray:
    """``prepared`` (rows L2-normalised) with the weighted subject view appended, centred per
    language and L2-normalised again: the cosine of two rows is about
    (cos_vectors + weight² · cos_subjects) / (1 + weight²)."""
    from app.analysis.method.core import prepare

    if weight <= 0:
        return prepared
    view = subject_view(vectors, subjects, languages, top=top, language_shrinkage=language_shrinkage, terms=terms,
                        areas=areas)
    both = np.hstack([prepared, np.float32(weight) * view]).astype(np.float32)
    return prepare(both, languages, language_shrinkage=language_shrinkage)
