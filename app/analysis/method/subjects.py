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
"""
from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
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
    return Subjects(labels=table["de"], vectors=vectors, languages=languages, source_sha256=source)


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


def subject_view(vectors: np.ndarray, subjects: Subjects, languages: list[str], *, top: int,
                 language_shrinkage: float = 10.0) -> np.ndarray:
    """Per row: cosine similarity to each subject area, language means subtracted (as for the
    vectors), all but the ``top`` largest set to 0, then centred again per language (see
    :func:`~app.analysis.method.core.prepare`)."""
    from app.analysis.method.core import prepare

    if vectors.shape[1] != subjects.vectors.shape[1]:
        raise ValueError("the subject vectors come from another model (dimensions differ)")
    sims = l2_normalise(vectors) @ subjects.vectors.T
    view = prepare(sims, languages, language_shrinkage=language_shrinkage)
    top = max(1, min(int(top), view.shape[1]))
    if top < view.shape[1]:
        cut = -np.partition(-view, top - 1, axis=1)[:, top - 1:top]
        view = np.where(view >= cut, view, 0.0).astype(np.float32)
    return prepare(view, languages, language_shrinkage=language_shrinkage)


def with_subjects(prepared: np.ndarray, vectors: np.ndarray, subjects: Subjects, languages: list[str], *,
                  weight: float, top: int, language_shrinkage: float = 10.0) -> np.ndarray:
    """``prepared`` (rows L2-normalised) with the weighted subject view appended, centred per
    language and L2-normalised again: the cosine of two rows is about
    (cos_vectors + weight² · cos_subjects) / (1 + weight²)."""
    from app.analysis.method.core import prepare

    if weight <= 0:
        return prepared
    view = subject_view(vectors, subjects, languages, top=top, language_shrinkage=language_shrinkage)
    both = np.hstack([prepared, np.float32(weight) * view]).astype(np.float32)
    return prepare(both, languages, language_shrinkage=language_shrinkage)
