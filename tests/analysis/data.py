"""A small multilingual set of contributions on three topics, for the run tests; helpers to compare themes with labels."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories import make_consultation, make_contribution

TOPICS = {
    "kita": [
        ("de", "Wir brauchen mehr Kitaplätze im Stadtteil, die Wartelisten der Kita sind viel zu lang."),
        ("de", "Die Kita in unserem Stadtteil hat zu wenige Plätze, die Warteliste ist lang."),
        ("de", "Mehr Kitaplätze und kürzere Wartelisten für die Kita, bitte."),
        ("de", "Kita Plätze fehlen, Eltern warten monatelang auf der Warteliste der Kita."),
        ("en", "The Kita waiting lists are too long, we need more Kita places in the district."),
        ("tr", "Kita için bekleme listeleri çok uzun, Kita yerleri az."),
    ],
    "wohnen": [
        ("de", "Bezahlbare Wohnungen fehlen, die Mieten für Wohnungen steigen jedes Jahr."),
        ("de", "Die Mieten sind zu hoch, wir finden keine bezahlbaren Wohnungen."),
        ("de", "Es gibt zu wenige Wohnungen mit bezahlbaren Mieten in Bremen."),
        ("de", "Wohnungen sind teuer, die Mieten steigen und Familien finden keine Wohnungen."),
        ("en", "Rents are too high, there are no affordable Wohnungen, Mieten keep rising."),
        ("ar", "الإيجارات مرتفعة جدا Mieten Wohnungen"),
    ],
    "sprache": [
        ("de", "Mehr Sprachkurse für Erwachsene, am besten Sprachkurse am Abend."),
        ("de", "Die Sprachkurse sind voll, wir brauchen mehr Sprachkurse mit Kinderbetreuung."),
        ("de", "Sprachkurse am Abend und am Wochenende würden vielen Berufstätigen helfen."),
        ("de", "Kostenlose Sprachkurse für Erwachsene und mehr Plätze in Sprachkursen."),
        ("ru", "Нужно больше Sprachkurse для взрослых, Sprachkurse вечером."),
        ("uk", "Потрібно більше Sprachkurse для дорослих."),
    ],
}
CAMPAIGN_TEXT = "Wir fordern einen kostenlosen Nahverkehr für alle Menschen in Bremen und Bremerhaven jetzt sofort!"


def make_dataset(consultation=None, *, campaign: int = 0):
    """A consultation with the topics' contributions (and ``campaign`` identical copies of a campaign text)."""
    consultation = consultation or make_consultation()
    made = {topic: [make_contribution(consultation, text, language=lang) for lang, text in texts]
            for topic, texts in TOPICS.items()}
    made["campaign"] = [make_contribution(consultation, CAMPAIGN_TEXT, language="de") for _ in range(campaign)]
    return consultation, made


def method_available() -> bool:
    import importlib.util
    import sys

    return "app.analysis.method" in sys.modules or importlib.util.find_spec("app.analysis.method") is not None


needs_method = pytest.mark.skipif(not method_available(), reason="the method library app/analysis/method is missing")


# --- comparing themes with human labels (tests of app.analysis.method) --------------------------

SIB_FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "analysis" / "sib200_mixed_dev.tsv"


def ari(a, b) -> float:
    """Adjusted Rand index of two labellings."""
    from sklearn.metrics import adjusted_rand_score

    return adjusted_rand_score(a, b)


def labels(result, items) -> list[int]:
    """Theme index per item of a method Result; unassigned items form one extra cluster (-1)."""
    theme_of = result.theme_of()
    return [theme_of[i.id] if theme_of[i.id] is not None else -1 for i in items]
