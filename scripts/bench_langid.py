"""Benchmark of the contribution language detector (app/i18n/detection.py).

  .venv/bin/python scripts/bench_langid.py [--data DIR]

Reads the SIB-200 dev split and lingua's test sentences from DIR (default: ../shared/data
beside the repository when it exists, else the small copies in tests/fixtures/langid/, which
have the same layout) and prints Markdown tables for the README:

* accuracy per language (``und`` counts as wrong) for texts of 40+ characters (SIB-200 dev plus
  lingua 'sentences' rows of 40+ characters), short sentences (lingua rows of 20-60 characters)
  and word pairs, each without a prior, with the true language as page language ("reader") and
  with German as page language ("de page"), next to plain lingua (same candidates, argmax,
  no thresholds, no prior) as baseline;
* what happens to languages lingua has no model for (Kurdish, Dari, Tigrinya) and to mixed texts;
* median and p95 detection time per text and the memory of the loaded detector.

The thresholds in app/i18n/detection.py were tuned on the SIB-200 *train* split only; nothing
read here was used for tuning.
"""
from __future__ import annotations

import argparse
import csv
import random
import resource
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.i18n import detection  # noqa: E402

NINE = ("de", "en", "tr", "ar", "ru", "uk", "pl", "fa", "fr")
SIB_CODES = {"deu_Latn": "de", "eng_Latn": "en", "tur_Latn": "tr", "arb_Arab": "ar", "rus_Cyrl": "ru",
             "ukr_Cyrl": "uk", "pol_Latn": "pl", "pes_Arab": "fa", "fra_Latn": "fr"}
# Languages beyond the nine: (SIB file, what a right answer is, label).
OTHER_SIB = (("ron_Latn", {"ro"}, "Romanian (ro)"), ("bul_Cyrl", {"bg"}, "Bulgarian (bg)"),
             ("kmr_Latn", {"ku"}, "Kurmanji (ku)"), ("ckb_Arab", {"ku"}, "Sorani (ku)"),
             ("prs_Arab", {"fa", "prs"}, "Dari (prs; fa counts)"), ("tir_Ethi", {"ti"}, "Tigrinya (ti)"))
LINGUA_FILE = Path("langid-lingua-leipzig") / "lingua_testdata_9lang.csv"
SETTINGS = ("none", "reader", "de page")


def default_data_dir() -> Path:
    shared = ROOT.parent / "shared" / "data"
    return shared if (shared / "sib200").is_dir() else ROOT / "tests" / "fixtures" / "langid"


def read_sib(data: Path, name: str) -> list[str]:
    path = data / "sib200" / f"{name}.dev.tsv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as handle:
        return [row["text"] for row in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]


def read_lingua(data: Path) -> dict[tuple[str, str], list[str]]:
    rows: dict[tuple[str, str], list[str]] = defaultdict(list)
    path = data / LINGUA_FILE
    if path.exists():
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                rows[(row["lang_iso639_1"], row["granularity"])].append(row["text"].strip())
    return rows


def load_sets(data: Path) -> dict[str, dict[str, list[str]]]:
    """{set name: {language: texts}} for the three length classes."""
    lingua = read_lingua(data)
    sets: dict[str, dict[str, list[str]]] = {"40+ chars": {}, "short 20-60": {}, "word pairs": {}}
    for name, code in SIB_CODES.items():
        sentences = lingua.get((code, "sentences"), [])
        sets["40+ chars"][code] = read_sib(data, name) + [t for t in sentences if len(t) >= 40]
        sets["short 20-60"][code] = [t for t in sentences if 20 <= len(t) <= 60]
        sets["word pairs"][code] = lingua.get((code, "word-pairs"), [])
    return sets


def prior_for(setting: str, code: str) -> dict[str, float] | None:
    if setting == "none":
        return None
    return {code if setting == "reader" else "de": detection.READING_LANGUAGE_PRIOR}


def baseline(text: str) -> str:
    language = detection.get_detector().detect_language_of(text)
    return detection._CODES.get(language, detection.UND) if language is not None else detection.UND


def pct(hits: int, total: int) -> str:
    return f"{100 * hits / total:.1f}" if total else "–"


def accuracy_table(sets, timings: list[float]) -> tuple[list[str], dict]:
    results: dict = {}
    for set_name, by_lang in sets.items():
        for code, texts in by_lang.items():
            results[(set_name, code, "baseline")] = sum(baseline(t) == code for t in texts)
            for setting in SETTINGS:
                hits = 0
                for text in texts:
                    start = time.perf_counter()
                    found = detection.detect_language(text, prior_for(setting, code)).code
                    if setting == "none":
                        timings.append((time.perf_counter() - start) * 1000)
                    hits += found == code
                results[(set_name, code, setting)] = hits
    lines = []
    for set_name, by_lang in sets.items():
        lines += [f"**{set_name}** – accuracy in % (`und` counts as wrong)", "",
                  "| language | n | lingua baseline | no prior | reader prior | de page |",
                  "| --- | ---: | ---: | ---: | ---: | ---: |"]
        sums = defaultdict(float)
        for code in NINE:
            n = len(by_lang[code])
            cells = [pct(results[(set_name, code, k)], n) for k in ("baseline", *SETTINGS)]
            for k in ("baseline", *SETTINGS):
                sums[k] += results[(set_name, code, k)] / n if n else 0.0
            lines.append(f"| {code} | {n} | " + " | ".join(cells) + " |")
        lines.append("| **mean** | | " + " | ".join(f"**{100 * sums[k] / len(NINE):.2f}**"
                                                   for k in ("baseline", *SETTINGS)) + " |")
        lines.append("")
    return lines, results


def other_languages_table(data: Path) -> list[str]:
    lines = ["**Languages without a lingua model, and others** (SIB-200 dev, no prior) – % of texts",
             "", "| language | n | right | und | wrong | most frequent wrong answer |",
             "| --- | ---: | ---: | ---: | ---: | --- |"]
    for name, right, label in OTHER_SIB:
        texts = read_sib(data, name)
        if not texts:
            continue
        counts: dict[str, int] = defaultdict(int)
        for text in texts:
            counts[detection.detect_language(text).code] += 1
        ok = sum(counts[c] for c in right)
        und = counts[detection.UND]
        wrong = {c: k for c, k in counts.items() if c not in right and c != detection.UND}
        worst = max(wrong, key=wrong.get) if wrong else "–"
        lines.append(f"| {label} | {len(texts)} | {pct(ok, len(texts))} | {pct(und, len(texts))} | "
                     f"{pct(sum(wrong.values()), len(texts))} | {worst} |")
    return lines + [""]


def mixed_table(data: Path) -> list[str]:
    """Texts made of a sentence in one language and one in another: how many are ``und``."""
    rng = random.Random(2024)
    pairs = (("de", "en"), ("de", "tr"), ("ru", "uk"), ("ar", "fa"), ("pl", "de"), ("fr", "en"), ("de", "ar"))
    sib = {code: read_sib(data, name) for name, code in SIB_CODES.items()}
    lines = ["**Mixed texts** (two SIB-200 dev sentences of different languages joined; no prior)", "",
             "| pair | n | und | first language | second language | other |",
             "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for first, second in pairs:
        if not sib[first] or not sib[second]:
            continue
        counts: dict[str, int] = defaultdict(int)
        n = 50
        for _ in range(n):
            text = rng.choice(sib[first]) + " " + rng.choice(sib[second])
            code = detection.detect_language(text).code
            counts[code if code in (first, second, detection.UND) else "other"] += 1
        lines.append(f"| {first}+{second} | {n} | {pct(counts['und'], n)} | {pct(counts[first], n)} | "
                     f"{pct(counts[second], n)} | {pct(counts['other'], n)} |")
    return lines + [""]


def bars(results, sets) -> list[str]:
    lines = ["**Bars**", ""]

    def check(set_name: str, bar: float, setting: str) -> str:
        low = [f"{c} {100 * results[(set_name, c, setting)] / len(sets[set_name][c]):.1f}"
               for c in NINE if sets[set_name][c]
               and results[(set_name, c, setting)] / len(sets[set_name][c]) < bar]
        return "met in all nine languages" if not low else "NOT met: " + ", ".join(low)

    lines.append(f"- 40+ chars ≥ 99.5 % (reader prior): {check('40+ chars', 0.995, 'reader')}")
    lines.append(f"- short 20-60 ≥ 98 % (reader prior): {check('short 20-60', 0.98, 'reader')}")
    for set_name in sets:
        diffs = []
        for code in NINE:
            n = len(sets[set_name][code])
            if n:
                delta = (results[(set_name, code, "none")] - results[(set_name, code, "baseline")]) / n
                diffs.append(f"{code} {100 * delta:+.1f}")
        lines.append(f"- no prior minus baseline, {set_name} (points): " + ", ".join(diffs))
    return lines + [""]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="folder with sib200/ and langid-lingua-leipzig/")
    args = parser.parse_args(argv)
    data = args.data or default_data_dir()
    if not (data / "sib200").is_dir():
        print(f"No data in {data}", file=sys.stderr)
        return 1

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    detection.warm_up()
    load_seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    sets = load_sets(data)
    timings: list[float] = []
    lines, results = accuracy_table(sets, timings)
    timings.sort()
    p95 = timings[min(len(timings) - 1, int(0.95 * len(timings)))] if timings else 0.0
    out = [f"Data: `{data}`. Candidates: {len(detection.CANDIDATES)} languages; page-language prior weight "
           f"{detection.READING_LANGUAGE_PRIOR}; MIN_WORDS {detection.MIN_WORDS}, MIN_LETTERS "
           f"{detection.MIN_LETTERS}, MIN_CONFIDENCE {detection.MIN_CONFIDENCE}.", "", *lines,
           *other_languages_table(data), *mixed_table(data), *bars(results, sets),
           "**Cost**", "",
           "| detector load | peak memory (RSS) | of it the loaded detector | median per text | p95 per text |",
           "| ---: | ---: | ---: | ---: | ---: |",
           f"| {load_seconds:.1f} s | {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB | "
           f"{after - before:.0f} MB | {statistics.median(timings) if timings else 0:.2f} ms | {p95:.2f} ms |"]
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
