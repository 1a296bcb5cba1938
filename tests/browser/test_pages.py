"""Every page in a real browser: no axe-core violation (WCAG 2.0/2.1 A and AA), valid HTML, reflow
at 320 CSS px, text enlarged to 200 %, forms with linked errors and required fields marked in text.

Every page in German and Arabic (public, account, staff and whatever pages the app has), the main
public pages and the contribution form in every interface language; see tests/browser/catalog.py.
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from config import TestingConfig
from tests.browser.catalog import FULL_LANGUAGES, MAIN_PAGES, SCREENSHOT_LANGUAGES, SCREENSHOT_PAGES
from tests.browser.conftest import VNU_JAR
from tests.browser.scan import Scanner, run_vnu

LANGUAGES = list(TestingConfig.LANGUAGES)


@pytest.fixture(scope="session")
def scanner(site, visitor_context, admin_context, axe_source, screenshots_dir, tmp_path_factory):
    return Scanner(site, visitor_context, admin_context, axe_source, tmp_path_factory.mktemp("html"), screenshots_dir)


def _report(lines: list[str]) -> str:
    return "\n  ".join([""] + lines)


def test_every_page_can_be_reached(scanner):
    """Each GET page of the app has sample arguments, so none escapes the checks below."""
    assert not scanner.missing, "pages the browser tests cannot open:" + _report(scanner.missing)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_axe_violations(scanner, lang):
    results = scanner.scan(lang)
    problems = [f"{r.label}: {v['id']} ({v['impact']}) {v['help']}" + _report(v["nodes"])
                for r in results for v in r.axe]
    assert not problems, f"axe-core found WCAG A/AA violations on {len(results)} pages:" + _report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_pages_answer_without_server_error_in_their_language(scanner, lang):
    results = scanner.scan(lang)
    errors = [r.label for r in results if not 200 <= r.status < 500]
    assert not errors, "server errors:" + _report(errors)
    missing = [r.label for r in results if r.status == 404 and r.name != "not-found"]
    assert not missing, "pages not found even for an administrator (a wrong sample argument?):" + _report(missing)
    # The 404 page of an unknown path under /<lang>/ speaks that language too.
    wrong = [f"{r.label}: lang={r.narrow['lang']!r} dir={r.narrow['dir']!r}" for r in results
             if (r.narrow["lang"] != lang or r.narrow["dir"] != ("rtl" if lang in ("ar", "fa") else "ltr"))]
    assert not wrong, "pages not marked with their language and direction:" + _report(wrong)
    names = {r.name for r in results}
    assert MAIN_PAGES <= names, f"main pages not checked: {sorted(MAIN_PAGES - names)}"
    if lang in FULL_LANGUAGES:
        assert {"staff.dashboard", "contribute-errors", "thanks", "pages.accessibility"} <= names
        assert any(r.as_admin for r in results) and any("sent empty" in r.name for r in results)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_reflow_at_320_css_pixels(scanner, lang):
    """WCAG 1.4.10: no horizontal scrolling at 320 CSS px."""
    problems = [f"{r.label}: scrollWidth {r.narrow['scrollWidth']} > {r.narrow['clientWidth']}"
                + _report(r.narrow["offenders"])
                for r in scanner.scan(lang) if r.narrow["scrollWidth"] > r.narrow["clientWidth"]]
    assert not problems, "pages that scroll sideways at 320 px:" + _report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_text_resized_to_200_percent(scanner, lang):
    """WCAG 1.4.4: with the browser's text size at 200 % nothing scrolls sideways or is cut off."""
    results = scanner.scan(lang)
    assert all(r.large_text["rootFont"] == "32px" for r in results), "the text size setting did not apply"
    problems = [f"{r.label}: scrollWidth {r.large_text['scrollWidth']} > {r.large_text['clientWidth']}"
                + _report(r.large_text["offenders"])
                for r in results if r.large_text["scrollWidth"] > r.large_text["clientWidth"]]
    problems += [f"{r.label}: content cut off in" + _report(r.large_text["clipped"])
                 for r in results if r.large_text["clipped"]]
    problems += [f"{r.label} at 320 px: content cut off in" + _report(r.narrow["clipped"])
                 for r in results if r.narrow["clipped"]]
    assert not problems, "pages that do not take text at 200 %:" + _report(problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_forms_mark_required_fields_and_tie_errors_to_fields(scanner, lang):
    results = scanner.scan(lang)
    errors_page = next(r for r in results if r.name == "contribute-errors")
    assert errors_page.status == 422
    problems = [f"{r.label}: {p}" for r in results for p in r.form_problems]
    assert not problems, "form problems:" + _report(problems)


def test_html_is_valid(scanner):
    """The Nu Html Checker finds no error in the HTML as served, on every page checked."""
    if not VNU_JAR.exists() or shutil.which("java") is None:
        pytest.skip("the Nu Html Checker needs node_modules/vnu-jar (npm ci) and java")
    results = scanner.all_results()
    by_file = {str(r.html_file.resolve()): r for r in results}
    messages = run_vnu(VNU_JAR, [r.html_file for r in results])
    problems = []
    for message in messages:
        url = message.get("url", "")
        result = next((r for path, r in by_file.items() if url.endswith(Path(path).name)), None)
        where = result.label if result else url
        problems.append(f"{where} line {message.get('lastLine')}: {message.get('message')}"
                        f" – {message.get('extract', '').strip()[:160]}")
    assert not problems, f"Nu Html Checker errors in {len(results)} pages:" + _report(problems)


def test_screenshots_of_the_main_pages(scanner, screenshots_dir):
    for lang in SCREENSHOT_LANGUAGES:
        scanner.scan(lang)
    expected = [screenshots_dir / f"{lang}-{name}-{width}.png" for lang in SCREENSHOT_LANGUAGES
                for name in SCREENSHOT_PAGES.values() for width in (320, 1280)]
    missing = [p.name for p in expected if not p.exists() or p.stat().st_size == 0]
    assert not missing, "screenshots not written:" + _report(missing)


def test_summary(scanner):
    """Says how much was checked (shown with -rA or on failure)."""
    results = scanner.all_results()
    langs = {r.lang for r in results}
    print(f"\nbrowser checks: {len(results)} page loads in {len(langs)} languages "
          f"({', '.join(f'{l}: {sum(r.lang == l for r in results)}' for l in scanner.site.languages)})")
    assert langs == set(scanner.site.languages)
