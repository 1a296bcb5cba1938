"""Languages the platform knows: interface languages and languages of contributions."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Language:
    code: str
    native_name: str
    direction: str = "ltr"

    @property
    def is_rtl(self) -> bool:
        return self.direction == "rtl"


# Interface languages the project can ship a catalogue for; config LANGUAGES picks the active ones.
KNOWN_LANGUAGES: dict[str, Language] = {
    lang.code: lang
    for lang in (
        Language("de", "Deutsch"),
        Language("en", "English"),
        Language("tr", "Türkçe"),
        Language("ar", "العربية", "rtl"),
        Language("ru", "Русский"),
        Language("uk", "Українська"),
        Language("pl", "Polski"),
        Language("fa", "فارسی", "rtl"),
    )
}

# Languages a contribution may be written in (ISO 639-1 where one exists, else 639-3).
CONTRIBUTION_LANGUAGES: dict[str, Language] = {
    **KNOWN_LANGUAGES,
    **{
        lang.code: lang
        for lang in (
            Language("fr", "Français"),
            Language("ro", "Română"),
            Language("bg", "Български"),
            Language("ku", "Kurdî"),
            Language("prs", "دری", "rtl"),
            Language("ti", "ትግርኛ"),
            Language("und", "—"),
        )
    },
}

RTL_CODES = frozenset(c for c, lang in CONTRIBUTION_LANGUAGES.items() if lang.is_rtl)


def direction(code: str | None) -> str:
    """Text direction for a language code; unknown codes are left to right."""
    return "rtl" if code in RTL_CODES else "ltr"
