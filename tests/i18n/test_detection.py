"""Language detection of contributions: accuracy on real sentences, ``und`` for what cannot be
told, priors that tip ambiguous texts but not clear ones, and a detector shared across threads.

The samples in tests/fixtures/langid/ come from SIB-200 (dev split) and lingua's test data; see
the README there for sources and licences."""
from __future__ import annotations

import csv
import dataclasses
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from app.i18n import detection
from app.i18n.detection import READING_LANGUAGE_PRIOR, UND, Detection, detect_language
from app.i18n.languages import CONTRIBUTION_LANGUAGES

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "langid"
NINE = {"de": "deu_Latn", "en": "eng_Latn", "tr": "tur_Latn", "ar": "arb_Arab", "ru": "rus_Cyrl",
        "uk": "ukr_Cyrl", "pl": "pol_Latn", "fa": "pes_Arab", "fr": "fra_Latn"}


def sib(name: str) -> list[str]:
    with (FIXTURES / "sib200" / f"{name}.dev.tsv").open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def lingua_rows(code: str, granularity: str) -> list[str]:
    with (FIXTURES / "langid-lingua-leipzig" / "lingua_testdata_9lang.csv").open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle)
                if row["lang_iso639_1"] == code and row["granularity"] == granularity]


def page(code: str) -> dict[str, float]:
    return {code: READING_LANGUAGE_PRIOR}


# ------------------------------------------------------------------------------ accuracy
@pytest.mark.parametrize("code", sorted(NINE))
def test_sentences_are_recognised_without_a_prior(code):
    texts = sib(NINE[code])
    assert len(texts) == 30
    hits = sum(detect_language(text).code == code for text in texts)
    assert hits >= 29, f"{code}: {hits}/30"


@pytest.mark.parametrize("code", sorted(NINE))
def test_short_sentences_are_recognised_with_the_reader_language(code):
    texts = lingua_rows(code, "sentences")
    assert len(texts) == 30 and all(20 <= len(text.strip()) <= 60 for text in texts)
    with_prior = sum(detect_language(text, page(code)).code == code for text in texts)
    without = sum(detect_language(text).code == code for text in texts)
    assert with_prior >= 28, f"{code}: {with_prior}/30 with the reader language"
    assert without >= 28, f"{code}: {without}/30 without a prior"


@pytest.mark.parametrize("code", sorted(NINE))
def test_word_pairs_are_mostly_recognised_or_left_undetermined(code):
    results = [detect_language(text, page(code)).code for text in lingua_rows(code, "word-pairs")]
    assert sum(found == code for found in results) >= 27
    assert sum(found not in (code, UND) for found in results) <= 2


@pytest.mark.parametrize("name, expected", [
    ("ron_Latn", {"ro"}), ("bul_Cyrl", {"bg"}),
    ("kmr_Latn", {"ku"}), ("ckb_Arab", {"ku"}),  # Kurdish: Kurmanji and Sorani spelling rules
    ("prs_Arab", {"fa"}),  # Dari: lingua cannot tell it from Persian
    ("tir_Ethi", {"ti"}),  # Tigrinya: Tigrinya-only Ethiopic spelling
])
def test_further_contribution_languages(name, expected):
    results = [detect_language(text).code for text in sib(name)]
    assert sum(found in expected for found in results) >= 9, results
    assert all(found in expected | {UND} for found in results), results


def test_dari_when_the_platform_expects_dari():
    text = sib("prs_Arab")[0]
    assert detect_language(text).code == "fa"
    assert detect_language(text, {"prs": READING_LANGUAGE_PRIOR}).code == "prs"


# ----------------------------------------------------------------------------------- und
@pytest.mark.parametrize("text", [
    "", "   \n\t ", "12345 678,90", "😀🎉👍 🙏", "!!! ??? ...", "Danke", "Haus", "Merhaba", "شكرا",
    "https://example.org/beteiligung?id=12", "info@example.org",
])
def test_nothing_to_tell_is_undetermined(text):
    assert detect_language(text) == Detection(UND, 0.0)
    assert detect_language(text, page("de")) == Detection(UND, 0.0)


@pytest.mark.parametrize("text", [
    "Ich finde den Vorschlag gut, but I think we need more buses at night.",
    "Wir brauchen mehr Spielplätze im Viertel نحن بحاجة إلى المزيد من الملاعب للأطفال",
])
def test_deliberately_mixed_text_is_undetermined(text):
    assert detect_language(text).code == UND
    assert detect_language(text, page("de")).code == UND


def test_a_short_quote_does_not_make_a_text_mixed():
    text = ("Ich wohne seit zwanzig Jahren in Gröpelingen und finde, dass die Straßenbahn abends "
            "viel zu selten fährt. Meine Nachbarin sagt immer: \"better late than never\", aber "
            "für Schichtarbeiterinnen ist das keine Lösung.")
    assert detect_language(text).code == "de"


@pytest.mark.parametrize("text", [
    "ሰላም ነው፣ እንዴት ነህ? ዛሬ ጥሩ ቀን ነው።",  # Amharic: Ethiopic script without Tigrinya spelling
    "我们的社区需要更多的公园和自行车道",  # Chinese
    "אנחנו צריכים יותר גנים ציבוריים בשכונה",  # Hebrew
    "ჩვენს უბანს მეტი პარკი სჭირდება",  # Georgian
])
def test_scripts_no_candidate_uses_are_undetermined_not_a_latin_guess(text):
    assert detect_language(text).code == UND
    assert detect_language(text, page("de")).code == UND


def test_tigrinya_is_recognised_by_its_spelling():
    assert detect_language("ኣብ ከተማና ብዙሕ መናፈሻታት የለን፣ ናይ ቆልዑ መጻወቲ ቦታ የድሊ እዩ።").code == "ti"


# -------------------------------------------------------------------------------- priors
@pytest.mark.parametrize("text, first, second", [
    ("Там дорога", "ru", "uk"),  # the same words in Russian and Ukrainian
    ("Hand in Hand", "de", "en"),  # the same words in German and English
])
def test_the_page_language_decides_an_ambiguous_short_text(text, first, second):
    assert detect_language(text, page(first)).code == first
    assert detect_language(text, page(second)).code == second


@pytest.mark.parametrize("text, code", [
    ("Mahallemizde çocuklar için daha fazla oyun alanı ve güvenli bisiklet yolları olmalı.", "tr"),
    ("Нам потрібно більше зелених зон і безпечних велосипедних доріжок у районі.", "uk"),
    ("We need more green spaces and safe cycle lanes in our neighbourhood.", "en"),
    ("نحتاج إلى المزيد من المساحات الخضراء وممرات آمنة للدراجات في حينا.", "ar"),
])
def test_a_clear_sentence_keeps_its_language_on_a_german_page(text, code):
    assert detect_language(text).code == code
    assert detect_language(text, page("de")).code == code
    assert detect_language(text, {"de": 10 * READING_LANGUAGE_PRIOR}).code == code


@pytest.mark.parametrize("priors", [
    {}, {"de": 0}, {"de": -3}, {"de": float("nan")}, {"de": float("inf")}, {"de": None},
    {"xx": 5.0}, {None: 2.0}, {"DE": 2.0}, {"ku": 2.0, "ti": 2.0},
])
def test_odd_priors_are_ignored_not_fatal(priors):
    text = "Die Stadtteilbibliothek sollte auch am Samstag geöffnet sein."
    assert detect_language(text, priors).code == "de"


# --------------------------------------------------------------------------------- codes
def test_codes_are_lowercase_iso_codes_mapped_from_lingua():
    from lingua import Language

    for name, code in detection.CANDIDATES:
        assert code == getattr(Language, name).iso_code_639_1.name.lower()
    assert {"de", "en", "tr", "ar", "ru", "uk", "pl", "fa", "fr", "ro", "bg"} <= detection.CANDIDATE_CODES
    rule_codes = {"ku", "ti", "prs", UND}
    assert rule_codes <= set(CONTRIBUTION_LANGUAGES)
    texts = [t for name in NINE.values() for t in sib(name)[:5]] + ["Hola, ¿cómo estás? Necesitamos más parques."]
    for text in texts:
        found = detect_language(text)
        assert found.code in detection.CANDIDATE_CODES | rule_codes
        assert 0.0 <= found.confidence <= 1.0


def test_a_language_outside_the_contribution_languages_keeps_its_code():
    found = detect_language("En nuestro barrio necesitamos más parques y carriles bici seguros.")
    assert found.code == "es" and found.confidence > 0.5


def test_detection_is_frozen():
    found = detect_language("Wir brauchen mehr Radwege in der Neustadt.")
    assert found == Detection("de", found.confidence) and found.confidence > 0.9
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.code = "en"  # type: ignore[misc]


# ------------------------------------------------------------------------------- threads
def test_detection_from_several_threads_gives_the_same_answers():
    texts = [t for name in NINE.values() for t in sib(name)[:4]] + [t for c in NINE for t in lingua_rows(c, "sentences")[:3]]
    expected = [detect_language(text) for text in texts]
    with ThreadPoolExecutor(max_workers=6) as pool:
        for _ in range(3):
            assert list(pool.map(detect_language, texts)) == expected


def test_the_detector_is_built_once_when_threads_race_for_it(monkeypatch):
    real = detection.get_detector()
    builds = []
    gate = threading.Event()

    def slow_build():
        builds.append(1)
        gate.wait(0.2)  # stay inside the lock while the other threads arrive
        return real

    monkeypatch.setattr(detection, "_build_detector", slow_build)
    monkeypatch.setattr(detection, "_detector", None)
    start = threading.Barrier(8)

    def fetch(_):
        start.wait()
        return detection.get_detector()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(fetch, range(8)))
    assert len(builds) == 1
    assert all(result is real for result in results)


def test_terms_in_a_second_script_do_not_hide_the_page_language():
    """A Persian text quoting English names, read on the Persian page, is Persian; without that
    knowledge it stays undetermined, and two full sentences in two scripts stay undetermined."""
    quoted = "Projekt «Bremen Vielfalt Workshop» کارگاه برای زنان مهاجر در محله ما بود"
    assert detect_language(quoted).code == "und"
    assert detect_language(quoted, priors={"fa": READING_LANGUAGE_PRIOR}).code == "fa"
    assert detect_language(quoted, priors={"de": READING_LANGUAGE_PRIOR}).code == "und"
    bilingual = "Wir brauchen mehr Spielplätze im Viertel نحن بحاجة إلى المزيد من الملاعب للأطفال"
    assert detect_language(bilingual, priors={"de": READING_LANGUAGE_PRIOR}).code == "und"
    assert detect_language(bilingual, priors={"ar": READING_LANGUAGE_PRIOR}).code == "und"
