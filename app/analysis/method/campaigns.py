"""Campaigns: near-identical contributions (the same text sent by many, a template with small edits).

Texts are normalised (lower case, letters and digits, single spaces). Identical normalised texts
are duplicates whatever their length. Longer texts (>= ``MIN_CHARS`` characters) are compared by
the Jaccard similarity of their character 5-gram sets: MinHash (32 seeded hash functions,
8 bands of 4 rows) finds candidate pairs, the exact Jaccard decides (>= ``jaccard``), and when
vectors are given their cosine must be >= ``cosine`` as well. Duplicates are joined transitively
(union-find); groups of at least ``min_size`` contributions are campaigns. Deterministic: no
randomness beyond fixed hash parameters; ties are broken by id.
"""
from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict

import numpy as np

from app.analysis.method.results import Campaign

MIN_CHARS = 40
JACCARD = 0.6
COSINE = 0.9
MIN_SIZE = 3
_PRIME = (1 << 31) - 1
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def normalise(text: str) -> str:
    return _NON_WORD.sub(" ", (text or "").lower()).strip()


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, a: int) -> int:
        while self.parent[a] != a:
            self.parent[a] = self.parent[self.parent[a]]
            a = self.parent[a]
        return a

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _shingle_matrix(texts: list[str]):
    from sklearn.feature_extraction.text import HashingVectorizer

    vectoriser = HashingVectorizer(analyzer="char", ngram_range=(5, 5), n_features=1 << 22, binary=True,
                                   norm=None, alternate_sign=False, lowercase=False)
    matrix = vectoriser.transform(texts).tocsr()
    matrix.sort_indices()
    matrix.data[:] = 1.0
    return matrix


def _minhash(matrix, permutations: int = 32) -> np.ndarray:
    rng = np.random.default_rng(20240611)  # fixed: the signature must not depend on the run's seed
    a = rng.integers(1, _PRIME, size=permutations, dtype=np.int64)
    b = rng.integers(0, _PRIME, size=permutations, dtype=np.int64)
    n = matrix.shape[0]
    signatures = np.full((n, permutations), _PRIME, dtype=np.int64)
    lengths = np.diff(matrix.indptr)
    rows = np.flatnonzero(lengths > 0)
    if rows.size == 0:
        return signatures
    for begin in range(0, len(rows), 10000):  # in chunks: bounded memory for 100,000 texts
        chunk = rows[begin:begin + 10000]
        lo, hi = matrix.indptr[chunk[0]], matrix.indptr[chunk[-1] + 1]
        indices = matrix.indices[lo:hi].astype(np.int64)
        starts = matrix.indptr[chunk] - lo
        for p in range(permutations):
            hashed = (a[p] * indices + b[p]) % _PRIME
            signatures[chunk, p] = np.minimum.reduceat(hashed, starts)
    return signatures


def _cosine(a: np.ndarray, b: np.ndarray) -> float:
    norm = float(np.linalg.norm(a) * np.linalg.norm(b))
    return float(a @ b) / norm if norm else 0.0


def _jaccard(matrix, sizes, i: int, j: int) -> float:
    row_i = matrix.indices[matrix.indptr[i]:matrix.indptr[i + 1]]
    row_j = matrix.indices[matrix.indptr[j]:matrix.indptr[j + 1]]
    inter = np.intersect1d(row_i, row_j, assume_unique=True).size
    union = sizes[i] + sizes[j] - inter
    return inter / union if union else 0.0


def find_campaigns(items, vectors=None, *, min_size: int = MIN_SIZE, jaccard: float = JACCARD,
                   cosine: float = COSINE, bands: int = 8, rows: int = 4) -> list[Campaign]:
    """Groups of near-identical contributions (see the module docstring), largest first."""
    items = list(items)
    n = len(items)
    if n < 2:
        return []
    if vectors is not None:
        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.shape[0] != n:
            raise ValueError("vectors and items differ in length")
    norm = [normalise(item.text) for item in items]
    uf = _UnionFind(n)
    # 1. identical normalised texts
    first: dict[str, int] = {}
    for index, text in enumerate(norm):
        if not text:
            continue
        if text in first:
            uf.union(first[text], index)
        else:
            first[text] = index
    # 2. near-identical longer texts: one representative per identical text goes through MinHash
    long = [index for text, index in first.items() if len(text) >= MIN_CHARS]
    long.sort()
    if len(long) >= 2:
        matrix = _shingle_matrix([norm[i] for i in long])
        sizes = np.diff(matrix.indptr)
        signatures = _minhash(matrix, bands * rows)
        for band in range(bands):
            block = signatures[:, band * rows:(band + 1) * rows]
            buckets: dict[bytes, list[int]] = defaultdict(list)
            for local, key in enumerate(map(bytes, np.ascontiguousarray(block))):
                buckets[key].append(local)
            for members in buckets.values():
                if len(members) < 2:
                    continue
                anchors: list[int] = []
                for local in members:
                    matched = False
                    for anchor in anchors:
                        if uf.find(long[anchor]) == uf.find(long[local]):
                            matched = True
                            break
                        if _jaccard(matrix, sizes, anchor, local) >= jaccard and (
                                vectors is None or _cosine(vectors[long[anchor]], vectors[long[local]]) >= cosine):
                            uf.union(long[anchor], long[local])
                            matched = True
                            break
                    if not matched and len(anchors) < 4:
                        anchors.append(local)
    groups: dict[int, list[int]] = defaultdict(list)
    for index in range(n):
        groups[uf.find(index)].append(index)
    found = []
    for members in groups.values():
        if len(members) < min_size:
            continue
        counts = Counter(norm[i] for i in members)
        top = max(counts.values())
        representative = min((items[i].id for i in members if counts[norm[i]] == top))
        found.append(sorted(items[i].id for i in members) + [representative])
    found.sort(key=lambda g: (-(len(g) - 1), g[0]))
    return [Campaign(id=number, member_ids=g[:-1], representative_id=g[-1]) for number, g in enumerate(found, start=1)]


def text_fingerprint(text: str) -> str:
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
