"""Choosing the interface language of a request and keeping it in URLs."""
from __future__ import annotations

from flask import current_app, g, request
from werkzeug.routing import BaseConverter

LANG_COOKIE = "lang"


def supported() -> list[str]:
    return current_app.config["LANGUAGES"]


def default_language() -> str:
    return supported()[0]


def preferred_language() -> str:
    """The remembered choice (cookie), else the best Accept-Language match, else the default."""
    remembered = request.cookies.get(LANG_COOKIE)
    if remembered in supported():
        return remembered
    return request.accept_languages.best_match(supported()) or default_language()


def _language_in_path() -> str | None:
    """The language prefix of the requested path, also when no route matched (a 404 page)."""
    first = request.path.lstrip("/").split("/", 1)[0]
    return first if first in supported() else None


def select_locale() -> str:
    """Flask-Babel locale selector: the URL prefix wins, then the visitor's preference."""
    return current_language()


def current_language() -> str:
    if g.get("lang"):
        return g.lang
    if request:
        return _language_in_path() or preferred_language()
    return default_language()


class LanguageConverter(BaseConverter):
    """Matches only the configured interface languages, so ``/xx/...`` is a 404."""

    def __init__(self, url_map, *args, **kwargs):
        super().__init__(url_map)
        self.regex = "[a-z]{2,3}"

    def to_python(self, value: str) -> str:
        from werkzeug.routing import ValidationError

        if value not in current_app.config["LANGUAGES"]:
            raise ValidationError()
        return value


def init_url_language(app) -> None:
    """Pop ``lang`` from URL values into ``g`` and add it back when building URLs."""
    app.url_map.converters["lang"] = LanguageConverter

    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        if values and "lang" in values:
            g.lang = values.pop("lang")

    @app.url_defaults
    def add_lang(endpoint, values):
        if "lang" in values or not endpoint:
            return
        if app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = current_language()
