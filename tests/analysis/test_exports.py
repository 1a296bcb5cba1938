"""Exports of a summary: XLSX and CSV of every contribution, the memo as PDF and DOCX."""
from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from app.analysis.models import AnalysisRun, Code, RunStatus, Theme, ThemeAssignment, contribution_codes
from app.analysis.themes import consultation_scope
from app.consultations.models import ActionField
from app.contributions.models import ContributionTranslation, TranslationSource
from app.core.timeutil import utcnow
from app.extensions import db
from tests.analysis.test_stats import QUESTIONS, add
from tests.factories import make_consultation

FORMULA = '=HYPERLINK("http://evil.example","klick")'


@pytest.fixture()
def world(seeded):
    field = db.session.query(ActionField).filter_by(slug="language").one()
    consultation = make_consultation(questions=QUESTIONS, action_fields=[field])
    german = [add(consultation, choice=0, scale=4, created=datetime(2025, 3, 3, 10),
                  text=f"Mehr Sprachkurse am Abend {i}") for i in range(5)]
    arabic = add(consultation, language="ar", choice=1, scale=2, text="نحتاج إلى مزيد من دورات اللغة في المساء")
    db.session.add(ContributionTranslation(contribution=arabic, language="de", source_language="ar",
                                           text="Wir brauchen mehr Sprachkurse am Abend", source=TranslationSource.MACHINE,
                                           provider="libretranslate"))
    evil = add(consultation, text=FORMULA)
    scope = consultation_scope(consultation)
    theme = Theme(scope_key=scope, label="Sprachkurse", representative_ids=[arabic.id, german[0].id, german[1].id])
    db.session.add(theme)
    db.session.flush()
    db.session.add_all(ThemeAssignment(scope_key=scope, theme_id=theme.id, contribution_id=c.id)
                       for c in [*german, arabic])
    code = Code(name="Abendangebote")
    db.session.add(code)
    db.session.flush()
    db.session.execute(contribution_codes.insert().values(contribution_id=arabic.id, code_id=code.id))
    run = AnalysisRun(scope_key=scope, consultation_id=consultation.id, status=RunStatus.DONE, progress=100,
                      finished_at=utcnow())
    db.session.add(run)
    db.session.commit()
    return {"consultation": consultation, "arabic": arabic, "evil": evil, "run": run, "theme": theme}


def de(text: str) -> str:
    with force_locale("de"):
        return _(text)


def test_xlsx(client, login_as, world):
    from openpyxl import load_workbook

    login_as("working_group")
    response = client.get(f"/en/analysis/consultations/{world['consultation'].slug}/export.xlsx")
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    headers = list(rows[0])
    for name in ("Theme", "Codes", "Language", "German translation", "Channel", "Text (original)"):
        assert de(name) in headers
    by_id = {row[0]: dict(zip(headers, row)) for row in rows[1:]}
    assert len(by_id) == 7
    arabic = by_id[world["arabic"].id]
    assert arabic[de("Language")] == "ar"
    assert arabic[de("Theme")] == "Sprachkurse"
    assert arabic[de("Codes")] == "Abendangebote"
    assert arabic[de("German translation")] == "Wir brauchen mehr Sprachkurse am Abend"
    assert "libretranslate" in arabic[de("Source of the translation")]
    # the formula is text, never a formula
    evil = by_id[world["evil"].id][de("Text (original)")]
    assert evil == "'" + FORMULA
    cell = next(c for c in sheet.iter_rows(min_row=2) if c[0].value == world["evil"].id)[headers.index(de("Text (original)"))]
    assert cell.data_type == "s"


def test_csv(client, login_as, world):
    login_as("admin")
    response = client.get(f"/de/analysis/consultations/{world['consultation'].slug}/export.csv")
    assert response.status_code == 200
    assert response.data.startswith(b"\xef\xbb\xbf")  # a byte-order mark: spreadsheet programs read UTF-8
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 8 and len(rows[0]) == 13
    texts = {row[6] for row in rows[1:]}
    assert "'" + FORMULA in texts and FORMULA not in texts
    assert "نحتاج إلى مزيد من دورات اللغة في المساء" in texts


def test_export_is_audited(client, login_as, world):
    from app.moderation.models import AuditEntry

    login_as("working_group")
    client.get(f"/en/analysis/consultations/{world['consultation'].slug}/export.csv")
    entry = db.session.query(AuditEntry).filter_by(action="analysis.export").one()
    assert entry.details["file_format"] == "csv"


def test_field_export_respects_range(client, login_as, world):
    login_as("working_group")
    response = client.get("/en/analysis/fields/language/export.csv?from=2025-03-01&to=2025-03-03")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 6  # the five German contributions of 3 March 2025


def _pdf_text(data: bytes) -> str:
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages)


def test_memo_pdf_without_approved_themes(client, login_as, world):
    login_as("working_group")
    response = client.get(f"/en/analysis/consultations/{world['consultation'].slug}/memo.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    text = " ".join(_pdf_text(response.data).split())
    for heading in ("Summary for the working group", "Participation", "Closed questions", "Themes",
                    "Statements of organisations"):
        assert de(heading) in text
    assert " ".join(de("The themes of this scope have not been approved yet. They will be in the memo once the "
                       "working group has approved a summary.").split())[:40] in text
    assert "Sprachkurse" not in text.split(de("Themes"))[-1].split(de("Statements of organisations"))[0]


def test_memo_docx_with_approved_themes_in_german(client, login_as, world):
    from docx import Document

    world["run"].approved_at = datetime(2025, 3, 20, 12)
    db.session.commit()
    login_as("admin")
    response = client.get(f"/en/analysis/consultations/{world['consultation'].slug}/memo.docx?since=2025-03-01")
    assert response.status_code == 200
    document = Document(io.BytesIO(response.data))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert de("Summary for the working group") in headings
    assert de("Themes") in headings and "Sprachkurse" in headings
    assert de("Minority voices") in headings
    text = "\n".join(p.text for p in document.paragraphs)
    # a quote in the original and its German translation
    assert "نحتاج إلى مزيد من دورات اللغة في المساء" in text
    assert "Wir brauchen mehr Sprachkurse am Abend" in text
    # German dates although the page was English
    assert "20. März 2025" in text
    assert any(h.startswith(de("New since %(date)s").split("%")[0]) for h in headings)
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "Zeitung" in cells  # the closed question's option


def test_memo_pdf_quotes_and_fetches_nothing(client, login_as, world, monkeypatch):
    world["run"].approved_at = datetime(2025, 3, 20, 12)
    world["arabic"].text = 'نحتاج <img src="http://evil.example/x.png"> دورات'
    db.session.commit()
    login_as("working_group")
    response = client.get(f"/en/analysis/consultations/{world['consultation'].slug}/memo.pdf")
    assert response.status_code == 200
    text = _pdf_text(response.data)
    assert "Sprachkurse" in text
    assert "evil.example" in text  # shown as text, not loaded as an image


def test_memo_needs_the_role(client, login_as, world):
    login_as("moderator")
    assert client.get(f"/en/analysis/consultations/{world['consultation'].slug}/memo.docx").status_code == 404
