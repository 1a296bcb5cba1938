"""Sample objects and URL arguments for the browser tests of the cohost pages.

``build()`` runs inside the app context after the common sample data exists; it returns
``(samples, endpoint_args, extra_paths)`` merged into the Site (see tests/browser/conftest.py)."""
from __future__ import annotations


def build() -> tuple[dict, dict, dict]:
    return {}, {}, {}
