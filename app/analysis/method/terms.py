"""The consultation's own terms: frequent words of its contributions, the anchors of the subject
view (see :mod:`app.analysis.method.subjects`) in place of the general subject areas when the
consultation is on one subject.

The general subject areas of ``subjects.tsv`` tell a contribution on health from one on housing.
Within a consultation on one subject (a mobility plan, a neighbourhood's green spaces) almost
every contribution is close to the same few areas, and the areas cannot tell its sub-topics apart
(cycling from parking, say). The words that many contributions of this consultation use
("radweg", "parkplätze", "busse", "spielplatz") can: each becomes an anchor, embedded by the
same model, and a contribution's similarities to the anchors describe what it is about in this
consultation's own words, in whatever language it is written.

A term is a word (lower-cased, at least three letters, not a stop word) of the contribution's
German text (the original when it is German, else its German translation; the original when there
is none) that occurs in at least ``min_count`` contributions and ``min_share`` of them (so that
it is shared, not a single voice's) and in at most ``max_share`` of them (so that it still tells
contributions apart). The ``count`` most frequent are kept. A consultation with fewer than
``minimum`` such words (a small or very mixed one) gets no terms: there, a few frequent words
would describe the wording, not the subjects.
"""
from __future__ import annotations

from collections import Counter

from app.analysis.method.keywords import STOP_WORDS, german_text, tokenise


def consultation_terms(items, *, count: int = 200, min_count: int = 5, min_share: float = 0.01,
                       max_share: float = 0.25, minimum: int = 30) -> list[str]:
    """The consultation's terms (see the module docstring), most frequent first, ties in
    alphabetical order; ``[]`` when fewer than ``minimum`` words qualify or ``count`` is 0."""
    items = list(items)
    n = len(items)
    if n == 0 or count <= 0:
        return []
    frequency: Counter = Counter()
    for item in items:
        text, _ = german_text(item)
        frequency.update({word for word in tokenise(text) if word not in STOP_WORDS})
    lowest = max(int(min_count), min_share * n)
    qualifying = sorted(((df, word) for word, df in frequency.items() if lowest <= df <= max_share * n),
                        key=lambda pair: (-pair[0], pair[1]))
    if len(qualifying) < minimum:
        return []
    return [word for _, word in qualifying[:count]]
