"""Language detection of contributions.

``detect_language(text, priors)`` names the language a contribution is written in, as an
ISO 639-1 code where one exists (``de``, ``tr``, ``fa`` ...), or ``und`` (undetermined) when the
text is too short, mixed, or in a language the detector cannot tell. A wrong guess is worse than
``und``: a wrong code sends the text to the wrong machine translation and the wrong filters,
while ``und`` only asks the author or staff to name the language.

How it decides:

1. A text needs ``MIN_WORDS`` words and ``MIN_LETTERS`` letters (URLs and e-mail addresses
   removed). Letters are counted per script: Ethiopic script is Tigrinya (``ti``) when
   Tigrinya-only spelling shows (see ``_tigrinya``), else ``und``; Arabic script with the Kurdish
   letters ە ێ ۆ ڵ ڕ is Sorani Kurdish (``ku``); Latin script with Kurmanji spelling is ``ku``;
   any other script none of the candidates uses is ``und``; a second script with a large share
   of the letters (a deliberately mixed text) is ``und``.
2. Words in minority scripts (a Latin brand name in a Persian sentence) are dropped, and
   lingua (restricted to ``CANDIDATES``) gives a confidence per language for the rest.
3. The confidences are multiplied by the prior weights (``priors``, e.g. the language the
   person reads the page in with weight ``READING_LANGUAGE_PRIOR``) and normalised. The best
   language must reach ``MIN_CONFIDENCE``, and the two halves of the text must not confidently
   name two different languages (a deliberately mixed text); otherwise the answer is ``und``.
4. ``fa`` becomes ``prs`` (Dari) when the priors favour Dari: lingua cannot tell them apart.

The thresholds were tuned on the SIB-200 *train* split only (scripts/bench_langid.py reports on
the dev split and on lingua's test sentences). The lingua detector is built once per process, on
first use or by ``warm_up()``, with its models preloaded (about 0.5 GB of memory).
"""
from __future__ import annotations

import math
import re
import threading
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from lingua import LanguageDetector

UND = "und"

# Candidate languages, as (lingua Language name, code we store). Restricting lingua to the
# languages people in Bremen actually write makes short texts far more reliable than all 75.
# - the interface languages de en tr ar ru uk pl fa and the further contribution languages
#   fr ro bg (large EU-migrant communities: Bulgaria and Romania are among the largest groups);
# - es it pt el: long-standing labour-migration communities (and common EU-mobility languages);
# - nl: neighbour language, often confused with German/English if it is not a candidate;
# - sq hr bs sr: Albanian (Kosovo) and Bosnian/Croatian/Serbian, the former Yugoslav
#   communities; hr/bs/sr are treated as one cluster for the confidence threshold;
# - so: Somali, one of the larger refugee languages written in Latin script.
# lingua has no models for Kurdish, Dari, Tigrinya (see the rules below), Pashto or Amharic.
CANDIDATES: tuple[tuple[str, str], ...] = (
    ("GERMAN", "de"), ("ENGLISH", "en"), ("TURKISH", "tr"), ("ARABIC", "ar"),
    ("RUSSIAN", "ru"), ("UKRAINIAN", "uk"), ("POLISH", "pl"), ("PERSIAN", "fa"),
    ("FRENCH", "fr"), ("ROMANIAN", "ro"), ("BULGARIAN", "bg"),
    ("SPANISH", "es"), ("ITALIAN", "it"), ("PORTUGUESE", "pt"), ("GREEK", "el"), ("DUTCH", "nl"),
    ("ALBANIAN", "sq"), ("CROATIAN", "hr"), ("BOSNIAN", "bs"), ("SERBIAN", "sr"), ("SOMALI", "so"),
)
CANDIDATE_CODES = frozenset(code for _, code in CANDIDATES)
# Languages so close that their shared probability counts for the confidence threshold.
_CLUSTERS = (frozenset({"hr", "bs", "sr"}),)

# --- Tuned on the SIB-200 *train* split only: its sentences, 20-60 character pieces and word
# pairs cut from them, and mixed or quoting texts built from them. scripts/bench_langid.py
# reports on held-out data (SIB-200 dev, lingua's test sentences). ---
# Weight of the page language: people mostly write in the language they read the page in.
READING_LANGUAGE_PRIOR = 2.0
MIN_LETTERS = 5          # fewer letters than this is "und"
MIN_WORDS = 2            # a single word is "und": too many words are shared between languages
MIN_CONFIDENCE = 0.2     # posterior of the best language (of its cluster for hr/bs/sr)
MIXED_PART_LETTERS = 15  # letters per part (half or quarter) for the mixed-text check
MIXED_PART_CONFIDENCE = 0.6   # parts this sure of two different languages: "und"
MIXED_SCRIPT_SHARE = 0.4      # a second script with this share of the letters: "und" ...
# ... unless the main script is that of the page language and the second script holds names and
# terms rather than a sentence (this many words that lingua reads with this confidence on their own).
SECOND_SENTENCE_WORDS = 4
SECOND_SENTENCE_CONFIDENCE = 0.9
# Confidence reported for the rule-based answers (they have no probability model behind them).
RULE_CONFIDENCE = 0.9


@dataclass(frozen=True)
class Detection:
    """A detected language code (or ``und``) and the posterior confidence in it (0 for ``und``)."""

    code: str
    confidence: float


# --------------------------------------------------------------------------------- detector
_detector: "LanguageDetector | None" = None
_lock = threading.Lock()
_CODES: dict[object, str] = {}  # lingua Language -> our code, filled with the detector


def _build_detector() -> "LanguageDetector":
    from lingua import Language, LanguageDetectorBuilder

    languages = [getattr(Language, name) for name, _ in CANDIDATES]
    _CODES.update({getattr(Language, name): code for name, code in CANDIDATES})
    return LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()


def get_detector() -> "LanguageDetector":
    """The process-wide lingua detector, built (models preloaded) on first use, thread-safely."""
    global _detector
    detector = _detector
    if detector is None:
        with _lock:
            if _detector is None:
                _detector = _build_detector()
            detector = _detector
    return detector


def warm_up() -> None:
    """Load the models now (e.g. at worker start) instead of on the first contribution."""
    get_detector()


def lingua_confidences(text: str) -> dict[str, float]:
    """lingua's confidence per candidate code for ``text`` (values sum to 1, or all are 0)."""
    values = get_detector().compute_language_confidence_values(text)
    return {_CODES[v.language]: v.value for v in values}


# ---------------------------------------------------------------------------------- scripts
_URL_RE = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\S+", re.IGNORECASE)
_SCRIPT_RANGES = (
    ("Latin", ((0x41, 0x24F), (0x1E00, 0x1EFF), (0x2C60, 0x2C7F), (0xA720, 0xA7FF), (0xFF21, 0xFF5A))),
    ("Cyrillic", ((0x400, 0x52F), (0x1C80, 0x1C8F), (0x2DE0, 0x2DFF), (0xA640, 0xA69F))),
    ("Arabic", ((0x600, 0x6FF), (0x750, 0x77F), (0x870, 0x8FF), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF))),
    ("Greek", ((0x370, 0x3FF), (0x1F00, 0x1FFF))),
    ("Ethiopic", ((0x1200, 0x139F), (0x2D80, 0x2DDF), (0xAB00, 0xAB2F), (0x1E7E0, 0x1E7FF))),
)
CANDIDATE_SCRIPTS = frozenset({"Latin", "Cyrillic", "Arabic", "Greek"})


def _script(ch: str) -> str:
    cp = ord(ch)
    for name, ranges in _SCRIPT_RANGES:
        for lo, hi in ranges:
            if lo <= cp <= hi:
                return name
    return "Other"


def _letters_by_script(text: str) -> Counter[str]:
    return Counter(_script(ch) for ch in text if ch.isalpha())


def _words_in_script(text: str, script: str) -> list[str]:
    """The words of ``text`` whose letters are mostly in ``script`` (others are dropped)."""
    kept = []
    for word in text.split():
        counts = _letters_by_script(word)
        if counts and counts.most_common(1)[0][0] == script:
            kept.append(word)
    return kept


def _letter_count(words: list[str]) -> int:
    return sum(ch.isalpha() for word in words for ch in word)


# ------------------------------------------------------------- languages lingua cannot tell
# Tigrinya: the vowel letter ኣ and the ቐ/ኸ series are Tigrinya spelling that Amharic does not
# use, and these function words are Tigrinya only. Ethiopic text without them stays "und"
# (it may be Amharic or Tigre). Caveat: a rule, not a model; an Amharic text quoting Tigrinya
# could be called "ti".
_TIGRINYA_LETTERS = frozenset("ኣ") | frozenset(chr(c) for c in (*range(0x1250, 0x1260), *range(0x12B8, 0x12C0)))
_TIGRINYA_WORDS = frozenset({"ናይ", "ናብ", "ካብ", "እቲ", "ነቲ", "እቶም", "እዩ", "ኢዩ", "እያ", "እዮም", "ኣብ",
                             "ምስ", "እዚ", "ኣሎ", "ድማ", "ከምኡውን", "ኮይኑ", "ነይሩ", "ውሽጢ"})
# Sorani Kurdish letters that neither Arabic nor Persian uses.
_SORANI_LETTERS = frozenset("ەێۆڵڕ")
# Kurmanji Kurdish (Latin script): ê never occurs together with ş in the candidate languages;
# ê/î/û are frequent in Kurmanji, rare in French (which also has é è à, never in Kurmanji);
# Romanian has î but not ê/û; these function words are Kurmanji only.
_KURMANJI_WORDS = frozenset({"û", "jî", "yên", "ên", "wê", "wî", "bê", "ê", "hê"})
_KURMANJI_LETTERS = frozenset("abcçdeêfghiîjklmnopqrsştuûvwxyz")
_FRENCH_WORDS = frozenset({"le", "la", "les", "des", "est", "et", "une", "du", "que", "qui", "pas", "pour",
                           "sur", "dans", "avec", "au", "aux", "il", "elle", "nous", "vous", "ce", "cette",
                           "son", "sont"})
_WORD_RE = re.compile(r"\w+")


def _tigrinya(text: str) -> bool:
    return any(ch in _TIGRINYA_LETTERS for ch in text) or any(
        word in _TIGRINYA_WORDS for word in _WORD_RE.findall(text))


def _sorani(text: str, arabic_letters: int) -> bool:
    count = sum(ch in _SORANI_LETTERS for ch in text)
    return count >= 2 or (count == 1 and arabic_letters < 40)


def _kurmanji(text: str) -> bool:
    lower = text.lower()
    letters = [ch for ch in lower if ch.isalpha()]
    if sum(ch in "êîûş" for ch in letters) < 0.03 * len(letters):
        return False  # a Kurdish name in a long German text does not make it Kurdish
    words = _WORD_RE.findall(lower)
    if "ê" in lower and ("ş" in lower or any(word in _KURMANJI_WORDS for word in words)):
        return True
    return (all(ch in _KURMANJI_LETTERS for ch in letters)
            and sum(ch in "êû" for ch in letters) >= 1 and sum(ch in "êîû" for ch in letters) >= 2
            and not any(word in _FRENCH_WORDS for word in words))


# -------------------------------------------------------------------------------- decision
def _weights(priors: dict[str, float] | None) -> dict[str, float]:
    weights: dict[str, float] = {}
    for code, weight in (priors or {}).items():
        try:
            weight = float(weight)
        except (TypeError, ValueError):
            continue
        if isinstance(code, str) and math.isfinite(weight) and weight > 0:
            weights[code.lower()] = weight
    return weights


def _weight(weights: dict[str, float], code: str) -> float:
    if code == "fa":  # lingua cannot tell Dari from Persian: a prior for Dari counts for both
        return max(weights.get("fa", 1.0), weights.get("prs", 1.0))
    return weights.get(code, 1.0)


def _posterior(confidences: dict[str, float], weights: dict[str, float]) -> dict[str, float]:
    scores = {code: value * _weight(weights, code) for code, value in confidences.items()}
    total = sum(scores.values())
    if total <= 0:
        return {}
    return {code: value / total for code, value in scores.items()}


def _best(posterior: dict[str, float]) -> tuple[str, float]:
    """The most probable code and its confidence, counting its whole cluster (hr/bs/sr)."""
    code = max(posterior, key=posterior.__getitem__)
    group = next((cluster for cluster in _CLUSTERS if code in cluster), frozenset({code}))
    return code, sum(posterior[c] for c in group if c in posterior)


def _same_language(a: str, b: str) -> bool:
    return a == b or any(a in cluster and b in cluster for cluster in _CLUSTERS)


def _segments(words: list[str], count: int) -> list[list[str]]:
    """``words`` cut into ``count`` runs of about the same number of letters."""
    total = _letter_count(words)
    segments: list[list[str]] = [[] for _ in range(count)]
    seen = 0
    for word in words:
        letters = sum(ch.isalpha() for ch in word)
        segments[min(count - 1, int((seen + letters / 2) * count / total))].append(word)
        seen += letters
    return segments


def _is_mixed(words: list[str], weights: dict[str, float]) -> bool:
    """Is the text made of two languages in about equal parts?

    The text is cut into quarters (halves when it is short); it is mixed when at least half
    of the parts are confidently one language and at least half confidently another. A short
    quote in a long text changes one quarter at most and so does not make it mixed.
    """
    total = _letter_count(words)
    count = 4 if total >= 4 * MIXED_PART_LETTERS else 2 if total >= 2 * MIXED_PART_LETTERS else 0
    if not count:
        return False
    votes: Counter[str] = Counter()
    for segment in _segments(words, count):
        posterior = _posterior(lingua_confidences(" ".join(segment)), weights)
        if posterior:
            code, confidence = _best(posterior)
            if confidence >= MIXED_PART_CONFIDENCE:
                votes[next((min(c) for c in _CLUSTERS if code in c), code)] += 1
    return sum(1 for n in votes.values() if 2 * n >= count) >= 2


@dataclass(frozen=True)
class MixedScripts:
    """Two scripts with a large share each: ``und``, unless the page language settles it."""

    text: str
    scripts: tuple[str, str]
    main_share: float  # share of the letters in the most frequent script


# The script each non-Latin candidate is written in (every other candidate: Latin).
LANGUAGE_SCRIPTS = {"ar": "Arabic", "fa": "Arabic", "prs": "Arabic", "ru": "Cyrillic", "uk": "Cyrillic",
                    "bg": "Cyrillic", "el": "Greek"}


def _mixed_with_prior(mixed: MixedScripts, weights: dict[str, float]) -> Detection:
    """A text in two scripts is ``und`` – unless the person reads the page in a language written in
    one of them and that part of the text, read on its own, is in that language (a Persian text
    quoting English terms, read on the Persian page)."""
    other_words = _words_in_script(mixed.text, mixed.scripts[1])
    if len(other_words) >= SECOND_SENTENCE_WORDS:
        other = _decide(other_words, {})
        if other.code != UND and other.confidence >= SECOND_SENTENCE_CONFIDENCE:
            return Detection(UND, 0.0)  # a sentence in a second language, not terms quoted in one
    favoured = [code for code, weight in weights.items() if weight > 1.0]
    for code in favoured:
        script = LANGUAGE_SCRIPTS.get(code, "Latin")
        if script == mixed.scripts[0]:
            detection = _decide(_words_in_script(mixed.text, script), weights)
            if _same_language(detection.code, code):
                return detection
    return Detection(UND, 0.0)


def _prepare(text: str) -> Detection | MixedScripts | list[str]:
    """A final answer from the script rules, or the words lingua should look at."""
    undetermined = Detection(UND, 0.0)
    if not text or not text.strip():
        return undetermined
    cleaned = _URL_RE.sub(" ", text)
    scripts = _letters_by_script(cleaned)
    total = sum(scripts.values())
    if total < MIN_LETTERS or sum(any(ch.isalpha() for ch in w) for w in cleaned.split()) < MIN_WORDS:
        return undetermined
    (script, count), *others = scripts.most_common()
    if others and others[0][1] >= MIXED_SCRIPT_SHARE * total and others[0][1] >= MIN_LETTERS:
        return MixedScripts(cleaned, (script, others[0][0]), count / total)
    if script == "Ethiopic":
        return Detection("ti", RULE_CONFIDENCE) if _tigrinya(cleaned) else undetermined
    if script not in CANDIDATE_SCRIPTS:
        return undetermined
    if script == "Arabic" and _sorani(cleaned, count):
        return Detection("ku", RULE_CONFIDENCE)
    if script == "Latin" and _kurmanji(cleaned):
        return Detection("ku", RULE_CONFIDENCE)
    return _words_in_script(cleaned, script)


def _decide(words: list[str], weights: dict[str, float]) -> Detection:
    """lingua's confidences times the prior weights, and the thresholds."""
    undetermined = Detection(UND, 0.0)
    if len(words) < MIN_WORDS or _letter_count(words) < MIN_LETTERS:
        return undetermined
    posterior = _posterior(lingua_confidences(" ".join(words)), weights)
    if not posterior:
        return undetermined
    code, confidence = _best(posterior)
    if confidence < MIN_CONFIDENCE or _is_mixed(words, weights):
        return undetermined
    confidence = posterior[code]
    if code == "fa" and weights.get("prs", 0.0) > weights.get("fa", 1.0):
        code = "prs"  # Persian as written in Afghanistan, where the platform expects Dari
    return Detection(code, round(confidence, 4))


def detect_language(text: str, priors: dict[str, float] | None = None) -> Detection:
    """The language ``text`` is written in, or ``und`` when that cannot be said with confidence.

    ``priors`` maps language codes to prior weights (1 = no preference), from what the platform
    knows: e.g. ``{reading_language: READING_LANGUAGE_PRIOR}``. A prior tips short, ambiguous
    texts (uk/ru, fa/ar, de/en) but cannot outweigh a clear signal.
    """
    prepared = _prepare(text)
    if isinstance(prepared, Detection):
        return prepared
    weights = _weights(priors)
    if isinstance(prepared, MixedScripts):
        return _mixed_with_prior(prepared, weights)
    return _decide(prepared, weights)
