"""Catalogue maintenance for translators.

  python scripts/catalogue.py missing LANG            # untranslated/fuzzy msgids as JSON
  python scripts/catalogue.py apply LANG FILE.json    # set msgstr from {msgid: str | [plural forms]}
  python scripts/catalogue.py fill-source en          # English is the source language: msgstr = msgid
"""
from __future__ import annotations

import io
import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent / "translations"


def _path(lang: str) -> Path:
    return ROOT / lang / "LC_MESSAGES" / "messages.po"


def _read(lang: str):
    with _path(lang).open("rb") as handle:
        return read_po(handle, locale=lang)


def _write(lang: str, catalogue) -> None:
    buffer = io.BytesIO()  # write fully first, so an error never leaves half a catalogue
    write_po(buffer, catalogue, width=100, omit_header=False, sort_output=True, include_previous=False)
    _path(lang).write_bytes(buffer.getvalue())


def _is_plural(message) -> bool:
    return isinstance(message.id, (list, tuple))


def _untranslated(message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return message.fuzzy or not all(strings)


def missing(lang: str) -> None:
    catalogue = _read(lang)
    out = {}
    for message in catalogue:
        if message.id and _untranslated(message):
            key = message.id[0] if _is_plural(message) else message.id
            out[key] = list(message.id) if _is_plural(message) else ""
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    print()


def apply(lang: str, source: str) -> None:
    catalogue = _read(lang)
    translations = json.loads(Path(source).read_text(encoding="utf-8"))
    applied = 0
    for message in catalogue:
        if not message.id:
            continue
        key = message.id[0] if _is_plural(message) else message.id
        if key in translations and translations[key]:
            value = translations[key]
            if _is_plural(message) != isinstance(value, list):
                raise SystemExit(f"{key!r}: give a list of plural forms exactly for plural messages")
            if _is_plural(message) and len(value) != catalogue.num_plurals:
                raise SystemExit(f"{key!r}: {lang} needs {catalogue.num_plurals} plural forms, got {len(value)}")
            message.string = tuple(value) if _is_plural(message) else value
            message.flags.discard("fuzzy")
            applied += 1
    _write(lang, catalogue)
    left = sum(1 for m in catalogue if m.id and _untranslated(m))
    print(f"{lang}: {applied} messages set, {left} still untranslated")


def fill_source(lang: str) -> None:
    catalogue = _read(lang)
    for message in catalogue:
        if message.id and _untranslated(message):
            message.string = tuple(message.id) if _is_plural(message) else message.id
            message.flags.discard("fuzzy")
    _write(lang, catalogue)


if __name__ == "__main__":
    command, *args = sys.argv[1:]
    {"missing": missing, "apply": apply, "fill-source": fill_source}[command](*args)
