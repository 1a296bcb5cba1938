"""Bulk import from CSV and XLSX: the service, the command line and the upload page; and the export
of imported text without formulas."""
from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from app.consultations.models import ModerationMode, QuestionKind
from app.contributions import imports
from app.contributions.models import Answer, Channel, Contribution, ContributionStatus, LanguageSource
from app.core.timeutil import utcnow
from app.extensions import db as _db
from app.moderation.models import AuditEntry
from app.organisations.models import OrganisationStatus
from tests.factories import make_consultation, make_organisation
from tests.helpers import count, get_csrf_token

FREE = {"kind": QuestionKind.FREE_TEXT}
CHOICE = {"kind": QuestionKind.SINGLE_CHOICE, "options": ["Ja", "Nein"]}


def csv_bytes(rows, headers=("text", "language"), sep=",", bom=False) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=sep, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode()


def xlsx_bytes(rows, headers=("text", "language")) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(list(headers))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture()
def consultation(seeded):
    return make_consultation("import-here", questions=[{**FREE, "required": True}, CHOICE, FREE])


def test_rows_become_contributions_with_their_columns(consultation, db):
    org = make_organisation("verein-bremen")
    headers = ("text", "language", "question", "organisation", "channel", "submitted_at", "external_id")
    body = csv_bytes([
        ["Mehr Sprachkurse am Abend", "DE", "", "verein-bremen", "workshop", "2024-05-31T14:30", "a-1"],
        ["Answer to the third question", "en", "3", "", "", "2024-05-31T12:00:00Z", ""],
        ["By id", "tr", f"id:{consultation.questions[2].id}", "", "Paper", "2024-05-31", ""],
    ], headers, sep=";", bom=True)
    report = imports.import_file(consultation, body, "rows.csv")
    db.session.commit()
    assert report.ok and (report.rows, report.added, report.skipped) == (3, 3, 0)
    first, second, third = db.session.scalars(sa.select(Contribution).order_by(Contribution.id)).all()
    assert (first.text, first.language, first.language_source) == ("Mehr Sprachkurse am Abend", "de", LanguageSource.STAFF)
    assert first.channel is Channel.WORKSHOP and first.organisation_id == org.id and first.external_id == "a-1"
    assert first.created_at == datetime(2024, 5, 31, 12, 30)  # 14:30 in Bremen (summer time) is 12:30 UTC
    assert first.status is ContributionStatus.PUBLISHED
    assert [(a.question_id, a.text) for a in first.answers] == [(consultation.questions[0].id, first.text)]
    assert second.answers[0].question_id == consultation.questions[2].id and second.channel is Channel.PAPER
    assert second.created_at == datetime(2024, 5, 31, 12, 0)
    assert third.answers[0].question_id == consultation.questions[2].id and third.channel is Channel.PAPER
    entry = db.session.scalar(sa.select(AuditEntry).where(AuditEntry.action == "contribution.import"))
    assert entry.details["added"] == 3 and entry.details["refused"] == 0


def test_a_missing_language_is_recognised(consultation, db):
    report = imports.import_file(consultation, csv_bytes([
        ["Wir brauchen mehr Deutschkurse am Abend, weil viele Menschen tagsüber arbeiten.", ""]]))
    assert report.added == 1
    contribution = db.session.scalar(sa.select(Contribution))
    assert contribution.language == "de" and contribution.language_source is LanguageSource.DETECTED


def test_pre_moderated_consultations_keep_imports_pending(seeded, db):
    consultation = make_consultation(moderation=ModerationMode.PRE)
    imports.import_file(consultation, csv_bytes([["Ein Beitrag", "de"]]))
    assert db.session.scalar(sa.select(Contribution.status)) is ContributionStatus.PENDING


def test_a_dry_run_reports_and_writes_nothing(consultation, db):
    body = csv_bytes([["Gut", "de"], ["", "de"], ["Schlecht", "xx"]])
    report = imports.import_file(consultation, body, dry_run=True)
    assert report.dry_run and report.added == 1
    assert [(r.line, r.reason) for r in report.refused] == [(3, "text_empty"), (4, "language")]
    assert count(db, Contribution) == 0 and count(db, AuditEntry) == 0


def test_one_refused_row_and_nothing_is_written(consultation, db):
    body = csv_bytes([["Gut", "de"]] * 5 + [["Schlecht", "xx"]])
    report = imports.import_file(consultation, body)
    assert not report.ok and report.added == 0 and report.refused[0].line == 7
    assert count(db, Contribution) == 0 and count(db, Answer) == 0


@pytest.mark.parametrize("row, reason", [
    ({"text": "   "}, "text_empty"),
    ({"text": "x" * 5001}, "text_too_long"),
    ({"text": "a\x00b"}, "text_invalid"),
    ({"language": "klingon"}, "language"),
    ({"question": "2"}, "question_kind"),
    ({"question": "99"}, "question"),
    ({"question": "id:123456"}, "question"),
    ({"question": "first"}, "question"),
    ({"organisation": "gibt-es-nicht"}, "organisation"),
    ({"organisation": "wartet-noch"}, "organisation"),
    ({"channel": "fax"}, "channel"),
    ({"submitted_at": "31.05.2024"}, "submitted_at"),
    ({"submitted_at": "2024-13-45"}, "submitted_at"),
    ({"submitted_at": (utcnow() + timedelta(days=2)).date().isoformat()}, "submitted_at_future"),
    ({"external_id": "x" * 121}, "external_id_too_long"),
])
def test_each_refusal_has_its_reason_and_a_message(app, consultation, db, row, reason):
    make_organisation("wartet-noch", status=OrganisationStatus.PENDING)
    values = {"text": "Ein Beitrag", "language": "de", "question": "", "organisation": "", "channel": "",
              "submitted_at": "", "external_id": "", **row}
    body = csv_bytes([list(values.values())], tuple(values))
    with app.test_request_context("/en/"):
        report = imports.import_file(consultation, body)
        assert [(r.line, r.reason) for r in report.refused] == [(2, reason)]
        assert report.refused[0].message()
    assert count(db, Contribution) == 0


def test_extra_cells_and_unnamed_columns(consultation, db):
    body = b"text,,language\nEin Beitrag,,de\nNoch einer,oops,de\nDritter,,de,mehr\n"
    report = imports.import_file(consultation, body, dry_run=True)
    assert [(r.line, r.reason) for r in report.refused] == [(3, "extra_cells"), (4, "extra_cells")]


@pytest.mark.parametrize("body, reason", [
    (b"text,colour\nx,red\n", "unknown_columns"),
    (b"language\nde\n", "missing_text"),
    (b"text,Text\nx,y\n", "duplicate_columns"),
    (b"text\n", "no_rows"),
    (b"", "empty"),
    ("text\nGrüße aus Bremen\n".encode("cp1252"), "encoding"),
    (b"\xd0\xcf\x11\xe0old excel", "xls"),
    (b"text\n\"unterminated\nquote", None),
])
def test_file_errors(app, consultation, db, body, reason):
    with app.test_request_context("/en/"):
        if reason is None:  # a quote left open takes the rest of the file as one text: still imported
            assert imports.import_file(consultation, body, dry_run=True).added == 1
            return
        with pytest.raises(imports.ImportFailed) as failed:
            imports.import_file(consultation, body)
        assert failed.value.reason == reason and failed.value.message()
    assert count(db, Contribution) == 0


def test_external_ids_make_a_reimport_idempotent(consultation, db):
    headers = ("text", "language", "external_id")
    body = csv_bytes([["Eins", "de", "1"], ["Zwei", "de", "2"]], headers)
    assert imports.import_file(consultation, body).added == 2
    db.session.commit()
    again = imports.import_file(consultation, csv_bytes([["Eins", "de", "1"], ["Zwei", "de", "2"], ["Drei", "de", "3"]],
                                                         headers))
    db.session.commit()
    assert (again.added, again.skipped, len(again.refused)) == (1, 2, 0)
    assert count(db, Contribution) == 3


def test_a_duplicate_external_id_in_the_file_is_refused(consultation, db):
    body = csv_bytes([["Eins", "de", "1"], ["Zwei", "de", "1"]], ("text", "language", "external_id"))
    report = imports.import_file(consultation, body)
    assert [(r.line, r.reason, r.first) for r in report.refused] == [(3, "external_id_duplicate", 2)]
    assert count(db, Contribution) == 0


def test_xlsx_import_with_date_cells(consultation, db):
    body = xlsx_bytes([["Aus Excel", "de", datetime(2024, 1, 15, 9, 0), 1001],
                       [None, None, None, None],
                       ["Zweiter", "tr", None, 1002]], ("text", "language", "submitted_at", "external_id"))
    report = imports.import_file(consultation, body, "sheet.xlsx")
    assert report.ok and report.added == 2 and report.format == "xlsx"
    first = db.session.scalar(sa.select(Contribution).where(Contribution.external_id == "1001"))
    assert first.created_at == datetime(2024, 1, 15, 8, 0)  # winter time in Bremen


def test_fifty_thousand_rows(consultation, db):
    rows = [[f"Beitrag Nummer {n} über das Zusammenleben", "de", f"row-{n}"] for n in range(50_000)]
    report = imports.import_file(consultation, csv_bytes(rows, ("text", "language", "external_id"), sep=";"))
    db.session.commit()
    assert report.ok and report.added == 50_000
    assert count(db, Contribution) == 50_000 and count(db, Answer) == 50_000
    assert db.session.scalar(sa.select(Contribution.text).where(Contribution.external_id == "row-49999")) \
        == "Beitrag Nummer 49999 über das Zusammenleben"
    again = imports.import_file(consultation, csv_bytes(rows[:10], ("text", "language", "external_id")))
    assert (again.added, again.skipped) == (0, 10)


# --- the command line ---------------------------------------------------------------------

def test_cli_dry_run_and_import(runner, consultation, db, tmp_path):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([["Eins", "de"], ["Zwei", "tr"]]))
    result = runner.invoke(args=["contributions", "import", str(good), "--consultation", consultation.slug,
                                 "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "2 would be added" in result.output and count(db, Contribution) == 0
    result = runner.invoke(args=["contributions", "import", str(good), "--consultation", consultation.slug])
    assert result.exit_code == 0 and "2 added, 0 skipped as already present, 0 refused." in result.output
    _db.session.expire_all()
    assert count(db, Contribution) == 2


def test_cli_refuses_and_exits_1(runner, consultation, db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes([["Eins", "de"], ["Zwei", "xx"]]))
    result = runner.invoke(args=["contributions", "import", str(bad), "--consultation", consultation.slug])
    assert result.exit_code == 1
    assert "Line 3: “xx” is not a known language code." in result.output and "Nothing was imported" in result.output
    assert count(db, Contribution) == 0
    latin = tmp_path / "latin.csv"
    latin.write_bytes("text\nGrüße\n".encode("latin-1"))
    result = runner.invoke(args=["contributions", "import", str(latin), "--consultation", consultation.slug])
    assert result.exit_code == 1 and "UTF-8" in result.output
    result = runner.invoke(args=["contributions", "import", str(latin), "--consultation", "nope"])
    assert result.exit_code == 1 and "No consultation" in result.output


# --- the upload page and the export -------------------------------------------------------

@pytest.fixture()
def member(login_as, consultation):
    user = login_as("organisation_member")
    make_organisation("verein-bremen", cohosts=[consultation], members=[(user, "member")])
    return user


def _upload(client, consultation, body, filename="rows.csv", dry_run=False, lang="en"):
    path = f"/{lang}/offline/consultations/{consultation.slug}/import"
    data = {"csrf_token": get_csrf_token(client, path), "default_channel": "paper",
            "file": (io.BytesIO(body), filename)}
    if dry_run:
        data["dry_run"] = "y"
    return client.post(path, data=data, content_type="multipart/form-data")


def test_upload_dry_run_shows_the_report(client, member, consultation, db):
    response = _upload(client, consultation, csv_bytes([["Gut", "de"], ["", "de"]]), dry_run=True)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<td>3</td><td>The text is empty.</td>" in html and "Would be added: 1" in html
    assert count(db, Contribution) == 0


def test_upload_imports_and_redirects_with_the_counts(client, member, consultation, db):
    response = _upload(client, consultation, csv_bytes([["Gut", "de"], ["Auch gut", "de"]]))
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 added, 0 skipped as already present, 0 refused." in page
    _db.session.expire_all()
    entered = _db.session.scalars(sa.select(Contribution.entered_by_id)).all()
    assert entered == [member.id, member.id]


def test_upload_of_a_file_that_is_not_utf8(client, member, consultation, db):
    response = _upload(client, consultation, "text\nGrüße\n".encode("cp1252"))
    assert response.status_code == 422 and "UTF-8" in response.get_data(as_text=True)
    assert count(db, Contribution) == 0


def test_upload_without_a_file(client, member, consultation, db):
    path = f"/en/offline/consultations/{consultation.slug}/import"
    response = client.post(path, data={"csrf_token": get_csrf_token(client, path), "default_channel": "paper"})
    assert response.status_code == 422 and "Please choose a file." in response.get_data(as_text=True)


def test_upload_limit_is_larger_for_the_import_only(app, client, member, consultation, db):
    body = csv_bytes([["x" * 1000, "de"]] * 700)  # about 700 KB: over the site's 512 KiB
    assert len(body) > app.config["MAX_CONTENT_LENGTH"]
    response = _upload(client, consultation, body, dry_run=True)
    assert response.status_code == 200 and "Would be added: 700" in response.get_data(as_text=True)
    app.config["OFFLINE_IMPORT_MAX_BYTES"] = 100 * 1024
    try:
        response = _upload(client, consultation, body, dry_run=True)
    finally:
        del app.config["OFFLINE_IMPORT_MAX_BYTES"]
    assert response.status_code == 413 and "Files of up to 0.1 MB can be imported." in response.get_data(as_text=True)
    # Elsewhere the site's limit still holds.
    path = f"/en/offline/consultations/{consultation.slug}/sessions/new"
    response = client.post(path, data={"csrf_token": get_csrf_token(client, path), "notes": "x" * (600 * 1024)})
    assert response.status_code == 413


def test_imported_formulas_are_exported_as_text(client, member, consultation, db):
    formula = '=HYPERLINK("http://evil.example","x")'
    assert _upload(client, consultation, csv_bytes([[formula, "en"], ["+1 hidden", "en"]])).status_code == 303
    csv_body = client.get(f"/en/offline/consultations/{consultation.slug}/export.csv")
    assert csv_body.status_code == 200 and csv_body.mimetype == "text/csv"
    assert "attachment" in csv_body.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(csv_body.get_data().decode("utf-8-sig"))))
    text_column = rows[0].index("text")
    assert [r[text_column] for r in rows[1:]] == ["'" + formula, "'+1 hidden"]
    xlsx = client.get(f"/en/offline/consultations/{consultation.slug}/export.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.get_data())).worksheets[0]
    cells = [row[text_column] for row in sheet.iter_rows(min_row=2)]
    assert [c.value for c in cells] == ["'" + formula, "'+1 hidden"]
    assert all(c.data_type != "f" and c.data_type == "s" for c in cells)
