"""The downloadable template of each record type: the columns in order, NIK and phone columns formatted as
text (so Excel cannot turn a NIK into 3.17E+15), and a guide sheet with what each column takes."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _

from sinergi.exchange.imports.rows import _choice_names
from sinergi.exchange.imports.schema import columns_of

_TEXT_KINDS = {"nik", "phones", "text", "list"}


def _allowed(kind: str) -> str:
    if kind in ("channel", "checkpoint") or kind.startswith("answer"):
        return _choice_names(kind.replace("answers:", "answer:"))[1]
    return {
        "date": _("7 Agustus 2025, 07/08/2025 or 2025-08-07"),
        "sex": _("L or P"),
        "nik": _("16 digits, as text"),
        "phones": _("one or more numbers, separated by /"),
        "country": _("ISO code, e.g. MY, KH"),
        "int": _("a whole number"),
        "region": _("Kemendagri code, e.g. 63.71.01"),
    }.get(kind, "")


def template_csv(record_type: str) -> bytes:
    out = io.StringIO()
    csv.writer(out).writerow([c.key for c in columns_of(record_type)])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM makes Excel read it as UTF-8


def template_xlsx(record_type: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Data"
    cols = columns_of(record_type)
    sheet.append([c.key for c in cols])
    for index, col in enumerate(cols, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = Font(bold=True)
        letter = cell.column_letter
        sheet.column_dimensions[letter].width = max(14, len(col.key) + 4)
        if col.kind in _TEXT_KINDS:
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
    sheet.freeze_panes = "A2"
    guide = book.create_sheet(_("Guide"))
    guide.append([_("Column"), _("Meaning"), _("Required"), _("What to write"), _("Example")])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for col in cols:
        guide.append(
            [col.key, str(col.label), _("yes") if col.required else "", _allowed(col.kind), col.example]
        )
    for letter, width in zip("ABCDE", (26, 40, 10, 60, 24), strict=True):
        guide.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
