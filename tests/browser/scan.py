"""One pass over every page in one language: axe-core, form structure, reflow at 320 px, text at
200 %, the HTML as served (for the Nu Html Checker) and screenshots. Each page is loaded once and
every check runs on it; the tests read the results."""
from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urldefrag

from tests.browser.catalog import (
    FULL_LANGUAGES,
    MAIN_PAGES,
    SCREENSHOT_LANGUAGES,
    SCREENSHOT_PAGES,
    PageSpec,
    discover,
    file_name,
)

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 800}
WIDE = {"width": 1280, "height": 800}
DEFAULT_FONTS = {"standard": 16, "fixed": 13}
LARGE_FONTS = {"standard": 32, "fixed": 26}  # a reader's browser set to 200 % text
SUBMIT = "button[type=submit], input[type=submit]"

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' – ' + (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 300))}));
}"""

DESCRIBE = """const describe = (el) => {
  let s = el.tagName.toLowerCase();
  if (el.id) s += '#' + el.id;
  if (el.classList.length) s += '.' + [...el.classList].join('.');
  if (el.getAttribute('name')) s += `[name=${el.getAttribute('name')}]`;
  return s;
};"""

# Forms: required fields marked in text; error messages tied to their field; error summary links
# that lead somewhere; no positive tabindex that would break the reading order.
FORM_PROBLEMS = """() => {
  %s
  const problems = [];
  const controls = document.querySelectorAll(
    'input:not([type=hidden]):not([type=submit]):not([type=button]):not([type=image]), select, textarea');
  for (const c of controls) {
    const required = c.required || c.getAttribute('aria-required') === 'true';
    if (required) {
      const label = c.labels && c.labels[0];
      const fieldset = c.closest('fieldset');
      const marker = (label && label.querySelector('.required')) ||
                     (fieldset && fieldset.querySelector(':scope > legend .required'));
      if (!marker || !marker.textContent.trim()) problems.push('required, but not marked in text: ' + describe(c));
    }
  }
  for (const el of document.querySelectorAll('[aria-describedby]')) {
    for (const id of el.getAttribute('aria-describedby').split(/\\s+/).filter(Boolean)) {
      if (!document.getElementById(id)) problems.push(`aria-describedby of ${describe(el)} names a missing #${id}`);
    }
  }
  for (const error of document.querySelectorAll('main .field .error')) {
    const tied = error.id && [...document.querySelectorAll('[aria-describedby]')].some(
      el => el.getAttribute('aria-describedby').split(/\\s+/).includes(error.id));
    if (!tied) problems.push('error message not tied to its field with aria-describedby: ' + error.textContent.trim());
  }
  const summaryTargets = new Set();
  for (const a of document.querySelectorAll('.error-summary a[href^="#"]')) {
    const id = decodeURIComponent(a.getAttribute('href').slice(1));
    if (!document.getElementById(id)) problems.push('the error summary links to a missing #' + id);
    summaryTargets.add(id);
  }
  for (const f of document.querySelectorAll('main .field.has-error')) {
    const control = f.matches('fieldset') ? f : f.querySelector('input, select, textarea');
    if (control && control.id && !summaryTargets.has(control.id))
      problems.push('a field with an error is not listed (linked) in the error summary: #' + control.id);
  }
  for (const el of document.querySelectorAll('[tabindex]')) {
    if (parseInt(el.getAttribute('tabindex'), 10) > 0) problems.push('positive tabindex on ' + describe(el));
  }
  return problems;
}""" % DESCRIBE

# Horizontal overflow of the document, with the widest offenders named to help fixing them.
MEASURE = """() => {
  %s
  const root = document.documentElement, cw = root.clientWidth;
  const scrollable = (el) => { for (let p = el.parentElement; p; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const offenders = [];
  if (root.scrollWidth > cw) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.width && (r.right > cw + 1 || r.left < -1) && !scrollable(el)) offenders.push(describe(el) + ` (${Math.round(r.left)}–${Math.round(r.right)})`);
      if (offenders.length >= 6) break;
    }
  }
  const clipped = [];
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName)) continue;
    const clipX = ['hidden', 'clip'].includes(cs.overflowX), clipY = ['hidden', 'clip'].includes(cs.overflowY);
    if ((clipX && el.scrollWidth > el.clientWidth + 1) || (clipY && el.scrollHeight > el.clientHeight + 1))
      clipped.push(describe(el));
  }
  return {scrollWidth: root.scrollWidth, clientWidth: cw, offenders, clipped,
          rootFont: getComputedStyle(root).fontSize, lang: root.lang, dir: root.dir};
}""" % DESCRIBE

# Forms worth sending empty: a post form in <main> with a required text field (so nothing can change).
EMPTY_FORM_CANDIDATES = """() => [...document.querySelectorAll('main form')].map((form, index) => {
  if ((form.getAttribute('method') || '').toLowerCase() !== 'post' || form.classList.contains('inline-form')) return -1;
  const texts = [...form.querySelectorAll('input[type=text], input[type=email], input[type=password], input[type=url], input:not([type]), textarea')];
  const requiredText = texts.some(t => { const l = t.labels && t.labels[0]; return l && l.querySelector('.required'); });
  return requiredText ? index : -1;
}).filter(i => i >= 0)"""

CLEAR_FORM = """(index) => {
  const form = document.querySelectorAll('main form')[index];
  for (const t of form.querySelectorAll('input[type=text], input[type=email], input[type=password], input[type=url], input:not([type]), textarea')) t.value = '';
}"""


@dataclass
class PageResult:
    name: str
    lang: str
    url: str
    status: int
    as_admin: bool
    html_file: Path
    axe: list = field(default_factory=list)
    form_problems: list = field(default_factory=list)
    narrow: dict = field(default_factory=dict)
    large_text: dict = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.lang} {self.name} ({self.url}, HTTP {self.status}{', as administrator' if self.as_admin else ''})"


class Scanner:
    """Loads each page once per language and runs every check on it; results are cached."""

    def __init__(self, site, visitor_context, admin_context, axe_source: str, html_dir: Path, screenshots: Path):
        self.site = site
        self.axe_source = axe_source
        self.html_dir = html_dir
        self.screenshots = screenshots
        self.visitor = visitor_context.new_page()
        self.admin = admin_context.new_page()
        self.cdp = {id(p): p.context.new_cdp_session(p) for p in (self.visitor, self.admin)}
        self.pages, self.missing = discover(site)
        self.results: dict[str, list[PageResult]] = {}
        self.staff_pages: set[str] = set()  # learnt in the first language: opened as administrator

    # --- the pass over one language ---------------------------------------------------------

    def scan(self, lang: str) -> list[PageResult]:
        if lang not in self.results:
            self.results[lang] = self._scan(lang)
        return self.results[lang]

    def all_results(self) -> list[PageResult]:
        return [r for lang in self.site.languages for r in self.scan(lang)]

    def _scan(self, lang: str) -> list[PageResult]:
        full = lang in FULL_LANGUAGES
        results: list[PageResult] = []
        seen: set[str] = set()
        forms_to_send: list[tuple[PageSpec, bool, list[int]]] = []
        for spec in self.pages:
            if not full and spec.name not in MAIN_PAGES:
                continue
            as_admin = spec.name in self.staff_pages
            page = self.admin if as_admin else self.visitor
            url = self.site.url(lang, spec.path)
            response = page.goto(url)
            sent_to_login = "/account/login" in page.url and "/account/login" not in url
            if not as_admin and not spec.expect_error and (response.status in (401, 403, 404) or sent_to_login):
                page, as_admin = self.admin, True  # a staff or account page
                self.staff_pages.add(spec.name)
                response = page.goto(url)
            final = urldefrag(page.url)[0]
            if final in seen:
                continue
            seen.add(final)
            results.append(self.check(page, response, spec.name, lang, as_admin))
            if full:
                candidates = page.evaluate(EMPTY_FORM_CANDIDATES)
                if candidates:
                    forms_to_send.append((spec, as_admin, candidates))

        results += self._contribution_flow(lang)
        if full:
            for spec, as_admin, indexes in forms_to_send:
                if spec.name == "contributions.contribute":
                    continue  # done by the contribution flow
                page = self.admin if as_admin else self.visitor
                for index in indexes:
                    page.goto(self.site.url(lang, spec.path))
                    page.evaluate(CLEAR_FORM, index)
                    with page.expect_navigation() as navigation:
                        page.locator("main form").nth(index).locator(SUBMIT).last.click()
                    results.append(self.check(page, navigation.value, f"{spec.name} (sent empty, form {index + 1})",
                                              lang, as_admin))
            # The header and pages as they look to someone logged in.
            response = self.admin.goto(self.site.url(lang, "/"))
            results.append(self.check(self.admin, response, "consultations.home (logged in)", lang, True))
        return results

    def _contribution_flow(self, lang: str) -> list[PageResult]:
        """The form sent empty (errors), then with the required answer (thanks page)."""
        page = self.visitor
        page.goto(self.site.url(lang, f"/consultations/{self.site.samples['slug']}/contribute"))
        with page.expect_navigation() as navigation:
            page.locator("main form").last.locator(SUBMIT).last.click()
        results = [self.check(page, navigation.value, "contribute-errors", lang, False)]
        for textarea in page.locator("main form textarea").all():
            if textarea.get_attribute("aria-invalid") == "true":
                textarea.fill("Mehr Bänke im Park – more benches in the park – المزيد من المقاعد")
        with page.expect_navigation() as navigation:
            page.locator("main form").last.locator(SUBMIT).last.click()
        results.append(self.check(page, navigation.value, "thanks", lang, False))
        return results

    # --- the checks on one loaded page ------------------------------------------------------

    def check(self, page, response, name: str, lang: str, as_admin: bool) -> PageResult:
        status = response.status if response is not None else 0
        html_file = self.html_dir / f"{file_name(lang, name)}.html"
        html_file.write_bytes(response.body() if response is not None else b"")
        result = PageResult(name=name, lang=lang, url=page.url, status=status, as_admin=as_admin, html_file=html_file)
        page.evaluate(self.axe_source)
        result.axe = page.evaluate(RUN_AXE, AXE_TAGS)
        result.form_problems = page.evaluate(FORM_PROBLEMS)
        shot = SCREENSHOT_PAGES.get(name) if lang in SCREENSHOT_LANGUAGES else None
        if shot:
            page.screenshot(path=str(self.screenshots / f"{lang}-{shot}-1280.png"), full_page=True)
        page.set_viewport_size(NARROW)
        result.narrow = page.evaluate(MEASURE)
        if shot:
            page.screenshot(path=str(self.screenshots / f"{lang}-{shot}-320.png"), full_page=True)
        page.set_viewport_size(WIDE)
        cdp = self.cdp[id(page)]
        cdp.send("Page.setFontSizes", {"fontSizes": LARGE_FONTS})
        try:
            result.large_text = page.evaluate(MEASURE)
        finally:
            cdp.send("Page.setFontSizes", {"fontSizes": DEFAULT_FONTS})
        return result


def run_vnu(jar: Path, files: list[Path]) -> list[dict]:
    """The Nu Html Checker's errors for ``files`` (one JVM for all of them)."""
    done = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, files)],
                          capture_output=True, text=True, timeout=300)
    if not done.stderr.strip():
        return []
    try:
        report = json.loads(done.stderr)
    except json.JSONDecodeError as error:
        raise AssertionError(f"vnu gave no JSON (exit {done.returncode}): {done.stderr[:2000]}") from error
    return [m for m in report.get("messages", []) if m.get("type") in ("error", "non-document-error")]
