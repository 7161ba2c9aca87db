"""Hostile files the tests build in memory: what an attacker would upload instead of a real document."""

from __future__ import annotations

import io
import zipfile
from functools import cache

MIB = 1024 * 1024


def real_xlsx(rows: list[list] | None = None) -> bytes:
    """A plain workbook written by openpyxl (the header of an attendance list unless `rows` say otherwise)."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows or [["nama", "jenis_kelamin", "umur"], ["Siti", "P", 20]]:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def with_parts(data: bytes, parts: dict[str, bytes]) -> bytes:
    """The office file `data` with `parts` added or replacing its own."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for entry in source.infolist():
            if entry.filename not in parts:
                target.writestr(entry, source.read(entry))
        for name, content in parts.items():
            target.writestr(name, content)
    return out.getvalue()


@cache  # a second or two to write: built once per test run
def zip_bomb_xlsx(unpacked_mib: int = 300) -> bytes:
    """A real workbook whose first sheet unpacks to `unpacked_mib` MiB of blanks: a few hundred KB on disk.

    The sheet is written in chunks, so the test never holds the unpacked sheet in memory."""
    out = io.BytesIO()
    chunk = b" " * MIB
    with (
        zipfile.ZipFile(io.BytesIO(real_xlsx())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in source.infolist():
            if entry.filename != "xl/worksheets/sheet1.xml":
                bomb.writestr(entry, source.read(entry))
                continue
            sheet = source.read(entry)
            cut = sheet.index(b"<sheetData>") + len(b"<sheetData>")
            info = zipfile.ZipInfo(entry.filename)
            info.compress_type = zipfile.ZIP_DEFLATED
            with bomb.open(info, "w", force_zip64=True) as target:
                target.write(sheet[:cut])
                for _ in range(unpacked_mib):
                    target.write(chunk)
                target.write(sheet[cut:])
    return out.getvalue()
