"""Content written by people in several languages, stored as ``{lang: text}`` dictionaries.

Consultation texts, action-field names and question prompts are data, not gettext messages.
"""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

SOURCE_LANGUAGE = "de"


@dataclass(frozen=True)
class LocalizedText:
    """A text in the language it is shown in, and whether that is a fallback."""

    text: str
    lang: str
    requested: str

    @property
    def is_fallback(self) -> bool:
        return self.lang != self.requested

    def __str__(self) -> str:
        return self.text

    def __bool__(self) -> bool:
        return bool(self.text)


def localize(values: dict | None, lang: str) -> LocalizedText:
    """Pick the text for ``lang``; fall back to German, then to any language present."""
    values = values or {}
    for code in (lang, SOURCE_LANGUAGE, *sorted(values)):
        text = (values.get(code) or "").strip()
        if text:
            return LocalizedText(text, code, lang)
    return LocalizedText("", lang, lang)


def clean_translations(values: dict[str, str | None]) -> dict[str, str]:
    """Drop empty entries and surrounding white space from a ``{lang: text}`` mapping."""
    return {code: text.strip() for code, text in values.items() if text and text.strip()}


def missing_languages(values: dict | None, languages: list[str]) -> list[str]:
    values = values or {}
    return [code for code in languages if not (values.get(code) or "").strip()]


def paragraphs(text: str) -> Markup:
    """Plain text with blank-line paragraphs and line breaks, escaped, as HTML."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>") + Markup("<br>").join(escape(line) for line in block.split("\n")) + Markup("</p>")
        for block in blocks
    )
