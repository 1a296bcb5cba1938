#!/usr/bin/env python3
"""Full-page screenshots of the main pages, and a check that no page scrolls sideways.

Starts the app itself on a free loopback port with a fresh temporary SQLite database
(``flask db upgrade``, ``seed``, ``demo`` and one administrator account), opens each page in
Debian's Chromium through Playwright at every width and interface language, saves
``<lang>-<page>-<width>.png`` into ``--out`` and reports, per page and width, whether the
document is wider than the viewport. Exits 1 when any page overflows horizontally or answers
with a server error.

    .venv/bin/python scripts/screenshots.py [--out screenshots] [--langs de,en] [--widths 320,1280]
        [--pages home,consultation] [--text-200]

``--text-200`` adds a run at the widest width in a browser whose default text size is 200 %.
Right-to-left preview: ``LANGUAGES=de,en,ar .venv/bin/python scripts/screenshots.py --langs ar``
(a language without a catalogue shows the English texts, but in an ``<html dir="rtl">`` page).

Needs ``apt-get install chromium`` and ``pip install playwright`` (the Python package only; the
script uses /usr/bin/chromium and never downloads a browser).
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DEMO_SLUG = "zusammenleben-im-quartier"
DEMO_ORGANISATION_SLUG = "brueckenbauer-groepelingen-demo"
DEMO_FIELD_SLUG = "neighbourhoods"  # one of the demo consultation's action fields
ADMIN_EMAIL = "screenshots@example.org"
ADMIN_PASSWORD = secrets.token_urlsafe(16)
# A reader who set the browser's default text size to 200 % (32 px instead of 16 px); written
# into a fresh browser profile, so rem/em sizes and em media queries follow as they would for them.
TEXT_200_PREFS = {"webkit": {"webprefs": {"default_font_size": 32, "default_fixed_font_size": 26}}}
STAFF_EDIT = ".staff-table a[href*='/staff/consultations/']"
SUBMIT = "main form[method=post]:not(.inline-form) button[type=submit]"
# The first published contribution's link (statements are listed above the contributions).
CONTRIBUTION_LINK = "section[aria-labelledby=contributions-heading] .contribution-meta a"


@dataclass(frozen=True)
class Shot:
    name: str
    path: str  # below /<lang>
    follow: tuple[str, ...] = ()  # then click the first link matching each selector in turn
    fill: dict[str, str] = field(default_factory=dict)  # then fill these fields ...
    submit: bool = False  # ... and press the form's submit button (nothing filled: shows the errors)
    staff: bool = False  # needs the administrator to be logged in


SHOTS = [
    Shot("home", "/"),
    Shot("action-fields", "/action-fields"),
    Shot("action-field", "/action-fields/language"),
    Shot("consultations", "/consultations"),
    Shot("consultation", f"/consultations/{DEMO_SLUG}"),
    Shot("consultation-pager", f"/consultations/{DEMO_SLUG}?per_page=3&page=2"),
    Shot("contribution", f"/consultations/{DEMO_SLUG}", follow=(CONTRIBUTION_LINK,)),
    Shot("contribute", f"/consultations/{DEMO_SLUG}/contribute"),
    Shot("contribute-errors", f"/consultations/{DEMO_SLUG}/contribute", submit=True),
    Shot("thanks", f"/consultations/{DEMO_SLUG}/contribute", submit=True,
         fill={"main form textarea": "Mehr Bänke im Park. – More benches in the park."}),
    Shot("easy-read", "/leichte-sprache"),
    Shot("login", "/account/login"),
    Shot("register", "/account/register"),
    Shot("register-errors", "/account/register", submit=True),
    Shot("not-found", "/no-such-page"),
    Shot("staff-dashboard", "/staff/", staff=True),
    Shot("staff-consultation", "/staff/", follow=(STAFF_EDIT,), staff=True),
    Shot("staff-question-errors", "/staff/", follow=(STAFF_EDIT, "a.button[href$='/questions/new']"),
         submit=True, staff=True),
    # Organisations, events, offline input and the working group's analysis (the demo's objects).
    Shot("organisations", "/organisations/"),
    Shot("organisation", f"/organisations/{DEMO_ORGANISATION_SLUG}"),
    Shot("event", f"/consultations/{DEMO_SLUG}", follow=(".event-card a",)),
    Shot("cohost", "/cohost/", staff=True),
    Shot("offline", f"/offline/consultations/{DEMO_SLUG}/", staff=True),
    Shot("analysis-summary", f"/analysis/consultations/{DEMO_SLUG}", staff=True),
    Shot("analysis-themes", f"/analysis/consultations/{DEMO_SLUG}/themes", staff=True),
    Shot("analysis-field-themes", f"/analysis/fields/{DEMO_FIELD_SLUG}/themes", staff=True),
]
# Pages that show the demo consultation's themes: they are computed first (`flask analysis run`).
THEME_PAGES = frozenset({"analysis-themes", "analysis-field-themes"})


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


def flask(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *command], cwd=ROOT,
                          capture_output=True, text=True)


def prepare_database(workdir: Path, themes: bool = False) -> bool:
    """Point the app at a fresh SQLite file and fill it like `make db seed demo` does; with
    ``themes`` also compute the themes of the demo consultation and of one of its action fields; add an administrator. Returns whether the
    administrator could be created (else staff pages are skipped)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'screenshots.sqlite'}"
    os.environ["FLASK_CONFIG"] = "development"
    for command in (["db", "upgrade"], ["seed"], ["demo"]):
        done = flask(*command)
        if done.returncode:
            sys.exit(f"flask {' '.join(command)} failed:\n{done.stdout}{done.stderr}")
    if themes:
        for scope in (["--consultation", DEMO_SLUG], ["--field", DEMO_FIELD_SLUG]):
            done = flask("analysis", "run", *scope)
            if done.returncode:
                print(f"no themes computed for {' '.join(scope)}, its page shows none:\n{done.stdout}{done.stderr}")
    admin = flask("users", "create", ADMIN_EMAIL, "--name", "Screenshots", "--role", "admin",
                  "--password", ADMIN_PASSWORD)
    if admin.returncode:
        print(f"no administrator, staff pages skipped:\n{admin.stdout}{admin.stderr}")
    return admin.returncode == 0


def start_server(app):
    """Serve the app from a background thread on a free loopback port; returns (server, base URL)."""
    from werkzeug.serving import WSGIRequestHandler, make_server

    class QuietHandler(WSGIRequestHandler):
        def log_request(self, *args, **kwargs):  # the report below says what matters
            pass

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=QuietHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def open_context(pw, browser, width: int, text_200: bool, profile_dir: Path):
    """A fresh browser context (no cookies carry over); with text_200 one on its own profile."""
    options = {"viewport": {"width": width, "height": 800}, "reduced_motion": "reduce"}
    if not text_200:
        return browser.new_context(**options)
    (profile_dir / "Default").mkdir(parents=True, exist_ok=True)
    (profile_dir / "Default" / "Preferences").write_text(json.dumps(TEXT_200_PREFS))
    return pw.chromium.launch_persistent_context(str(profile_dir), executable_path=CHROMIUM,
                                                 args=CHROMIUM_ARGS, **options)


def log_in(page, base: str, lang: str) -> None:
    page.goto(f"{base}/{lang}/account/login")
    page.fill("input[type=email], input[name=email]", ADMIN_EMAIL)
    page.fill("input[type=password]", ADMIN_PASSWORD)
    with page.expect_navigation(wait_until="load"):
        page.click(SUBMIT)


def take(page, base: str, lang: str, shot: Shot, out: Path, label: str) -> tuple[int, bool, str]:
    """Open one page, screenshot it; returns (HTTP status, overflows?, detail)."""
    response = page.goto(f"{base}/{lang}{shot.path}", wait_until="load")
    for selector in shot.follow:
        if response is None or not response.ok:
            break
        with page.expect_navigation(wait_until="load") as navigation:
            page.locator(selector).first.click()
        response = navigation.value
    if shot.submit and response is not None and response.ok:
        for selector, value in shot.fill.items():
            page.locator(selector).first.fill(value)
        with page.expect_navigation(wait_until="load") as navigation:
            page.locator(SUBMIT).last.click()
        response = navigation.value
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
        has_admin = prepare_database(Path(tmp), themes=any(s.name in THEME_PAGES for s in shots))
        if not has_admin:
            shots = [s for s in shots if not s.staff]
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
                    context = open_context(pw, browser, width, text_200, Path(tmp) / "profile")
                    page = context.new_page()
                    for lang in langs:
                        logged_in = False
                        # Public pages first, as a visitor; then the staff pages, logged in.
                        for shot in sorted(shots, key=lambda s: s.staff):
                            if shot.staff and not logged_in:
                                log_in(page, base, lang)
                                logged_in = True
                            status, overflows, detail = take(page, base, lang, shot, out, label)
                            verdict = "OVERFLOW" if overflows else "ok"
                            print(f"{lang:3} {shot.name:21} {label:>13}  HTTP {status}  {verdict:8} {detail}")
                            if overflows:
                                problems.append(f"{lang} {shot.name} {label}: wider than the viewport ({detail})")
                            if status >= 500 or status == 0:
                                problems.append(f"{lang} {shot.name} {label}: HTTP {status}")
                        context.clear_cookies()
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
