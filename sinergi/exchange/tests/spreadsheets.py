"""Ugly spreadsheets, made by the tests themselves: the shapes agencies' real files come in."""

from __future__ import annotations

import csv
import io
from datetime import date

from sinergi.people.nik import nik_build

# 63.71.01 = Kec. Banjarmasin Selatan (in the test regions).
NIK_SITI = nik_build("637101", date(1990, 1, 10), "F", 1)
NIK_BUDI = nik_build("637101", date(1985, 3, 2), "M", 7)
NIK_RINA = nik_build("637101", date(1999, 8, 7), "F", 12)


def csv_bytes(rows: list[list], *, encoding: str = "utf-8-sig", delimiter: str = ",") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(build) -> bytes:
    """An .xlsx written by openpyxl; `build(workbook)` fills it."""
    from openpyxl import Workbook

    book = Workbook()
    build(book)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def messy_people_workbook(book) -> None:
    """A title row, a group header merged over two columns, a name header merged over two rows, a NIK typed as
    a number, dates of three kinds, phones written every way, trailing empty rows, and a hidden sheet."""
    sheet = book.active
    sheet.title = "Data PMI"
    sheet.append(["DATA PMI BERMASALAH BP3MI KALSEL 2025"])
    sheet.append(["Nama", "Identitas", None, "Kontak", "L/P"])
    sheet.append([None, "NIK", "Tgl Lahir", "No. HP", None])
    sheet.merge_cells("B2:C2")
    sheet.merge_cells("A2:A3")
    sheet.merge_cells("E2:E3")
    sheet.append(["Siti Rahayu", NIK_SITI, "10 Januari 1990", "0812-3456-7890 / +62 811 222 3333", "P"])
    sheet.append(["Budi Santoso", NIK_BUDI, date(1985, 3, 2), 81234567891, "L"])
    sheet.append(["Rina Wati", "3.17E+15", 36379, "62813 4444 5555", "Perempuan"])
    sheet.append(["Dewi", NIK_RINA, "31/02/1999", "", "P"])
    for _ in range(5):
        sheet.append([None, None, None, None, None])
    secret = book.create_sheet("Rekap")
    secret.sheet_state = "hidden"
    secret.append(["Nama", "NIK"])
    secret.append(["Tersembunyi", NIK_SITI])
