"""Horizontal bar charts as data for server-rendered, accessible SVG (``analysis/chart_macros.html``).

A chart is drawn in a fixed coordinate system (``viewBox``) 300 units wide and scaled by CSS to the
width of the page (``width: 100%``, at most 24rem): on a 320 px phone it is shown at about its own
size, so its 13-unit labels stay about 12.5 px tall, and on a desktop at most about 17 px. Each bar has its label on a line above it and its
value at its end. For right-to-left pages the geometry is mirrored here (bars grow from the right,
labels are anchored at the right edge), so the template needs no arithmetic. The same figures are
always shown in a real table next to the chart; the SVG is a picture of that table.
"""
from __future__ import annotations

from dataclasses import dataclass

WIDTH = 300  # viewBox units (about the content width of a 320 px phone)
ROW = 46  # label line + bar + gap
LABEL_Y = 15  # baseline of the label within a row
BAR_Y = 21
BAR_HEIGHT = 16
VALUE_ROOM = 48  # room at the end of the longest bar for its value
PADDING = 4


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    display: str  # the value as shown (formatted for the locale)
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    id: str  # unique on the page: ids of <title> and <desc> derive from it
    title: str
    desc: str
    bars: tuple[Bar, ...]
    width: int
    height: int
    anchor: str  # text-anchor of the labels: "start" (LTR) or "end" (RTL)
    value_anchor: str
    direction: str


def bar_chart(chart_id: str, title: str, desc: str, rows, *, rtl: bool = False, display=str) -> Chart | None:
    """A chart of ``rows`` (``(label, value)`` pairs, values >= 0); None without rows.

    ``display`` formats a value for its text (e.g. ``flask_babel.format_number``)."""
    rows = [(str(label), float(value or 0)) for label, value in rows]
    if not rows:
        return None
    largest = max((v for _l, v in rows), default=0) or 1.0
    room = WIDTH - 2 * PADDING - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(rows):
        top = index * ROW
        width = room * value / largest
        if value > 0:
            width = max(width, 2.0)  # a small value stays visible
        x = WIDTH - PADDING - width if rtl else PADDING
        value_x = x - 6 if rtl else x + width + 6
        bars.append(Bar(label=label, value=value, display=display(value if not value.is_integer() else int(value)),
                        x=round(x, 1), y=top + BAR_Y, width=round(width, 1), height=BAR_HEIGHT,
                        label_x=WIDTH - PADDING if rtl else PADDING, label_y=top + LABEL_Y,
                        value_x=round(value_x, 1), value_y=top + BAR_Y + BAR_HEIGHT - 3))
    return Chart(id=chart_id, title=title, desc=desc, bars=tuple(bars), width=WIDTH, height=len(rows) * ROW,
                 anchor="end" if rtl else "start", value_anchor="end" if rtl else "start",
                 direction="rtl" if rtl else "ltr")


# --- the figures of a summary page: a table each, most with a chart ------------------------

@dataclass(frozen=True)
class Figure:
    """A table (caption, column headings, rows of ``(label, label_lang, cells)``) and its chart.
    ``note``: what was left out (suppressed groups), said next to the table."""

    id: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, str | None, tuple[str, ...]], ...]
    chart: Chart | None = None
    note: str | None = None


def _language_label(code: str) -> tuple[str, str | None]:
    from app.i18n.languages import CONTRIBUTION_LANGUAGES

    if code in CONTRIBUTION_LANGUAGES and code != "und":
        return CONTRIBUTION_LANGUAGES[code].native_name, code
    if code == "und":
        from flask_babel import gettext as _

        return _("Language not recognised"), None
    return code, None


def _channel_label(value: str) -> str:
    from app.contributions.models import Channel
    from app.core.enums import title_of

    return str(title_of(Channel(value)))


def _k_rows(field: str, block: dict, number) -> tuple[list, str | None]:
    from flask_babel import gettext as _

    from app.analysis.stats import value_label

    rows = [(value_label(field, v), None, (number(n),)) for v, n in block["groups"]]
    values = [n for _v, n in block["groups"]]
    note = None
    if block.get("other"):
        rows.append((_("Other (smaller groups merged)"), None, (number(block["other"]),)))
        values.append(block["other"])
    if block.get("other_suppressed"):
        note = _("Groups of fewer than %(k)d people are not shown.", k=5)
    return list(zip(rows, values)), note


def summary_figures(data: dict, lang: str, rtl: bool = False) -> dict:
    """The figures of :func:`app.analysis.stats.summary_stats` ``data`` for a page in ``lang``:
    ``{"participation": [Figure], "closed": [(question, [Figure])], "self_description": [Figure]}``."""
    from flask_babel import format_decimal, format_number, format_percent
    from flask_babel import gettext as _

    from app.analysis.stats import SELF_DESCRIPTION_FIELDS
    from app.i18n.content import localize

    total = data["contributions"] or 0

    def share(n):
        return format_percent(n / total, "#,##0 %") if total else "–"

    def figure(fid, caption, desc, labelled, headers=None, note=None):
        """``labelled``: ``[((label, lang, cells), value)]``."""
        chart = bar_chart(f"chart-{fid}", caption, desc, [(row[0], value) for row, value in labelled],
                          rtl=rtl, display=format_number)
        return Figure(id=fid, caption=caption, headers=tuple(headers or (_("Contributions"), _("Share"))),
                      rows=tuple(row for row, _v in labelled), chart=chart, note=note)

    def counted(pairs, label):
        return [((*label(key), (format_number(n), share(n))), n) for key, n in pairs]

    participation = [
        figure("channel", _("Contributions by channel"), _("Bar chart: the number of contributions per channel."),
               counted(data["by_channel"], lambda v: (_channel_label(v), None))),
        figure("language", _("Contributions by language"),
               _("Bar chart: the number of contributions per language."),
               counted(data["by_language"], _language_label)),
        figure("origin", _("Contributions by origin"),
               _("Bar chart: contributions on behalf of an organisation and from individuals."),
               counted([("organisation", data["by_origin"]["organisation"]),
                        ("individual", data["by_origin"]["individual"])],
                       lambda v: (_("On behalf of an organisation") if v == "organisation" else _("Individuals"), None))),
    ]
    district_rows, district_note = _k_rows("district", data["by_district"], format_number)
    participation.append(figure(
        "district", _("Contributions by district"), _("Bar chart: the number of contributions per district."),
        district_rows, headers=(_("Contributions"),),
        note=district_note))
    participation.append(figure("week", _("Contributions by week"),
                                _("Bar chart: the number of contributions per calendar week."),
                                counted(data["by_week"], lambda w: (w, None))))
    questions = [((localize(q["prompt"], lang).text, localize(q["prompt"], lang).lang,
                   (format_number(q["answers"]), share(q["answers"]))), q["answers"]) for q in data["by_question"]]
    participation.append(figure("question", _("Answers by question"),
                                _("Bar chart: the number of contributions that answered each question."), questions))

    closed = []
    for index, q in enumerate(data["closed_questions"], start=1):
        prompt = localize(q["prompt"], lang)
        figures = []
        answered = q["answers"] or 0

        def of(n):
            return format_percent(n / answered, "#,##0 %") if answered else "–"

        if q["kind"] == "scale":
            rows = [((str(v), None, (format_number(n), of(n))), n) for v, n in q["scale"]]
            figures.append(figure(f"q{index}", _("Answers on the scale from 1 to 5"),
                                  _("Bar chart: how many chose each value from 1 (do not agree) to 5 (agree)."), rows,
                                  headers=(_("Answers"), _("Share"))))
        else:
            labels = {o["id"]: localize(o["label"], lang) for o in q["options"]}
            rows = [((labels[o["id"]].text, labels[o["id"]].lang, (format_number(o["count"]), of(o["count"]))),
                     o["count"]) for o in q["options"]]
            figures.append(figure(f"q{index}", _("Answers per option"),
                                  _("Bar chart: how many chose each option."), rows, headers=(_("Answers"), _("Share"))))
        for dimension, caption in (("language", _("By language")), ("channel", _("By channel"))):
            block = q["groups"].get(dimension) or {"shown": [], "suppressed": 0}
            note = None
            if block["suppressed"]:
                note = _("%(num)d groups with fewer than 5 answers (or that would reveal one) are not shown.",
                         num=block["suppressed"])
            if not block["shown"]:
                figures.append(Figure(id=f"q{index}-{dimension}", caption=caption, headers=(), rows=(),
                                      note=note or _("Too few answers for a comparison.")))
                continue
            if q["kind"] == "scale":
                headers = (_("Answers"), *[str(v) for v in (1, 2, 3, 4, 5)], _("Mean"))
            else:
                headers = (_("Answers"), *[labels[o["id"]].text for o in q["options"]])
            rows = []
            for group in block["shown"]:
                label, glang = _language_label(group["value"]) if dimension == "language" else (
                    _channel_label(group["value"]), None)
                if q["kind"] == "scale":
                    cells = (format_number(group["answers"]), *[format_number(n) for _v, n in group["scale"]],
                             format_decimal(group["mean"], "0.0#") if group["mean"] is not None else "–")
                else:
                    cells = (format_number(group["answers"]), *[format_number(n) for _o, n in group["counts"]])
                rows.append((label, glang, cells))
            figures.append(Figure(id=f"q{index}-{dimension}", caption=caption, headers=headers, rows=tuple(rows),
                                  note=note))
        closed.append(({"prompt": prompt, "answers": answered, "kind": q["kind"],
                        "mean": q.get("mean")}, figures))

    self_description = []
    for field, block in data["self_description"]["fields"].items():
        rows, note = _k_rows(field, block, format_number)
        title = str(SELF_DESCRIPTION_FIELDS.get(field, field))
        self_description.append(figure(f"self-{field}", title,
                                       _("Bar chart: people per answer, in groups of at least 5."), rows,
                                       headers=(_("People"),), note=note))
    return {"participation": participation, "closed": closed, "self_description": self_description}
