"""Reading and writing spreadsheets: encodings, separators, line numbers, formula neutralisation."""
from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from app.core.spreadsheets import (
    SpreadsheetError,
    cell_text,
    guess_separator,
    read_table,
    safe_cell,
    write_csv,
    write_xlsx,
)


def _rows(table):
    return list(table.rows)


@pytest.mark.parametrize("value", ["=1+1", "+49 421 1234", "-2", "@SUM(A1)", "\tx", "\rx",
                                   '=HYPERLINK("http://evil.example","x")'])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value, expected", [("Guten Tag", "Guten Tag"), ("a=b", "a=b"), (None, ""), (3, 3),
                                             (2.5, 2.5), (True, "true"), (datetime(2024, 5, 31, 14, 30), "2024-05-31T14:30:00")])
def test_other_values_are_kept(value, expected):
    assert safe_cell(value) == expected


def test_csv_is_utf8_with_bom_and_neutralised():
    body = write_csv([[1, "=cmd|' /C calc'!A0", "Grüße\nzweite Zeile"]], ["id", "text", "more"])
    assert body.startswith(b"\xef\xbb\xbf")
    table = read_table(body)
    assert table.headers == ["id", "text", "more"]
    assert _rows(table) == [(2, ["1", "'=cmd|' /C calc'!A0", "Grüße\nzweite Zeile"])]


def test_xlsx_cells_are_strings_never_formulas():
    body = write_xlsx([[7, "=1+1", "+x", "bell\x07 removed", "x" * 40000]], ["id", "a", "b", "c", "d"])
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["id", "a", "b", "c", "d"]
    row = sheet[2]
    assert row[0].value == 7 and row[0].data_type == "n"
    for cell in row[1:]:
        assert cell.data_type == "s"
    assert row[1].value == "'=1+1" and row[2].value == "'+x"
    assert row[3].value == "bell removed"
    assert len(row[4].value) == 32767


def test_semicolon_separated_csv_with_quotes_and_line_numbers():
    body = 'text;language\n"Erste Zeile\nzweite Zeile";de\n\n"mit ; Semikolon";tr\n'.encode()
    table = read_table(body)
    assert table.format == "csv" and table.headers == ["text", "language"]
    assert _rows(table) == [(2, ["Erste Zeile\nzweite Zeile", "de"]), (5, ["mit ; Semikolon", "tr"])]


@pytest.mark.parametrize("header, separator", [("a,b,c", ","), ("a;b;c", ";"), ("a\tb", "\t"), ("text", ","),
                                               ("a;b,c;d", ";")])
def test_separator_guess(header, separator):
    assert guess_separator(header) == separator


def test_latin1_is_refused_with_the_line():
    body = "text\nohne Umlaut\nmit Umlaut: Grüße\n".encode("cp1252")
    with pytest.raises(SpreadsheetError) as error:
        read_table(body)
    assert error.value.reason == "encoding" and error.value.line == 3


@pytest.mark.parametrize("body, reason", [(b"", "empty"), (b"\xef\xbb\xbf \n", "empty"),
                                          (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "xls"),
                                          (b"PK\x03\x04not really a zip", "format")])
def test_unreadable_files(body, reason):
    with pytest.raises(SpreadsheetError) as error:
        read_table(body, "upload.csv")
    assert error.value.reason == reason


def test_xlsx_first_sheet_header_and_values():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["text", "submitted_at", "question"])
    sheet.append(["Ein Beitrag", datetime(2024, 5, 31, 14, 30), 1])
    sheet.append([None, None, None])
    sheet.append(["Noch einer", None, 2.0])
    workbook.create_sheet("ignored").append(["other"])
    out = io.BytesIO()
    workbook.save(out)
    table = read_table(out.getvalue(), "file.xlsx")
    assert table.format == "xlsx" and table.headers == ["text", "submitted_at", "question"]
    rows = _rows(table)
    assert [line for line, _ in rows] == [2, 4]
    assert rows[0][1][:2] == ["Ein Beitrag", datetime(2024, 5, 31, 14, 30)]
    assert cell_text(rows[1][1][2]) == "2"
