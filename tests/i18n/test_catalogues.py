"""Every interface language ships a complete catalogue: every message in the code is in it,
translated, not fuzzy, with the same placeholders."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from config import BASE_DIR, Config

TRANSLATIONS = BASE_DIR / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}
METHODS = [("app/**.py", "python"), ("app/**/templates/**.html", "jinja2")]


@pytest.fixture(scope="module")
def source_messages() -> set[str]:
    found: set[str] = set()
    for filename, lineno, message, comments, context in extract_from_dir(
            str(BASE_DIR), method_map=METHODS, keywords=KEYWORDS,
            options_map={"app/**/templates/**.html": {"extensions": "jinja2.ext.i18n"}}):
        found.add(message[0] if isinstance(message, tuple) else message)
    assert len(found) > 100  # the extraction itself works
    return found


def _catalogue(code: str):
    path = TRANSLATIONS / code / "LC_MESSAGES" / "messages.po"
    assert path.exists(), f"missing catalogue {path}"
    with path.open("rb") as handle:
        return read_po(handle, locale=code)


def _languages() -> list[str]:
    shipped = {p.name for p in TRANSLATIONS.iterdir() if (p / "LC_MESSAGES" / "messages.po").exists()}
    return sorted(shipped | set(Config.LANGUAGES))


@pytest.mark.parametrize("code", _languages())
def test_catalogue_is_complete(code, source_messages):
    catalogue = _catalogue(code)
    missing = sorted(m for m in source_messages if m not in catalogue or not catalogue[m].string)
    assert not missing, f"{code}: {len(missing)} messages missing or untranslated, e.g. {missing[:5]}"
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy, f"{code}: fuzzy messages {fuzzy[:5]}"
    empty = [m.id for m in catalogue if m.id and (not m.string or (isinstance(m.string, tuple) and not all(m.string)))]
    assert not empty, f"{code}: untranslated {empty[:5]}"
    wrong_plurals = [m.id for m in catalogue if m.id and m.pluralizable and len(m.string) != catalogue.num_plurals]
    assert not wrong_plurals, f"{code}: plural messages need {catalogue.num_plurals} forms: {wrong_plurals[:3]}"


@pytest.mark.parametrize("code", _languages())
def test_placeholders_match(code):
    catalogue = _catalogue(code)
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = _placeholders(ids[0])
        for string in strings:
            if string and _placeholders(string) != wanted:
                problems.append((ids[0], string))
    assert not problems, f"{code}: placeholder mismatch {problems[:3]}"


def _placeholders(text: str) -> set[str]:
    import re

    return set(re.findall(r"%\((\w+)\)[sd]", text))
