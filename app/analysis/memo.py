"""The summary memo for a meeting of the working group, in German whatever the interface language,
as PDF (WeasyPrint) and DOCX (python-docx).

Both formats are written from one list of blocks (:func:`memo_blocks`), so they say the same:
title, scope, date; participation; closed questions; themes with size, share, languages and
3–5 quotes in the original with the German translation where one exists, and a theme's
machine-written summary marked as such where there is one (only when the scope's
latest summary run is approved; otherwise the memo says that the themes are not approved yet);
minority voices; statements of organisations; and what is new since a date.

WeasyPrint fetches nothing: the memo is built from a string, with a URL fetcher that refuses
every address (no file, no network).
"""
from __future__ import annotations

import io
from pathlib import Path
from dataclasses import dataclass, field
from datetime import date

from flask import render_template
from flask_babel import force_locale, format_date, format_decimal, format_number, format_percent
from flask_babel import gettext as _

from app.analysis import themes as theme_service
from app.analysis.stats import SELF_DESCRIPTION_FIELDS, summary_stats, value_label
from app.contributions.models import Channel
from app.core.enums import title_of
from app.core.timeutil import utc_to_local, utcnow
from app.i18n.content import localize
from app.i18n.languages import CONTRIBUTION_LANGUAGES, direction

QUOTES_MAX = 5
QUOTE_LENGTH = 600
PDF_MIMETYPE = "application/pdf"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@dataclass
class Block:
    """One piece of the memo. ``kind``: h1, h2, h3, p, note, table (``headers``, ``rows``),
    quote (``text`` in ``lang``, ``german`` translation or None, ``meta``), list (``items``)."""

    kind: str
    text: str = ""
    lang: str = "de"
    german: str | None = None
    meta: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)

    @property
    def dir(self) -> str:
        return direction(self.lang)


def _language(code: str) -> str:
    if code == "und":
        return _("Language not recognised")
    language = CONTRIBUTION_LANGUAGES.get(code)
    return f"{language.native_name} ({code})" if language else code


def _percent(n: int, total: int) -> str:
    return format_percent(n / total) if total else "–"


def _cut(text: str | None) -> str:
    text = (text or "").strip()
    return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH - 1].rstrip() + "…"


def _count_table(pairs, total: int, label) -> Block:
    return Block("table", headers=["", _("Contributions"), _("Share")],
                 rows=[[label(key), format_number(n), _percent(n, total)] for key, n in pairs])


def _approved_run(scope_key: str):
    run = theme_service.latest_run(scope_key, done=True)
    return run if run is not None and run.approved_at is not None else None


def memo_blocks(scope_key: str, *, scope_title: str, scope_text: str, since: date | None = None) -> list[Block]:
    """The memo as blocks, in German (call inside a request or app context)."""
    with force_locale("de"):
        return _blocks(scope_key, scope_title, scope_text, since)


def _blocks(scope_key: str, scope_title: str, scope_text: str, since: date | None) -> list[Block]:
    data = summary_stats(scope_key, since)
    total = data["contributions"]
    blocks = [
        Block("h1", _("Summary for the working group")),
        Block("p", scope_title),
        Block("table", headers=[_("Scope"), _("Date")], rows=[[scope_text, format_date(utc_to_local(utcnow()).date(), "long")]]),
    ]

    # Participation
    blocks.append(Block("h2", _("Participation")))
    blocks.append(Block("p", _("%(contributions)s published contributions from %(participants)s participants.",
                               contributions=format_number(total), participants=format_number(data["participants"]))))
    if data["first_at"] and data["last_at"]:
        first, last = (utc_to_local(_parse(data[k])).date() for k in ("first_at", "last_at"))
        blocks.append(Block("p", _("Received from %(start)s to %(end)s.", start=format_date(first, "long"),
                                   end=format_date(last, "long"))))
    blocks.append(Block("note", _("Participants: every signed-in person counts once; every contribution without an "
                                  "account counts as one person.")))
    blocks.append(Block("h3", _("By channel")))
    blocks.append(_count_table([p for p in data["by_channel"] if p[1]], total, lambda v: str(title_of(Channel(v)))))
    blocks.append(Block("h3", _("By language")))
    blocks.append(_count_table(data["by_language"], total, _language))
    blocks.append(Block("h3", _("By origin")))
    blocks.append(_count_table([("organisation", data["by_origin"]["organisation"]),
                                ("individual", data["by_origin"]["individual"])], total,
                               lambda v: _("On behalf of an organisation") if v == "organisation" else _("Individuals")))
    district = data["by_district"]
    rows = [[value_label("district", v), format_number(n)] for v, n in district["groups"]]
    if district["other"]:
        rows.append([_("Other (smaller groups merged)"), format_number(district["other"])])
    blocks.append(Block("h3", _("By district")))
    blocks.append(Block("table", headers=["", _("Contributions")], rows=rows))
    blocks.append(Block("note", _("Groups of fewer than %(k)d people are not shown.", k=data["min_group"])))
    self_description = data["self_description"]
    if self_description["people"] - self_description["answered_nothing"] > 0:
        blocks.append(Block("h3", _("Voluntary self-description")))
        for name, block in self_description["fields"].items():
            if not block["groups"]:
                continue
            rows = [[value_label(name, v), format_number(n)] for v, n in block["groups"]]
            if block["other"]:
                rows.append([_("Other (smaller groups merged)"), format_number(block["other"])])
            blocks.append(Block("table", headers=[str(SELF_DESCRIPTION_FIELDS.get(name, name)), _("People")], rows=rows))
        blocks.append(Block("note", _("Groups of fewer than %(k)d people are not shown.", k=data["min_group"])))

    # Closed questions
    if data["closed_questions"]:
        blocks.append(Block("h2", _("Closed questions")))
    for q in data["closed_questions"]:
        prompt = localize(q["prompt"], "de")
        blocks.append(Block("h3", prompt.text, lang=prompt.lang))
        answered = q["answers"]
        blocks.append(Block("p", _("%(num)s answers.", num=format_number(answered))))
        if q["kind"] == "scale":
            blocks.append(Block("table", headers=[_("Value"), _("Answers"), _("Share")],
                                rows=[[str(v), format_number(n), _percent(n, answered)] for v, n in q["scale"]]))
            if q.get("mean") is not None:
                blocks.append(Block("p", _("Mean: %(mean)s (1 = do not agree, 5 = agree).",
                                           mean=format_decimal(q["mean"], "0.0#"))))
        else:
            blocks.append(Block("table", headers=[_("Option"), _("Answers"), _("Share")],
                                rows=[[localize(o["label"], "de").text, format_number(o["count"]),
                                       _percent(o["count"], answered)] for o in q["options"]]))
        suppressed = sum(g["suppressed"] for g in q["groups"].values())
        for dimension, caption in (("language", _("By language")), ("channel", _("By channel"))):
            shown = q["groups"].get(dimension, {}).get("shown") or []
            if not shown:
                continue
            label = _language if dimension == "language" else (lambda v: str(title_of(Channel(v))))
            if q["kind"] == "scale":
                blocks.append(Block("table", headers=[caption, _("Answers"), _("Mean")],
                                    rows=[[label(g["value"]), format_number(g["answers"]),
                                           format_decimal(g["mean"], "0.0#") if g["mean"] is not None else "–"]
                                          for g in shown]))
            else:
                names = [localize(o["label"], "de").text for o in q["options"]]
                blocks.append(Block("table", headers=[caption, _("Answers"), *names],
                                    rows=[[label(g["value"]), format_number(g["answers"]),
                                           *[format_number(n) for _o, n in g["counts"]]] for g in shown]))
        if suppressed:
            blocks.append(Block("note", _("%(num)d groups with fewer than 5 answers (or that would reveal one) are not shown.",
                                          num=suppressed)))

    # Themes
    blocks.append(Block("h2", _("Themes")))
    run = _approved_run(scope_key)
    if run is None:
        blocks.append(Block("p", _("The themes of this scope have not been approved yet. They will be in the memo "
                                   "once the working group has approved a summary.")))
    else:
        overview = theme_service.overview(scope_key)
        blocks.append(Block("note", _("Summary approved on %(date)s.", date=format_date(utc_to_local(run.approved_at).date(), "long"))))
        consultation_id = theme_service.consultation_id_of(scope_key)
        if consultation_id is not None:  # only a consultation's summary can be public ("What we heard")
            public = theme_service.public_run(consultation_id)
            if public is not None and public.id == run.id:
                blocks.append(Block("note", _("Shown to every reader of the consultation page since %(date)s.",
                                              date=format_date(utc_to_local(run.published_at).date(), "long"))))
            else:
                blocks.append(Block("note", _("Not shown on the consultation page.")))
        blocks.extend(_theme_blocks(overview["main_themes"], overview["total"]))
        blocks.append(Block("h2", _("Minority voices")))
        if overview["minority_themes"]:
            blocks.extend(_theme_blocks(overview["minority_themes"], overview["total"]))
        else:
            blocks.append(Block("p", _("No small themes were found.")))

    # Statements
    blocks.append(Block("h2", _("Statements of organisations")))
    if data["statements"]:
        blocks.append(Block("table", headers=[_("Organisation"), _("Title"), _("Received")], rows=[
            [s["organisation"], s["title"], format_date(utc_to_local(_parse(s["created_at"])).date(), "medium")]
            for s in data["statements"]]))
    else:
        blocks.append(Block("p", _("No statements.")))

    # New since
    new = data["new_since"]
    if new is not None:
        blocks.append(Block("h2", _("New since %(date)s", date=format_date(date.fromisoformat(new["since"]), "long"))))
        blocks.append(Block("p", _("%(num)s new contributions.", num=format_number(new["count"]))))
        if new["by_language"]:
            blocks.append(_count_table(new["by_language"], new["count"], _language))
        if new["by_theme"]:
            blocks.append(Block("table", headers=[_("Theme"), _("Contributions")],
                                rows=[[label, format_number(n)] for label, n in new["by_theme"]]))
    return blocks


def _parse(iso: str):
    from datetime import datetime

    return datetime.fromisoformat(iso.rstrip("Z"))


def abstract_label(model: str | None) -> str:
    """The note above a machine-written summary of a theme (in the current locale)."""
    return _("Machine-written summary (model %(model)s) – check it against the quotes.", model=model or "–")


def _theme_blocks(items, total: int) -> list[Block]:
    blocks = []
    for t in items:
        blocks.append(Block("h3", t["label"]))
        languages = ", ".join(f"{_language(code)}: {n}" for code, n in t["language_counts"]) or "–"
        blocks.append(Block("p", _("%(size)s contributions (%(share)s of all). Languages: %(languages)s.",
                                   size=format_number(t["size"]), share=format_percent(t["share"]),
                                   languages=languages)))
        if t.get("abstract"):
            blocks.append(Block("note", abstract_label(t["abstract_model"])))
            blocks.append(Block("p", t["abstract"]))
        for q in t["representatives"][:QUOTES_MAX]:
            blocks.append(Block("quote", _cut(q["text"]), lang=q["language"] if q["language"] != "und" else "",
                                german=_cut(q["german"]) if q.get("german") else None,
                                meta=_("Contribution %(number)s", number=q["id"])))
    return blocks


# --- rendering ----------------------------------------------------------------------------

def _refuse(url: str, *args, **kwargs):
    raise ValueError("the memo loads no resources")


def memo_pdf(blocks: list[Block], title: str) -> bytes:
    import weasyprint

    with force_locale("de"):
        html = render_template("analysis/memo.html", blocks=blocks, title=title)
    css = weasyprint.CSS(string=(Path(__file__).parent / "templates" / "analysis" / "memo.css").read_text("utf-8"),
                         url_fetcher=_refuse)
    return weasyprint.HTML(string=html, base_url=None, url_fetcher=_refuse).write_pdf(stylesheets=[css])


def _rtl(paragraph, lang: str) -> None:
    """Mark a paragraph and its runs as right-to-left in ``lang`` (python-docx has no API for it)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    paragraph._p.get_or_add_pPr().append(OxmlElement("w:bidi"))
    for run in paragraph.runs:
        rpr = run._r.get_or_add_rPr()
        rpr.append(OxmlElement("w:rtl"))
        language = OxmlElement("w:lang")
        language.set(qn("w:bidi"), lang)
        rpr.append(language)


def memo_docx(blocks: list[Block], title: str) -> bytes:
    from docx import Document

    document = Document()
    document.core_properties.title = title
    document.core_properties.language = "de-DE"
    for block in blocks:
        if block.kind in ("h1", "h2", "h3"):
            paragraph = document.add_heading(block.text, level=int(block.kind[1]) - 1 if block.kind != "h1" else 0)
        elif block.kind in ("p", "note"):
            paragraph = document.add_paragraph(block.text)
            if block.kind == "note":
                for run in paragraph.runs:
                    run.italic = True
        elif block.kind == "table":
            table = document.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.headers):
                cell.text = text
                for run in cell.paragraphs[0].runs:
                    run.bold = True
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row):
                    cell.text = text
            document.add_paragraph()
            continue
        elif block.kind == "quote":
            paragraph = document.add_paragraph(block.text, style="Quote")
            if block.dir == "rtl":
                _rtl(paragraph, block.lang)
            if block.german:
                document.add_paragraph(_german_label() + ": " + block.german, style="Quote")
            document.add_paragraph(block.meta)
            continue
        else:
            continue
        if block.dir == "rtl":
            _rtl(paragraph, block.lang)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _german_label() -> str:
    with force_locale("de"):
        return _("German translation")
