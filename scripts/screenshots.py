#!/usr/bin/env python3
"""Full-page screenshots of the main pages, and a check that no page scrolls sideways.

Starts the app itself on a free loopback port with a fresh temporary SQLite database
(``flask db upgrade``, ``seed``, ``demo``), opens each page in Debian's Chromium through
Playwright at every width and interface language, saves ``<lang>-<page>-<width>.png`` into
``--out`` and reports, per page and width, whether the document is wider than the viewport.
Exits 1 when any page overflows horizontally or answers with a server error.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--langs de,en] [--widths 320,1280]

Right-to-left preview: ``LANGUAGES=de,en,ar .venv/bin/python scripts/screenshots.py --langs ar``
(a language without a catalogue shows the English texts, but in an ``<html dir="rtl">`` page).

Needs ``apt-get install chromium`` and ``pip install playwright`` (the Python package only; the
script uses /usr/bin/chromium and never downloads a browser).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_SLUG = "zusammenleben-im-quartier"
# Simulates a reader who set the browser's text size to 200 %: only rem/em sizes follow it.
TEXT_200 = "html { font-size: 200% !important; }"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # below /<lang>
    submit_empty: bool = False  # press the form's submit button without filling anything in


SHOTS = [
    Shot("home", "/"),
    Shot("action-fields", "/action-fields"),
    Shot("action-field", "/action-fields/language"),
    Shot("consultations", "/consultations"),
    Shot("consultation", f"/consultations/{DEMO_SLUG}"),
    Shot("contribute", f"/consultations/{DEMO_SLUG}/contribute"),
    Shot("contribute-errors", f"/consultations/{DEMO_SLUG}/contribute", submit_empty=True),
    Shot("login", "/account/login"),
    Shot("register", "/account/register"),
    Shot("not-found", "/no-such-page"),
]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="screenshots", help="folder for the PNG files (default: screenshots)")
    parser.add_argument("--langs", default=None,
                        help="comma-separated interface languages (default: all configured ones); "
                             "languages not in the config's LANGUAGES are skipped")
    parser.add_argument("--widths", default="320,1280", help="comma-separated viewport widths in CSS px")
    parser.add_argument("--pages", default=None, help="comma-separated page names to take (default: all): "
                        + ", ".join(s.name for s in SHOTS))
    parser.add_argument("--text-200", action="store_true",
                        help="also check every page at the widest width with text enlarged to 200 %%")
    return parser.parse_args(argv)


def prepare_database(workdir: Path) -> None:
    """Point the app at a fresh SQLite file and fill it like `make db seed demo` does."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'screenshots.sqlite'}"
    os.environ["FLASK_CONFIG"] = "development"
    for command in (["db", "upgrade"], ["seed"], ["demo"]):
        subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)


def start_server(app):
    """Serve the app from a background thread on a free loopback port; returns (server, base URL)."""
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def take(page, base: str, lang: str, shot: Shot, out: Path, label: str, text_200: bool) -> tuple[int, bool, str]:
    """Open one page, screenshot it; returns (HTTP status, overflows?, detail)."""
    response = page.goto(f"{base}/{lang}{shot.path}", wait_until="load")
    if shot.submit_empty and response is not None and response.ok:
        with page.expect_navigation(wait_until="load") as navigation:
            page.click("main form[method=post] button[type=submit]")
        response = navigation.value
    if text_200:
        page.add_style_tag(content=TEXT_200)
    status = response.status if response is not None else 0
    sizes = page.evaluate("() => ({sw: document.documentElement.scrollWidth,"
                          " cw: document.documentElement.clientWidth})")
    page.screenshot(path=str(out / f"{lang}-{shot.name}-{label}.png"), full_page=True)
    overflows = sizes["sw"] > sizes["cw"]
    return status, overflows, f"scrollWidth {sizes['sw']} / clientWidth {sizes['cw']}"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("playwright is missing: .venv/bin/pip install playwright (never 'playwright install')",
              file=sys.stderr)
        return 2
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} not found: apt-get install -y chromium", file=sys.stderr)
        return 2
    widths = [int(w) for w in args.widths.split(",") if w.strip()]
    shots = SHOTS
    if args.pages:
        wanted = {p.strip() for p in args.pages.split(",")}
        shots = [s for s in SHOTS if s.name in wanted]
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory(prefix="vielstimmig-shots-") as tmp:
        prepare_database(Path(tmp))
        from app import create_app

        app = create_app("development")
        configured = app.config["LANGUAGES"]
        langs = [l.strip() for l in args.langs.split(",")] if args.langs else list(configured)
        for lang in [l for l in langs if l not in configured]:
            print(f"skipping {lang}: not in LANGUAGES {configured} (set LANGUAGES to preview it)")
        langs = [l for l in langs if l in configured]

        server, base = start_server(app)
        problems: list[str] = []
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                runs = [(w, str(w), False) for w in widths]
                if args.text_200:
                    runs.append((max(widths), f"{max(widths)}-text200", True))
                for width, label, text_200 in runs:
                    # A fresh context per width: no cookies (language choice, session) carry over.
                    context = browser.new_context(viewport={"width": width, "height": 800},
                                                  bypass_csp=text_200, reduced_motion="reduce")
                    page = context.new_page()
                    for lang in langs:
                        for shot in shots:
                            status, overflows, detail = take(page, base, lang, shot, out, label, text_200)
                            verdict = "OVERFLOW" if overflows else "ok"
                            print(f"{lang:3} {shot.name:18} {label:>13}  HTTP {status}  {verdict:8} {detail}")
                            if overflows:
                                problems.append(f"{lang} {shot.name} {label}: wider than the viewport ({detail})")
                            if status >= 500 or status == 0:
                                problems.append(f"{lang} {shot.name} {label}: HTTP {status}")
                    context.close()
                browser.close()
        finally:
            server.shutdown()

    print(f"Screenshots in {out.resolve()}")
    if problems:
        print("Problems:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print("No page is wider than its viewport.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
