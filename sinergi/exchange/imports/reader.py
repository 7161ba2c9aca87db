"""Reading an uploaded spreadsheet into plain rows of cells. Pure Python, no Django.

CSV (UTF-8, UTF-8 with BOM or Windows-1252; comma, semicolon or tab) and Excel workbooks (.xlsx, .xls, .ods
through python-calamine). The name's extension says what the content must be (an .xlsx is a workbook archive,
a .csv is text), and a workbook archive passes the same limits as any uploaded office file (`core.archives`)
before calamine unpacks anything. Merged cells are filled with their top-left value, so a header merged over
two rows or columns names every column under it; hidden sheets are listed but never read as data.
"""

from __future__ import annotations

import csv
import io
import os
from dataclasses import dataclass, field
from typing import Any

from sinergi.core import archives

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 200

_ZIP = b"PK\x03\x04"
# The extension of a workbook that is a zip archive -> its kind for `core.archives`.
_ARCHIVE_NAMES = {".xlsx": "xlsx", ".ods": "ods"}
_OLE_NAMES = (".xls",)
_TEXT_NAMES = (".csv", ".txt")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Files people mistake for spreadsheets: refused by their first bytes, whatever their name says.
_NOT_SPREADSHEETS = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf",
    b"\x1f\x8b",
    b"MZ",
)


class FileRefused(ValueError):
    """A file that cannot be imported at all; `code` is stable, `params` fill the translated message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    name: str
    rows: list[list[Any]]
    hidden: bool = False
    first_row: int = 0  # 0-based sheet row of rows[0] (an Excel sheet may start below row 1)


@dataclass
class Workbook:
    kind: str  # "csv" or "excel"
    sheets: list[Sheet] = field(default_factory=list)

    @property
    def visible(self) -> list[Sheet]:
        return [s for s in self.sheets if not s.hidden]


def read_workbook(name: str, data: bytes) -> Workbook:
    """The sheets of `data`, a CSV or an Excel file whose content is what its name's extension says."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused("too_large", limit_mb=MAX_FILE_BYTES // (1024 * 1024))
    if not data.strip():
        raise FileRefused("empty")
    extension = os.path.splitext(name or "")[1].lower()
    head = data[:8]
    # An .xlsx protected by a password is an OLE container, not a zip: calamine then names the password.
    if extension in _ARCHIVE_NAMES and head.startswith(_ZIP):
        _check_archive(data, _ARCHIVE_NAMES[extension])
        return _read_excel(data)
    if (extension in _ARCHIVE_NAMES or extension in _OLE_NAMES) and head.startswith(_OLE):
        return _read_excel(data)
    if extension in _TEXT_NAMES and not _looks_binary(data):
        return Workbook(kind="csv", sheets=[Sheet(name="CSV", rows=_read_csv(data))])
    raise FileRefused("wrong_type")


def _looks_binary(data: bytes) -> bool:
    head = data[:8]
    return (
        head.startswith((_ZIP, _OLE))
        or any(head.startswith(magic) for magic in _NOT_SPREADSHEETS)
        or b"\x00" in data[:4096]
    )


def _check_archive(data: bytes, kind: str) -> None:
    try:
        archives.office_archive_open(data, kind)
    except archives.ArchiveRefused as refusal:
        if refusal.code == "broken":
            raise FileRefused("excel_broken") from refusal
        if refusal.code == "wrong_kind":
            raise FileRefused("wrong_type") from refusal
        raise FileRefused("archive", reason=refusal.code) from refusal


def decode_text(data: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252, the two encodings Excel writes CSV in here."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as exc:
        raise FileRefused("encoding") from exc


def _read_csv(data: bytes) -> list[list[Any]]:
    text = decode_text(data)
    sample = "\n".join(text.splitlines()[:20])
    delimiter = max((";", ",", "\t", "|"), key=sample.count)
    if not sample.count(delimiter):
        delimiter = ","
    rows: list[list[Any]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row[:MAX_COLUMNS])
            if len(rows) > MAX_ROWS + 20:
                raise FileRefused("too_many_rows", limit=MAX_ROWS)
    except csv.Error as exc:
        raise FileRefused("csv_broken", line=len(rows) + 1) from exc
    return _trim(rows)


def _read_excel(data: bytes) -> Workbook:
    import python_calamine

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise FileRefused("password") from exc
    except Exception as exc:  # calamine raises several unrelated types for a file it cannot read
        raise FileRefused("excel_broken") from exc
    workbook = Workbook(kind="excel")
    for meta in book.sheets_metadata:
        if str(meta.typ).rsplit(".", 1)[-1] != "WorkSheet":
            continue
        hidden = str(meta.visible).rsplit(".", 1)[-1] != "Visible"
        rows: list[list[Any]] = []
        first_row = 0
        if not hidden:
            try:
                sheet = book.get_sheet_by_name(meta.name)
                rows = _excel_rows(sheet)
                first_row = (sheet.start or (0, 0))[0]
            except FileRefused:
                raise
            except Exception as exc:
                raise FileRefused("excel_broken") from exc
        workbook.sheets.append(Sheet(name=meta.name, rows=rows, hidden=hidden, first_row=first_row))
    if not workbook.sheets:
        raise FileRefused("no_sheet")
    return workbook


def _excel_rows(sheet) -> list[list[Any]]:
    if sheet.height > MAX_ROWS + 20:
        raise FileRefused("too_many_rows", limit=MAX_ROWS)
    # Row and column offsets: calamine's rows start at the first used cell, merged ranges count from A1.
    top, left = sheet.start or (0, 0)
    rows = [list(row[:MAX_COLUMNS]) for row in sheet.to_python(skip_empty_area=False)]
    for (r1, c1), (r2, c2) in sheet.merged_cell_ranges or []:
        r1, r2, c1, c2 = r1 - top, r2 - top, c1 - left, min(c2, MAX_COLUMNS - 1) - left
        if not 0 <= r1 < len(rows) or c1 < 0 or c1 >= len(rows[r1]):
            continue
        value = rows[r1][c1]
        for r in range(r1, min(r2, len(rows) - 1) + 1):
            for c in range(c1, min(c2, len(rows[r]) - 1) + 1):
                if rows[r][c] in ("", None):
                    rows[r][c] = value
    return _trim(rows)


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trim(rows: list[list[Any]]) -> list[list[Any]]:
    """Without the empty rows at the end (Excel's formatted-but-empty rows) and empty trailing cells."""
    while rows and all(is_blank(v) for v in rows[-1]):
        rows.pop()
    return rows
