"""Reading an attendance list from a CSV or XLSX file: plain Python, no Django models.

The first row holds the column names (Indonesian or English); every other row is one attendee. A file is read
whole and either every row is good or the caller gets every broken row with its line number. An .xlsx passes
the limits of any uploaded office file (`core.archives`) before calamine unpacks it.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from sinergi.core import archives

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# Files whose first bytes say they are no CSV, whatever their name: a workbook, an OLE file, a PDF, a photo.
_NOT_TEXT = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")

COLUMNS = {
    "full_name": ("nama", "name", "nama lengkap", "full name", "full_name"),
    "sex": ("jenis kelamin", "jenis_kelamin", "jk", "sex", "gender"),
    "age": ("umur", "usia", "age", "kelompok umur", "age group", "age_group"),
    "village": ("desa", "desa/kelurahan", "village"),
    "organisation": ("organisasi", "lembaga", "instansi", "organisation", "organization"),
}
SEX_VALUES = {"p": "F", "perempuan": "F", "f": "F", "female": "F", "w": "F", "wanita": "F",
              "l": "M", "laki-laki": "M", "laki laki": "M", "m": "M", "male": "M", "pria": "M"}  # fmt: skip
AGE_GROUPS = {"u18": "U18", "<18": "U18", "18_39": "18_39", "18-39": "18_39", "40p": "40P", "40+": "40P"}


@dataclass(frozen=True)
class AttendeeRow:
    full_name: str
    sex: str
    age_group: str
    village: str
    organisation: str


@dataclass(frozen=True)
class RowError:
    line: int
    problem: str  # a code: "missing_name", "bad_sex", "bad_age", "too_long"
    value: str = ""


class UnreadableFile(Exception):
    """The file is not a CSV or XLSX this reader understands; `code` says why (`archive`: refused by
    `core.archives`, whose code is `reason`)."""

    def __init__(self, code: str, reason: str = ""):
        super().__init__(code)
        self.code = code
        self.reason = reason


def age_group_of(raw: str) -> str | None:
    text = raw.strip().lower().replace(" ", "")
    if text in AGE_GROUPS:
        return AGE_GROUPS[text]
    try:
        years = int(float(text))
    except ValueError:
        return None
    if years < 0 or years > 120:
        return None
    return "U18" if years < 18 else ("18_39" if years < 40 else "40P")


def _cells(name: str, data: bytes) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise UnreadableFile("too_big")
    lower = name.lower()
    if lower.endswith(".xlsx"):
        from python_calamine import CalamineWorkbook

        try:
            archives.office_archive_open(data, "xlsx")
        except archives.ArchiveRefused as refusal:
            if refusal.code in ("broken", "wrong_kind"):
                raise UnreadableFile("bad_xlsx") from refusal
            raise UnreadableFile("archive", refusal.code) from refusal
        try:
            workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
            rows = workbook.get_sheet_by_index(0).to_python()
        except Exception as exc:  # calamine raises its own error types for a broken or foreign file
            raise UnreadableFile("bad_xlsx") from exc
        return [["" if cell is None else _cell_text(cell) for cell in row] for row in rows]
    if lower.endswith(".csv"):
        if data.startswith(_NOT_TEXT):
            raise UnreadableFile("binary")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UnreadableFile("not_utf8") from exc
        if "\x00" in text:
            raise UnreadableFile("binary")
        try:
            dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        except csv.Error:
            dialect = csv.excel
        return list(csv.reader(io.StringIO(text), dialect))
    raise UnreadableFile("bad_type")


def _cell_text(cell) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def read_attendance(name: str, data: bytes) -> tuple[list[AttendeeRow], list[RowError]]:
    """The attendees of the file, or the broken rows (line numbers as a spreadsheet shows them)."""
    rows = list(_cells(name, data))
    if not rows:
        raise UnreadableFile("empty")
    header = [cell.strip().lower() for cell in rows[0]]
    position: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for index, column in enumerate(header):
            if column in names:
                position[field] = index
                break
    if "full_name" not in position or "sex" not in position or "age" not in position:
        raise UnreadableFile("missing_columns")
    body = rows[1:]
    if len(body) > MAX_ROWS:
        raise UnreadableFile("too_many_rows")

    def cell(row: list[str], field: str) -> str:
        index = position.get(field)
        return row[index].strip() if index is not None and index < len(row) else ""

    good: list[AttendeeRow] = []
    errors: list[RowError] = []
    for line, row in enumerate(body, start=2):
        if not any(str(value).strip() for value in row):
            continue  # blank lines at the end of a spreadsheet are not attendees
        full_name = cell(row, "full_name")
        sex = SEX_VALUES.get(cell(row, "sex").lower())
        age_group = age_group_of(cell(row, "age"))
        village, organisation = cell(row, "village"), cell(row, "organisation")
        if not full_name:
            errors.append(RowError(line, "missing_name"))
        elif sex is None:
            errors.append(RowError(line, "bad_sex", cell(row, "sex")[:20]))
        elif age_group is None:
            errors.append(RowError(line, "bad_age", cell(row, "age")[:20]))
        elif len(full_name) > 200 or len(village) > 120 or len(organisation) > 200:
            errors.append(RowError(line, "too_long"))
        else:
            good.append(AttendeeRow(full_name, sex, age_group, village, organisation))
    if not good and not errors:
        raise UnreadableFile("empty")
    return good, errors
