"""Reading and writing spreadsheets: CSV and XLSX, robustly and safely.

Reading (:func:`read_table`): UTF-8 CSV with or without a byte-order mark, separated by ``,``,
``;`` (as spreadsheet programs in Germany write it) or a tab, and XLSX (the first sheet, read
with openpyxl in read-only mode). Other encodings are refused with the line of the first byte that
is not UTF-8, so that nothing is stored garbled. The first row holds the column names.

Writing (:func:`write_csv`, :func:`write_xlsx`): every text cell passes through :func:`safe_cell`,
so that a cell beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is never run as
a formula by a spreadsheet program ("CSV/formula injection"): it gets a leading apostrophe, and in
XLSX it is moreover written as a string cell (data type ``s``), never as a formula.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
NEUTRALISER = "'"
XLSX_CELL_MAX = 32767  # characters a spreadsheet cell can hold
CSV_SEPARATORS = (",", ";", "\t")
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary Excel format (OLE2)


# --- writing ------------------------------------------------------------------------------

def safe_cell(value):
    """``value`` as a spreadsheet may show it without running it.

    Text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe (``'=1+1``); ``None`` becomes ``""``; dates and times become ISO 8601 text;
    ``True``/``False`` become ``"true"``/``"false"``; numbers stay numbers; anything else is text.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    text = value if isinstance(value, str) else str(value)
    if text.startswith(FORMULA_PREFIXES):
        return NEUTRALISER + text
    return text


def write_csv(rows: Iterable[Sequence], headers: Sequence[str], *, delimiter: str = ",", bom: bool = True) -> bytes:
    """A CSV file (UTF-8, with a byte-order mark by default so that spreadsheet programs read the
    accents right) of ``headers`` and ``rows``, every cell passed through :func:`safe_cell`."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([safe_cell(h) for h in headers])
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
    return (("\ufeff" if bom else "") + buffer.getvalue()).encode("utf-8")


def write_xlsx(rows: Iterable[Sequence], headers: Sequence[str], *, sheet_title: str = "Export") -> bytes:
    """An XLSX workbook with one sheet: ``headers`` in bold, then ``rows``.

    Every cell goes through :func:`safe_cell`; text cells are written with data type ``s`` (never a
    formula), without the control characters XML cannot hold, and cut at 32,767 characters (the
    most a cell can hold). Written in openpyxl's write-only mode (memory stays small)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31] or "Export")
    bold = Font(bold=True)

    def cell(value, font=None):
        value = safe_cell(value)
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_CELL_MAX]
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            result.data_type = "s"  # a string, whatever it looks like
        if font is not None:
            result.font = font
        return result

    sheet.append([cell(h, bold) for h in headers])
    for row in rows:
        sheet.append([cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------

class SpreadsheetError(Exception):
    """A file that cannot be read. ``reason`` is a stable code (``encoding``, ``xls``, ``format``,
    ``empty``, ``csv``); ``line`` the line where it happened, when known."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason if line is None else f"{reason} (line {line})")
        self.reason = reason
        self.line = line


@dataclass
class Table:
    """A sheet: column names as written in the header row (stripped), and an iterator over
    ``(line, cells)`` below it; ``line`` counts from 1 (the header row), blank rows are left out.
    Cells are text for CSV; for XLSX whatever the sheet holds (text, numbers, dates, ``None``)."""

    format: str  # "csv" or "xlsx"
    headers: list[str]
    rows: Iterator[tuple[int, list]]


def sniff_format(data: bytes, filename: str | None = None) -> str:
    """``xlsx`` or ``csv`` by the file's first bytes (the name only breaks no tie); old ``.xls``
    files are refused."""
    if data.startswith(_XLSX_MAGIC):
        return "xlsx"
    if data.startswith(_XLS_MAGIC) or (filename or "").lower().endswith(".xls"):
        raise SpreadsheetError("xls")
    return "csv"


def read_table(data: bytes, filename: str | None = None) -> Table:
    """Open ``data`` (the bytes of a CSV or XLSX file) as a :class:`Table`.

    Raises :class:`SpreadsheetError` for a file that is not UTF-8 (``encoding``, with the line),
    an old ``.xls`` (``xls``), a broken XLSX (``format``) or a file without a header row
    (``empty``). A CSV row that cannot be parsed raises ``csv`` with its line while iterating."""
    if sniff_format(data, filename) == "xlsx":
        return _read_xlsx(data)
    return _read_csv(data)


def decode_utf8(data: bytes) -> str:
    """The text of UTF-8 ``data`` without a byte-order mark; ``encoding`` error with the line of
    the first byte that is not UTF-8 (a file saved as Latin-1 or Windows-1252)."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise SpreadsheetError("encoding", line=data[:error.start].count(b"\n") + 1) from None


def guess_separator(header_line: str) -> str:
    """``,``, ``;`` or a tab: whichever the header row holds most of (``,`` on a tie)."""
    counts = {sep: header_line.count(sep) for sep in CSV_SEPARATORS}
    best = max(CSV_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] else ","


def _read_csv(data: bytes) -> Table:
    text = decode_utf8(data)
    if not text.strip():
        raise SpreadsheetError("empty")
    separator = guess_separator(text.split("\n", 1)[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=False)
    try:
        headers = next(reader)
    except csv.Error:
        raise SpreadsheetError("csv", line=1) from None
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise SpreadsheetError("empty")

    def rows() -> Iterator[tuple[int, list]]:
        line = reader.line_num + 1
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error:
                raise SpreadsheetError("csv", line=line) from None
            if any(c.strip() for c in cells):
                yield line, cells
            line = reader.line_num + 1

    return Table("csv", headers, rows())


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers state wrong dimensions; read every row there is
        values = sheet.iter_rows(values_only=True)
        first = next(values, None)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds (BadZipFile, KeyError, ...) for broken files
        raise SpreadsheetError("format") from None
    if first is None or not any(v not in (None, "") for v in first):
        workbook.close()
        raise SpreadsheetError("empty")
    headers = ["" if v is None else str(v).strip() for v in first]

    def rows() -> Iterator[tuple[int, list]]:
        try:
            for line, cells in enumerate(values, start=2):
                cells = list(cells)
                if any(v is not None and (not isinstance(v, str) or v.strip()) for v in cells):
                    yield line, cells
        except Exception:  # noqa: BLE001 - a broken sheet part
            raise SpreadsheetError("format") from None
        finally:
            workbook.close()

    return Table("xlsx", headers, rows())


def cell_text(value) -> str:
    """A read cell as text: ``None`` is ``""``, whole floats lose their ``.0``, dates and times
    are ISO 8601."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    return str(value)
