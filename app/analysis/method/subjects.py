"""The subject view: how close each contribution is to a fixed list of general subject areas.

Multilingual sentence vectors place a sentence near others in the same language, with the same
names or the same sentence shape, not only near those on the same subject: on SIB-200 only about
40 % of a sentence's nearest neighbours share its topic once languages are centred. Comparing every
contribution with the same list of subject areas ("Gesundheit", "Reisen und Tourismus",
"Arbeitsmarkt", …, ``subjects_de.txt``, after the IPTC Media Topics) gives a second description
that only follows the subject, in whatever language the contribution is written.

:func:`subject_view` keeps, per contribution, its similarities to its ``top`` closest subject areas
(after subtracting each language's mean, like the vectors), and :func:`with_subjects` appends that
view, weighted, to the prepared vectors before clustering. The weight is small (0.5 by default):
within a consultation on one subject the list cannot tell sub-topics apart, and the vectors still
decide. Backends whose vectors depend on the run (TF-IDF) have no subject view.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from app.analysis.method.backends import l2_normalise

SUBJECTS_FILE = Path(__file__).with_name("subjects_de.txt")


@dataclass(frozen=True)
class Subjects:
    """Subject areas and their vectors from the backend that embeds the contributions."""

    labels: tuple[str, ...]
    vectors: np.ndarray  # (len(labels), dim), rows L2-normalised

    @property
    def labels_hash(self) -> str:
        return hashlib.sha256("\n".join(self.labels).encode("utf-8")).hexdigest()

    def describe(self) -> dict:
        """What the method record keeps of the subject areas (enough to reproduce the run)."""
        return {"count": len(self.labels), "labels_sha256": self.labels_hash, "file": SUBJECTS_FILE.name}


def subject_labels(path: Path = SUBJECTS_FILE) -> tuple[str, ...]:
    """The subject areas of ``path``: one per line, ``#`` comments and blank lines skipped."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return tuple(line for line in lines if line and not line.startswith("#"))


def subjects_for(backend) -> Subjects | None:
    """The subject areas embedded by ``backend`` (once per process and model), or None for a
    backend whose vectors depend on the other texts of a run (TF-IDF) or that is missing."""
    if backend is None or getattr(backend, "per_run", True):
        return None
    return _embedded(backend.model, backend)


@lru_cache(maxsize=4)
def _embedded(model: str, backend) -> Subjects:
    labels = subject_labels()
    vectors = l2_normalise(np.asarray(backend.embed(list(labels)), dtype=np.float32))
    vectors.setflags(write=False)
    return Subjects(labels=labels, vectors=vectors)


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
