"""Which pages the browser tests visit: every GET page under ``/<lang>/`` found in the app's URL
map (so new pages are checked as soon as they exist), filled with sample arguments, plus pages
that only a particular state shows (closed consultation, invalid token, 404)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from flask import url_for

# Endpoints that are not pages of their own.
SKIP_ENDPOINTS = {
    "i18n.switch",  # only redirects to the same page in another language (the keyboard test uses it)
    "contributions.thanks",  # reached by sending the contribution form (a flow of the scan)
    "statements.attachment",  # a PDF download, not a page
    "offline.export_csv", "offline.export_xlsx",  # file downloads, not pages
    "analysis.consultation_export", "analysis.field_export",  # file downloads (XLSX, CSV), not pages
    "analysis.consultation_memo", "analysis.field_memo",  # file downloads (PDF, DOCX), not pages
}

# The main public pages, checked in every interface language; all others in FULL_LANGUAGES.
MAIN_PAGES = {
    "consultations.home", "consultations.action_fields", "consultations.index", "consultations.detail",
    "contributions.contribute", "contribute-errors", "thanks", "pages.accessibility", "accounts.login",
}
FULL_LANGUAGES = ("de", "ar")

# Page name -> screenshot name, taken at 320 and 1280 px in SCREENSHOT_LANGUAGES.
SCREENSHOT_PAGES = {
    "consultations.home": "home",
    "consultations.index": "consultations",
    "consultations.detail": "consultation",
    "contributions.contribute": "contribute",
    "contribute-errors": "contribute-errors",
    "thanks": "thanks",
    "pages.accessibility": "accessibility",
    "staff.dashboard": "staff-dashboard",
}
SCREENSHOT_LANGUAGES = ("de", "ar")


@dataclass(frozen=True)
class PageSpec:
    name: str  # the endpoint, or a name for a page reached by a particular path
    path: str  # below /<lang>
    expect_error: bool = False  # a deliberate 4xx page (shown as it is, not retried as administrator)


def discover(site) -> tuple[list[PageSpec], list[str]]:
    """Every GET page under /<lang>/ with sample arguments, and the endpoints without a sample."""
    app = site.app
    lang = site.languages[0]
    pages: list[PageSpec] = []
    missing: list[str] = []
    with app.test_request_context():
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
            if "GET" not in (rule.methods or ()) or not rule.rule.startswith("/<lang:lang>"):
                continue
            if rule.endpoint in SKIP_ENDPOINTS:
                continue
            overrides = site.endpoint_args.get(rule.endpoint, {})
            args, unknown = {}, []
            for name in sorted(rule.arguments - {"lang"}):
                if name in overrides:
                    args[name] = overrides[name]
                elif name in site.samples:
                    args[name] = site.samples[name]
                else:
                    unknown.append(name)
            if unknown:
                missing.append(f"{rule.endpoint} ({rule.rule}): no sample value for "
                               + ", ".join(f"<{n}>" for n in unknown)
                               + " – add one to Site.samples or endpoint_args in tests/browser/conftest.py")
                continue
            path = url_for(rule.endpoint, lang=lang, **args)
            pages.append(PageSpec(rule.endpoint, path[len(lang) + 1:]))
    pages += [PageSpec(name, path, expect_error=True) for name, path in site.extra_paths.items()]
    return pages, missing


def file_name(lang: str, name: str) -> str:
    return f"{lang}-{re.sub(r'[^A-Za-z0-9]+', '-', name).strip('-')}"
