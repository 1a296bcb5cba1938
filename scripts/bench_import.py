"""Measure the bulk import: 50,000 rows from CSV and from XLSX into SQLite (time and peak memory),
plus the share of language recognition. Prints a markdown table.

    .venv/bin/python scripts/bench_import.py [--rows 50000]

Each case runs in a fresh temporary SQLite database built by the migrations. Peak memory is the
Python heap's peak during the import (tracemalloc), measured in a separate run from the time
(tracemalloc slows Python down). The lingua models are loaded before the timed "detected" case.
"""
from __future__ import annotations

import argparse
import csv
import gc
import io
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SENTENCES = {
    "de": "Wir brauchen mehr Sprachkurse am Abend, weil viele Menschen tagsüber arbeiten.",
    "tr": "Mahallemizde gençler için daha fazla buluşma yeri olmalı ve akşamları açık olmalı.",
    "ar": "نحتاج إلى مواعيد أسرع في دائرة الأجانب، فالانتظار لعدة أشهر مرهق جداً.",
    "ru": "Было бы хорошо, если бы дипломы из других стран признавались быстрее.",
}


def make_rows(n: int, with_language: bool) -> list[list[str]]:
    codes = list(SENTENCES)
    rows = []
    for i in range(n):
        code = codes[i % len(codes)]
        rows.append([f"{SENTENCES[code]} ({i})", code if with_language else "", "workshop", f"bench-{i}"])
    return rows


HEADERS = ["text", "language", "channel", "external_id"]


def csv_bytes(rows) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def xlsx_bytes(rows) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADERS)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def run_once(data: bytes, filename: str, measure_memory: bool) -> tuple[float, float, int]:
    """(seconds, peak MB, rows added) of one import into a new database."""
    from flask_migrate import upgrade

    from app import create_app
    from app.contributions import imports
    from app.extensions import db
    from config import BASE_DIR, TestingConfig
    from tests.factories import make_consultation

    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{workdir / 'bench.sqlite'}"

    app = create_app(Config)
    with app.app_context():
        upgrade(directory=str(BASE_DIR / "migrations"))
        consultation = make_consultation("bench")
        gc.collect()
        if measure_memory:
            tracemalloc.start()
        started = time.perf_counter()
        report = imports.import_file(consultation, data, filename)
        db.session.commit()
        seconds = time.perf_counter() - started
        peak = 0.0
        if measure_memory:
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        assert report.ok, report.refused[:3]
        db.session.remove()
    return seconds, peak, report.added


def main() -> None:
    import logging

    logging.disable(logging.WARNING)  # the migrations log every step
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args()
    from app.i18n.detection import warm_up

    warm_up()  # load lingua once, outside the measurements
    cases = []
    given = make_rows(args.rows, with_language=True)
    cases.append(("CSV, language given", csv_bytes(given), "bench.csv"))
    cases.append(("XLSX, language given", xlsx_bytes(given), "bench.xlsx"))
    cases.append(("CSV, language detected", csv_bytes(make_rows(args.rows, with_language=False)), "bench.csv"))
    print(f"| file ({args.rows:,} rows) | size | time | rows per second | peak memory (Python heap) |")
    print("| --- | ---: | ---: | ---: | ---: |")
    for label, data, filename in cases:
        seconds, _peak, added = run_once(data, filename, measure_memory=False)
        _seconds, peak, _added = run_once(data, filename, measure_memory=True)
        print(f"| {label} | {len(data) / 2**20:.1f} MB | {seconds:.1f} s | {added / seconds:,.0f} | {peak:.0f} MB |")


if __name__ == "__main__":
    main()
