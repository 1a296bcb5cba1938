"""Every contribution of a scope as a spreadsheet (XLSX, CSV) for the working group.

One row per *published* contribution of the scope, with its theme (of that scope), codes,
language, channel, organisation, the original text, the current German translation with its
source, the other current translations, and the answers to closed questions. Column names are
German whatever the interface language (the working group meets in German; the memo is German
too). Cells go through :mod:`app.core.spreadsheets`: text beginning with ``=``, ``+``, ``-``,
``@`` (or a tab, a carriage return) gets a leading apostrophe and is never run as a formula.

CSV: UTF-8 with a byte-order mark and ``;`` between the fields, as spreadsheet programs set to
German open it directly (with ``,`` they would put each row into one cell); fields with ``;``,
quotes or line breaks are quoted.
"""
from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.analysis.models import Code, Theme, ThemeAssignment, contribution_codes
from app.analysis.themes import scope_clause
from app.consultations.models import Consultation, QuestionKind
from app.contributions.models import Answer, Contribution
from app.core.enums import title_of
from app.core.spreadsheets import write_csv, write_xlsx
from app.core.timeutil import utc_to_local
from app.extensions import db
from app.i18n.content import localize

CHUNK = 500
CSV_DELIMITER = ";"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


def headers() -> list[str]:
    """The column names, in German."""
    with force_locale("de"):
        return [_("Number"), _("Consultation"), _("Received"), _("Channel"), _("Language"), _("Organisation"),
                _("Text (original)"), _("German translation"), _("Source of the translation"),
                _("Other translations"), _("Theme"), _("Codes"), _("Answers to closed questions")]


def _themes(scope_key: str, ids: list[int]) -> dict[int, str]:
    return dict(db.session.execute(
        sa.select(ThemeAssignment.contribution_id, Theme.label).join(Theme, Theme.id == ThemeAssignment.theme_id)
        .where(ThemeAssignment.scope_key == scope_key, ThemeAssignment.contribution_id.in_(ids))).all())


def _codes(ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = defaultdict(list)
    for contribution_id, name in db.session.execute(
            sa.select(contribution_codes.c.contribution_id, Code.name)
            .join(Code, Code.id == contribution_codes.c.code_id)
            .where(contribution_codes.c.contribution_id.in_(ids)).order_by(Code.name)).all():
        found[contribution_id].append(name)
    return found


def _translation_source(translation) -> str:
    source = str(title_of(translation.source))
    if translation.provider or translation.model:
        source += f" ({', '.join(p for p in (translation.provider, translation.model) if p)})"
    if translation.source.value == "machine" and translation.reviewed:
        source += ", " + _("checked by a person")
    return source


def _closed_answers(contribution: Contribution) -> str:
    parts = []
    for answer in contribution.ordered_answers():
        question = answer.question
        if question.kind is QuestionKind.SCALE and answer.scale_value is not None:
            value = str(answer.scale_value)
        elif question.kind.has_options and answer.choices:
            value = ", ".join(localize(o.label, "de").text for o in answer.choices)
        else:
            continue
        parts.append(f"{localize(question.prompt, 'de').text}: {value}")
    return "\n".join(parts)


def export_rows(scope_key: str):
    """The rows of the export (German labels), in the order of the contributions' numbers."""
    ids = list(db.session.scalars(sa.select(Contribution.id).where(scope_clause(scope_key)).order_by(Contribution.id)))
    slugs = dict(db.session.execute(sa.select(Consultation.id, Consultation.slug)).all()) if ids else {}
    with force_locale("de"):
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            themes, codes = _themes(scope_key, chunk), _codes(chunk)
            contributions = db.session.scalars(
                sa.select(Contribution).where(Contribution.id.in_(chunk)).order_by(Contribution.id).options(
                    selectinload(Contribution.translations), selectinload(Contribution.organisation),
                    selectinload(Contribution.answers).selectinload(Answer.choices),
                    selectinload(Contribution.answers).selectinload(Answer.question))).all()
            for c in contributions:
                german = c.current_translation("de") if c.language != "de" else None
                others = sorted({t.language for t in c.translations if t.is_current and t.language != "de"})
                other_text = "\n\n".join(f"[{lang}] {c.current_translation(lang).text}" for lang in others)
                yield [
                    c.id, slugs.get(c.consultation_id, ""),
                    utc_to_local(c.created_at).isoformat(sep=" ", timespec="minutes"),
                    str(title_of(c.channel)), c.language,
                    c.organisation.name if c.organisation is not None else "",
                    c.text, german.text if german is not None else "",
                    _translation_source(german) if german is not None else "", other_text,
                    themes.get(c.id, ""), ", ".join(codes.get(c.id, [])), _closed_answers(c),
                ]


def export_xlsx(scope_key: str) -> bytes:
    with force_locale("de"):
        title = _("Contributions")
    return write_xlsx(export_rows(scope_key), headers(), sheet_title=title)


def export_csv(scope_key: str) -> bytes:
    return write_csv(export_rows(scope_key), headers(), delimiter=CSV_DELIMITER, bom=True)
