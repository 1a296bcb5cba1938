"""Theme-finding: prepare vectors, choose k, cluster, name, pick quotes. See the package docstring."""
from __future__ import annotations

import hashlib
import json
from collections import Counter

import numpy as np

from app.analysis.method.backends import l2_normalise
from app.analysis.method.campaigns import find_campaigns
from app.analysis.method.keywords import theme_keywords
from app.analysis.method.results import Result, Theme
from app.analysis.method.subjects import dominant_area, with_subjects
from app.analysis.method.terms import consultation_terms

METHOD_NAME = "vielstimmig-themes"
METHOD_VERSION = "3"  # 2: subject view (subjects.py); 3: its own terms replace the areas on one subject (terms.py)
ASSIGN_THRESHOLD = 0.15  # theme_similarity (centred cosine) below which a new contribution stays unassigned
MATCH_THRESHOLD = 0.5  # centred cosine (or its mean with member overlap) for keeping an old theme's name

DEFAULTS = {
    "min_theme_size": 3,  # fewer members: not a theme, its members are listed as unassigned
    "minority_share": 0.05,  # themes below this share of the assigned contributions are minority voices
    "k_min": 5,  # lowered automatically for few contributions (see cluster())
    "k_max": 15,
    "centre_languages": True,  # subtract each language's (shrunk) mean vector
    "language_shrinkage": 10.0,  # pseudo-count pulling a small language's mean towards the global mean
    "pca_dims": 0,  # PCA dimensions before clustering (0: none; whitening hurt on SIB-200 train)
    "neighbours": 10,  # k of the kNN graph (spectral embedding)
    "graph_temperature": 0.1,  # edge weight exp((cosine - 1) / temperature)
    "outlier_fence": 1.5,  # Tukey fence (IQR multiples) below Q1 of centroid similarity: unassigned
    "sample_size": 4000,  # the graph and the choice of k use at most this many contributions
    "campaign_min_size": 3,
    "representatives": 5,
    # Subject view (subjects.py): weight of the similarities to general subject areas appended to
    # the prepared vectors (0: off) and how many of the closest areas each contribution keeps.
    "subject_weight": 0.5,
    "subject_top": 20,
    # A consultation on one subject (one area among the 3 closest of one_subject_share of its
    # contributions) is compared with its own terms instead of the areas (terms.py): at most
    # term_count words found in at least term_min_count contributions and term_min_share of them,
    # in at most term_max_share; none (the areas stay) when fewer than term_minimum qualify.
    "one_subject_share": 0.45,
    "term_count": 200,
    "term_min_count": 5,
    "term_min_share": 0.01,
    "term_max_share": 0.25,
    "term_minimum": 30,
}


# --- hashes -----------------------------------------------------------------------------------

def input_hash(items) -> str:
    """sha256 over the items sorted by id: (id, text, language, channel, text_de) as JSON lines."""
    digest = hashlib.sha256()
    for item in sorted(items, key=lambda i: i.id):
        digest.update(json.dumps([int(item.id), item.text or "", item.language or "", item.channel or "",
                                  item.text_de or ""], ensure_ascii=False).encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


def vectors_hash(vectors: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(vectors, dtype="<f4").tobytes()).hexdigest()


# --- similarities used for later contributions and re-runs ------------------------------------

def theme_similarity(vectors, centroids) -> np.ndarray:
    """Cosine similarity of vectors to theme centroids after subtracting the centroids' mean
    (with two or more centroids): removes the offset every vector of an anisotropic embedding
    space shares, so one threshold fits e5 and TF-IDF alike. Shape (len(vectors), len(centroids))."""
    vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
    centroids = np.atleast_2d(np.asarray(centroids, dtype=np.float32))
    if vectors.size == 0 or centroids.size == 0:
        return np.zeros((vectors.shape[0] if vectors.ndim == 2 and vectors.size else 0,
                         centroids.shape[0] if centroids.size else 0), dtype=np.float32)
    vectors, centroids = l2_normalise(vectors), l2_normalise(centroids)
    if len(centroids) >= 2:
        mean = centroids.mean(axis=0)
        vectors, centroids = l2_normalise(vectors - mean), l2_normalise(centroids - mean)
    return vectors @ centroids.T


def assign_to_themes(vectors, theme_centroids, threshold: float = ASSIGN_THRESHOLD) -> list[int | None]:
    """Index of the most similar theme for each vector (see :func:`theme_similarity`), or None
    when the best similarity is below ``threshold``. Use ``Result.method["assign_threshold"]``
    (calibrated on the run's own members) when there is one."""
    vectors = np.asarray(vectors, dtype=np.float32)
    if vectors.size == 0:
        return []
    vectors = np.atleast_2d(vectors)
    if theme_centroids is None or np.asarray(theme_centroids).size == 0:
        return [None] * len(vectors)
    sims = theme_similarity(vectors, theme_centroids)
    best = sims.argmax(axis=1)
    return [int(b) if sims[i, b] >= threshold else None for i, b in enumerate(best)]


def match_themes(old_centroids, new_centroids, threshold: float = MATCH_THRESHOLD, *,
                 old_members=None, new_members=None) -> dict[int, int]:
    """One-to-one matching of old (named) themes to new clusters: Hungarian assignment on the
    similarity of centroids (cosine after subtracting the mean of all centroids given), averaged
    with the members' Jaccard overlap when both member lists are given. Pairs below
    ``threshold`` stay unmatched. Returns {old index: new index}."""
    old = np.atleast_2d(np.asarray(old_centroids, dtype=np.float32)) if len(old_centroids) else np.zeros((0, 0))
    new = np.atleast_2d(np.asarray(new_centroids, dtype=np.float32)) if len(new_centroids) else np.zeros((0, 0))
    if old.size == 0 or new.size == 0:
        return {}
    from scipy.optimize import linear_sum_assignment

    both = l2_normalise(np.vstack([old, new]))
    if len(both) >= 3:
        both = l2_normalise(both - both.mean(axis=0))
    sims = both[: len(old)] @ both[len(old):].T
    if old_members is not None and new_members is not None:
        overlap = np.zeros_like(sims)
        old_sets = [set(m) for m in old_members]
        new_sets = [set(m) for m in new_members]
        for i, a in enumerate(old_sets):
            for j, b in enumerate(new_sets):
                union = len(a | b)
                overlap[i, j] = len(a & b) / union if union else 0.0
        sims = (sims + overlap) / 2
    rows, cols = linear_sum_assignment(-sims)
    return {int(r): int(c) for r, c in zip(rows, cols) if sims[r, c] >= threshold}


# --- preparing vectors ------------------------------------------------------------------------

def prepare(vectors: np.ndarray, languages: list[str], *, centre_languages: bool = True,
            language_shrinkage: float = 10.0, pca_dims: int = 0, seed: int = 0, **_ignored) -> np.ndarray:
    """L2-normalise; subtract each language's mean (shrunk towards the global mean for small
    languages) so clusters follow content, not language; centre; optionally project to ``pca_dims`` by PCA;
    L2-normalise again."""
    x = l2_normalise(vectors)  # a new float32 array: the caller's vectors stay untouched
    overall = x.mean(axis=0)
    if centre_languages:
        langs = np.asarray([(lang or "?").lower() for lang in languages])
        for lang in sorted(set(langs.tolist())):
            rows = np.flatnonzero(langs == lang)
            mean = x[rows].mean(axis=0)
            shrunk = (len(rows) * mean + language_shrinkage * overall) / (len(rows) + language_shrinkage)
            x[rows] -= shrunk
    x -= x.mean(axis=0)
    if pca_dims and min(x.shape) > pca_dims + 1:
        from sklearn.decomposition import PCA

        fit_rows = x if len(x) <= 20000 else x[np.random.default_rng(seed).choice(len(x), 20000, replace=False)]
        pca = PCA(n_components=pca_dims, random_state=seed, svd_solver="randomized").fit(fit_rows)
        x = pca.transform(x).astype(np.float32)
    return l2_normalise(x)


# --- clustering -------------------------------------------------------------------------------

def _spectral_embedding(x: np.ndarray, neighbours: int, dims: int, seed: int, temperature: float = 0.1,
                        mutual_weight: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the first ``dims`` eigenvectors of the symmetric normalised kNN-graph Laplacian,
    and the eigenvalues."""
    from scipy import sparse
    from scipy.sparse.linalg import eigsh

    n = len(x)
    k = max(2, min(neighbours, n - 1))
    sims = x @ x.T
    np.fill_diagonal(sims, -np.inf)
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(sims, idx, axis=1)
    vals = np.exp((vals - 1.0) / temperature)  # sharpen: a few close neighbours outweigh many distant ones
    graph = sparse.csr_matrix((vals.ravel(), (np.repeat(np.arange(n), k), idx.ravel())), shape=(n, n))
    mutual = graph.minimum(graph.T)
    graph = graph.maximum(graph.T) * (1.0 - mutual_weight) + mutual * mutual_weight
    degree = np.asarray(graph.sum(axis=1)).ravel()
    inv = sparse.diags(1.0 / np.sqrt(np.maximum(degree, 1e-12)))
    affinity = inv @ graph @ inv
    dims = min(dims, n - 2)
    v0 = np.random.default_rng(seed).standard_normal(n)
    values, vectors = eigsh(affinity, k=dims, which="LA", v0=v0, tol=1e-6, maxiter=5000)
    order = np.argsort(-values)
    return vectors[:, order].astype(np.float64), (1.0 - values[order])


def _kmeans(x: np.ndarray, k: int, seed: int, n_init: int = 4):
    from sklearn.cluster import KMeans

    model = KMeans(n_clusters=k, n_init=n_init, random_state=seed, max_iter=300)
    labels = model.fit_predict(x)
    return labels, model.cluster_centers_


def cluster(x: np.ndarray, *, k: int | None, seed: int, k_min: int, k_max: int, neighbours: int,
            sample_size: int, min_theme_size: int = 3, graph_temperature: float = 0.1, **_ignored) -> tuple[np.ndarray, dict]:
    """Cluster prepared vectors. Spectral: kNN graph -> eigenvectors -> k-means on the spectral
    rows; k chosen by the silhouette (cosine, on the prepared vectors) over ``k_min..k_max``
    unless given. Above ``sample_size`` contributions the graph is built on a seeded sample and
    the rest join the nearest cluster centroid. Returns labels and a description."""
    from sklearn.metrics import silhouette_score

    n = len(x)
    rng = np.random.default_rng(seed)
    sample = np.sort(rng.choice(n, sample_size, replace=False)) if n > sample_size else np.arange(n)
    xs = x[sample]
    # Upper bound: k_max, at most n / min_theme_size, and the rule of thumb k <= sqrt(n / 2).
    k_hi = max(2, min(k_max, len(xs) // max(1, min_theme_size), int(np.sqrt(len(xs) / 2))))
    dims = max(k_hi, k or 0) + 1
    embedding, eigenvalues = _spectral_embedding(xs, neighbours, dims, seed, graph_temperature)
    info: dict = {"algorithm": "spectral (kNN graph) + k-means", "sampled": int(len(sample))}

    def labels_for(kk: int) -> np.ndarray:
        rows = embedding[:, :kk]
        rows = rows / np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
        return _kmeans(rows, kk, seed)[0]

    if k:
        chosen = int(max(1, min(k, len(xs))))
        labels = labels_for(chosen) if chosen > 1 else np.zeros(len(xs), dtype=int)
        info.update(k=chosen, k_chosen_by="analyst")
    else:
        scores = {}
        best = None
        # Fewer than k_min themes rarely help a working group; with few contributions allow fewer.
        k_lo = max(2, min(k_min, len(xs) // 10, k_hi))
        for kk in range(k_lo, k_hi + 1):
            cand = labels_for(kk)
            if len(set(cand.tolist())) < 2:
                continue
            score = float(silhouette_score(xs, cand, metric="cosine"))
            scores[kk] = round(score, 4)
            if best is None or score > best[0] + 1e-9:
                best = (score, kk, cand)
        if best is None:
            labels = np.zeros(len(xs), dtype=int)
            info.update(k=1, k_chosen_by="too few contributions")
        else:
            labels = best[2]
            info.update(k=best[1], k_chosen_by="silhouette (cosine) over spectral clusterings", k_scores=scores)
    if len(sample) < n:
        centroids = np.vstack([l2_normalise(xs[labels == c].mean(axis=0)) for c in range(labels.max() + 1)])
        full = np.empty(n, dtype=int)
        full[sample] = labels
        rest = np.setdiff1d(np.arange(n), sample)
        for start in range(0, len(rest), 20000):
            chunk = rest[start:start + 20000]
            full[chunk] = (x[chunk] @ centroids.T).argmax(axis=1)
        labels = full
    return labels, info


# --- representatives --------------------------------------------------------------------------

def representatives(member_rows: np.ndarray, x: np.ndarray, centroid: np.ndarray, items, how_many: int) -> list[int]:
    """Up to ``how_many`` central, mutually different quotes (maximal marginal relevance), with a
    bonus for a language or channel not yet represented. Returns row indices."""
    if len(member_rows) <= how_many:
        order = member_rows[np.argsort(-(x[member_rows] @ centroid), kind="stable")]
        return order.tolist()
    central = x[member_rows] @ centroid
    pool_size = min(len(member_rows), max(4 * how_many, min(200, int(np.ceil(0.5 * len(member_rows))))))
    pool = member_rows[np.argsort(-central, kind="stable")[:pool_size]]
    pool_central = x[pool] @ centroid
    chosen: list[int] = []
    chosen_positions: list[int] = []
    languages, channels = set(), set()
    while len(chosen) < how_many:
        if chosen:
            redundancy = (x[pool] @ x[pool[chosen_positions]].T).max(axis=1)
        else:
            redundancy = np.zeros(len(pool))
        score = pool_central - 0.5 * redundancy
        for position, row in enumerate(pool):
            if position in chosen_positions:
                score[position] = -np.inf
                continue
            if redundancy[position] > 0.97:  # near-identical to a chosen quote
                score[position] -= 1.0
            if items[row].language not in languages:
                score[position] += 0.15
            if items[row].channel not in channels:
                score[position] += 0.1
        best = int(np.argmax(score))
        if not np.isfinite(score[best]):
            break
        chosen_positions.append(best)
        chosen.append(int(pool[best]))
        languages.add(items[pool[best]].language)
        channels.add(items[pool[best]].channel)
    return chosen


# --- the summary ------------------------------------------------------------------------------

def summarise(items, vectors=None, *, k: int | None = None, seed: int = 0, backend: str | None = None,
              model: str | None = None, subjects=None, **params) -> Result:
    """Themes of ``items`` (see the package docstring); runs single-threaded (numerical libraries
    limited to one thread: same results everywhere, no spinning threads on a busy machine)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _summarise(items, vectors, k=k, seed=seed, backend=backend, model=model, subjects=subjects,
                          **params)


def _summarise(items, vectors=None, *, k: int | None = None, seed: int = 0, backend: str | None = None,
               model: str | None = None, subjects=None, **params) -> Result:
    """Themes of ``items`` (see the package docstring). ``vectors``: one row per item in the
    order given (None: TF-IDF vectors are computed here). ``k``: the analyst's number of themes
    (None: chosen by the method). ``subjects``: the subject areas embedded by the same model
    (:func:`~app.analysis.method.subjects.subjects_for`), None for no subject view. ``params``
    override :data:`DEFAULTS`."""
    unknown = set(params) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"unknown parameters: {sorted(unknown)}")
    p = {**DEFAULTS, **params}
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 1):
        raise ValueError("k must be a positive whole number or None")
    items = list(items)
    if len({item.id for item in items}) != len(items):
        raise ValueError("item ids must be unique")
    if vectors is None and items:
        from app.analysis.method.backends import TfidfBackend
        from app.analysis.method.texts import embedding_texts

        tfidf = TfidfBackend(seed=seed)
        vectors = tfidf.embed(embedding_texts(items))
        backend, model = backend or tfidf.name, model or tfidf.model
    vectors = np.asarray(vectors if vectors is not None else np.zeros((0, 0)), dtype=np.float32)
    if items and (vectors.ndim != 2 or vectors.shape[0] != len(items)):
        raise ValueError("vectors must have one row per item")
    if items and not np.isfinite(vectors).all():
        raise ValueError("vectors contain NaN or infinite values")
    # A canonical order (by id) so that the output does not depend on the order of the input.
    order = sorted(range(len(items)), key=lambda i: items[i].id)
    items = [items[i] for i in order]
    vectors = vectors[order] if len(order) else vectors
    method = {
        "name": METHOD_NAME, "version": METHOD_VERSION, "backend": backend, "model": model, "seed": seed,
        "params": {key: p[key] for key in sorted(p)}, "input_hash": input_hash(items),
        "vectors_hash": vectors_hash(vectors) if len(items) else None, "n_items": len(items),
        "match_threshold": MATCH_THRESHOLD,
    }
    use_subjects = subjects is not None and p["subject_weight"] > 0 and len(items) > 0
    method["subjects"] = subjects.describe() if use_subjects else None
    if not items:
        method.update(k=0, k_chosen_by="no contributions", assign_threshold=ASSIGN_THRESHOLD, n_duplicates=0)
        return Result(method=method)

    campaigns = find_campaigns(items, vectors, min_size=p["campaign_min_size"])
    duplicate_ids = {m for c in campaigns for m in c.member_ids if m != c.representative_id}
    weight_of = {c.representative_id: c.count for c in campaigns}
    rows = np.asarray([i for i, item in enumerate(items) if item.id not in duplicate_ids], dtype=int)
    method["n_duplicates"] = len(duplicate_ids)
    row_vectors = vectors[rows] if len(rows) < len(items) else vectors
    row_languages = [items[i].language for i in rows]
    x_rows = prepare(row_vectors, row_languages, seed=seed, **p)
    if use_subjects:
        terms = []
        area, share = dominant_area(row_vectors, subjects)
        if subjects.embed is not None and p["term_count"] > 0 and share >= p["one_subject_share"]:
            terms = consultation_terms([items[i] for i in rows], count=p["term_count"],
                                       min_count=p["term_min_count"], min_share=p["term_min_share"],
                                       max_share=p["term_max_share"], minimum=p["term_minimum"])
        method["subjects"].update(dominant_area=subjects.labels[area] if area >= 0 else None,
                                  dominant_share=round(share, 4), anchors="terms" if terms else "areas",
                                  terms=terms)
        x_rows = with_subjects(x_rows, row_vectors, subjects, row_languages, weight=p["subject_weight"],
                               top=p["subject_top"], language_shrinkage=p["language_shrinkage"], terms=terms,
                               areas=not terms)
    local = np.full(len(items), -1, dtype=np.int64)  # item index -> row of x_rows
    local[rows] = np.arange(len(rows))

    if len(rows) < 2 * p["min_theme_size"] or (k == 1):
        labels = np.zeros(len(rows), dtype=int)
        info = {"algorithm": "single theme", "k": 1,
                "k_chosen_by": "analyst" if k == 1 else "too few contributions"}
    else:
        labels, info = cluster(x_rows, k=k, seed=seed, **p)
    method.update(info)

    # Similarity of each contribution to its cluster's centroid; Tukey's lower fence marks outliers.
    cluster_ids = sorted(set(labels.tolist()))
    centroid_of = {c: l2_normalise(x_rows[labels == c].mean(axis=0))[0] for c in cluster_ids}
    own = np.einsum("ij,ij->i", x_rows, np.vstack([centroid_of[c] for c in cluster_ids])[np.searchsorted(cluster_ids, labels)])
    if len(rows) >= 10 and len(cluster_ids) > 1:
        q1, q3 = np.percentile(own, [25, 75])
        fence = q1 - p["outlier_fence"] * (q3 - q1)
    else:
        fence = -np.inf
    method["outlier_fence_similarity"] = float(fence) if np.isfinite(fence) else None
    outlier = own < fence

    themes_rows: list[np.ndarray] = []
    unassigned_rows = list(rows[outlier])
    for c in cluster_ids:
        members = rows[(labels == c) & ~outlier]
        if len(members) < p["min_theme_size"]:
            unassigned_rows.extend(members.tolist())
        elif len(members):
            themes_rows.append(members)
    themes_rows.sort(key=lambda m: (-len(m), items[m[0]].id))
    assigned_total = sum(len(m) for m in themes_rows)

    keywords = theme_keywords([[items[i] for i in m] for m in themes_rows])
    themes = []
    member_sims = []
    for number, members in enumerate(themes_rows, start=1):
        centroid_x = l2_normalise(x_rows[local[members]].mean(axis=0))[0]
        reps = rows[representatives(local[members], x_rows, centroid_x, [items[i] for i in rows],
                                    min(p["representatives"], len(members)))]
        words = keywords[number - 1]
        raw_centroid = l2_normalise(vectors[members].mean(axis=0))[0]
        themes.append(Theme(
            key=f"t{number}", keywords=words, label=" · ".join(words[:3]) or f"Thema {number}",
            member_ids=[items[i].id for i in members], representative_ids=[items[i].id for i in reps],
            languages=dict(sorted(Counter(items[i].language for i in members).items())),
            channels=dict(sorted(Counter(items[i].channel for i in members).items())),
            centroid=raw_centroid, is_minority=len(members) / assigned_total < p["minority_share"],
            share=round(len(members) / len(rows), 4),
            weight=int(sum(weight_of.get(items[i].id, 1) for i in members)),
        ))
    if themes:
        centroids = np.vstack([t.centroid for t in themes])
        for index, members in enumerate(themes_rows):
            member_sims.append(theme_similarity(vectors[members], centroids)[:, index])
        sims = np.concatenate(member_sims)
        method["assign_threshold"] = float(max(0.0, min(np.percentile(sims, 5), 0.5)))
    else:
        method["assign_threshold"] = ASSIGN_THRESHOLD
    method["k_themes"] = len(themes)
    method["n_unassigned"] = len(unassigned_rows)
    method["n_minority"] = sum(t.is_minority for t in themes)
    unassigned_ids = sorted(items[i].id for i in unassigned_rows)
    return Result(themes=themes, unassigned_ids=unassigned_ids, campaigns=campaigns, method=method)
