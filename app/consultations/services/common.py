"""What every staff operation shares: the two errors, limits, and checks of translated texts."""
from __future__ import annotations

import re

from flask import current_app
from flask_babel import lazy_gettext as _l

from app.consultations import permissions
from app.i18n.content import SOURCE_LANGUAGE, missing_languages

SLUG_RE = re.compile(r"[a-z0-9][a-z0-9-]{1,78}[a-z0-9]")
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
TITLE_MAX, SUMMARY_MAX, BODY_MAX, DISTRICT_MAX = 200, 500, 20_000, 120
PROMPT_MAX, HELP_MAX, OPTION_MAX, MIN_OPTIONS, MAX_OPTIONS = 1000, 1000, 200, 2, 30
FIELD_NAME_MAX, FIELD_DESCRIPTION_MAX, POSITION_MAX = 200, 2000, 999

CHOICE_MESSAGE = _l("Please choose one of the options offered.")
CONTROL_MESSAGE = _l("Please remove the invisible control characters from this text.")
LANGUAGE_MESSAGE = _l("Texts can only be given in the interface languages of this site.")


class InvalidInput(Exception):
    """Input that breaks a rule; ``errors`` maps a field key (``"slug"``, ``"title.de"``) to a message."""

    def __init__(self, errors: dict[str, object]):
        super().__init__(", ".join(errors))
        self.errors = errors


class ActionRefused(Exception):
    """An action the current state does not allow; ``message`` says why."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def require_manager(actor) -> None:
    """Refuse staff operations to anyone but administrators (the views already answer 404)."""
    if not permissions.can_manage_consultations(actor):
        raise PermissionError("only administrators may run staff operations")


def content_languages() -> list[str]:
    """Languages staff write content in: German (the source language) first, then the interface languages."""
    return list(dict.fromkeys([SOURCE_LANGUAGE, *current_app.config["LANGUAGES"]]))


def missing_translations(*texts: dict | None) -> list[str]:
    """Languages lacking a translation of any of ``texts`` that exists in German."""
    missing: dict[str, None] = {}
    for values in texts:
        if values and (values.get(SOURCE_LANGUAGE) or "").strip():
            missing.update(dict.fromkeys(missing_languages(values, content_languages())))
    return list(missing)


def clean(value: str | None) -> str:
    """Text with unified line breaks and without surrounding white space."""
    return (value or "").replace("\r\n", "\n").replace("\r", "\n").strip()


def too_long(maximum: int):
    return _l("Please use at most %(max)d characters.", max=maximum)


def translations(errors: dict, key: str, values: dict | None, maximum: int, required: bool = False) -> dict[str, str]:
    """Checked ``{lang: text}`` without empty entries; problems are added to ``errors``."""
    languages = content_languages()
    cleaned: dict[str, str] = {}
    for code, raw in (values or {}).items():
        text = clean(raw)
        if not text:
            continue
        if code not in languages:
            errors.setdefault(key, LANGUAGE_MESSAGE)
        elif CONTROL_RE.search(text):
            errors[f"{key}.{code}"] = CONTROL_MESSAGE
        elif len(text) > maximum:
            errors[f"{key}.{code}"] = too_long(maximum)
        else:
            cleaned[code] = text
    if required and SOURCE_LANGUAGE not in cleaned:
        errors.setdefault(f"{key}.{SOURCE_LANGUAGE}", _l("The German text is required."))
    return cleaned
