"""Office files opened as the zip archives they are, within limits. Pure Python, no Django.

    archive = archives.office_archive_open(data, "xlsx")   # raises ArchiveRefused, unpacks nothing

Every reader of an office file goes through `office_archive_open` before any library parses it: the upload
checks (`core.uploads`), the spreadsheet import and the attendance list. openpyxl and calamine unpack what an
archive asks for, so a 300 KB workbook that unpacks to 300 MiB would otherwise reach them.
"""

from __future__ import annotations

import io
import zipfile

# A real Word or Excel file is far below all of them.
ZIP_MAX_ENTRIES = 2_000
ZIP_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
ZIP_MAX_RATIO = 200

# The parts an archive of each kind always has: a Word archive named .xlsx is told apart from a workbook.
OFFICE_PARTS = {
    "docx": ("[Content_Types].xml", "word/document.xml"),
    "xlsx": ("[Content_Types].xml", "xl/workbook.xml"),
    "ods": ("content.xml",),
}


class ArchiveRefused(ValueError):
    """An office file refused before it is unpacked. `code` is stable:

    - `broken`: not a zip archive at all; `wrong_kind`: a zip, but not of the kind its name says;
    - `too_many_parts`, `zip_bomb`: beyond the limits above;
    - `macros`: macros, ActiveX or scripts; `embedded_object`: an embedded (OLE) object.
    """

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def office_archive_open(data: bytes, kind: str) -> zipfile.ZipFile:
    """The archive of an office file of `kind` ("docx", "xlsx", "ods"), checked from its directory only."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise ArchiveRefused("broken") from error
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ArchiveRefused("too_many_parts")
    unpacked = 0
    for entry in entries:
        unpacked += entry.file_size
        # The sizes are the archive's own claims: checked before anything is unpacked.
        if entry.file_size > ZIP_MAX_RATIO * max(entry.compress_size, 1) or unpacked > ZIP_MAX_UNPACKED_BYTES:
            raise ArchiveRefused("zip_bomb")
        lowered = entry.filename.lower()
        # word/embeddings/, xl/embeddings/, ppt/embeddings/: another program's file (an OLE object, a package)
        # that the office program opens, and runs, when the reader double-clicks it. A chart keeps its data
        # there as a plain workbook (.xlsx, which cannot hold macros: those need .xlsm): a report with a chart
        # is an ordinary case document, so that one kind is let through.
        if "/embeddings/" in f"/{lowered}" and not lowered.endswith(".xlsx"):
            raise ArchiveRefused("embedded_object")
        # Excel writes the printer set-up of a sheet as a .bin part; every other binary part can run code.
        is_printer_settings = "/printersettings/" in lowered
        if (
            lowered.endswith(("vbaproject.bin", ".js"))
            or "activex" in lowered
            or (lowered.endswith(".bin") and not is_printer_settings)
        ):
            raise ArchiveRefused("macros")
    names = {entry.filename for entry in entries}
    if not all(part in names for part in OFFICE_PARTS[kind]):
        raise ArchiveRefused("wrong_kind")
    if "[Content_Types].xml" in names:
        content_types = archive.read("[Content_Types].xml")
        if b"macroEnabled" in content_types or b"vbaProject" in content_types:
            raise ArchiveRefused("macros")
    return archive
