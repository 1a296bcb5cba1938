"""Template globals and filters: languages, localized content, dates."""
from __future__ import annotations

from datetime import UTC, datetime

from babel.dates import format_date as babel_date
from babel.dates import format_time as babel_time
from flask import request, url_for
from flask_babel import format_date, format_datetime, get_locale, get_timezone

from app.core.enums import title_of
from app.core.timeutil import utc_to_local
from app.i18n.content import localize, paragraphs
from app.i18n.languages import CONTRIBUTION_LANGUAGES, KNOWN_LANGUAGES, direction
from app.i18n.locale import current_language


def register(app) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def inject():
        lang = current_language()
        return {
            "current_lang": lang,
            "current_dir": direction(lang),
            "interface_languages": [KNOWN_LANGUAGES[c] for c in app.config["LANGUAGES"]],
            "language_switch_url": language_switch_url,
        }

    app.jinja_env.globals["title_of"] = title_of
    app.jinja_env.filters["localize"] = lambda values: localize(values, current_language())
    app.jinja_env.filters["paragraphs"] = paragraphs
    app.jinja_env.filters["dir"] = direction
    app.jinja_env.filters["language_name"] = lambda code: (
        CONTRIBUTION_LANGUAGES[code].native_name if code in CONTRIBUTION_LANGUAGES else code
    )
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt) if value else ""
    app.jinja_env.filters["date"] = lambda value, fmt="medium": format_date(value, fmt) if value else ""
    app.jinja_env.filters["time_span"] = time_span
    app.jinja_env.filters["iso_local"] = lambda value: utc_to_local(value).isoformat(timespec="minutes") if value else ""


def time_span(start: datetime | None, end: datetime | None = None) -> str:
    """When something happens (an event), without seconds, in the reader's locale and the site's
    time zone: "11.12.2026, 16:00 – 18:30" on one day, both dates when it spans days. ``start`` and
    ``end`` are naive UTC, as stored."""
    if start is None:
        return ""
    locale, zone = get_locale(), get_timezone()
    glue = str(locale.datetime_formats["medium"])  # e.g. "{1}, {0}": {1} the date, {0} the time

    def local(value: datetime) -> datetime:
        return value.replace(tzinfo=UTC).astimezone(zone)

    def moment(value: datetime) -> tuple[str, str]:
        return (babel_date(local(value).date(), "medium", locale=locale),
                babel_time(local(value), "short", tzinfo=zone, locale=locale))

    day, time_from = moment(start)
    if end is None or end <= start:
        return glue.format(time_from, day)
    end_day, time_to = moment(end)
    if end_day == day:
        return glue.format(f"{time_from} – {time_to}", day)
    return f"{glue.format(time_from, day)} – {glue.format(time_to, end_day)}"


def language_switch_url(code: str) -> str:
    """The current page in another language, through the switch that remembers the choice."""
    target = url_for("consultations.home", lang=code)
    if request.endpoint and request.url_rule is not None and "lang" in request.url_rule.arguments \
            and request.method == "GET":
        args = dict(request.view_args or {})
        args["lang"] = code
        target = url_for(request.endpoint, **args)
        if request.query_string:
            target += "?" + request.query_string.decode("ascii", "replace")
    return url_for("i18n.switch", lang=code, next=target)
