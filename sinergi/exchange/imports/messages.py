"""The words the import uses to explain a refusal: one message per stable code (reader.py, cells.py, rows.py)."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sinergi.core.uploads import archive_message

FILE_MESSAGES = {
    "too_large": gettext_lazy("The file is too large: at most %(limit_mb)s MB. Split it into several files."),
    "empty": gettext_lazy("The file is empty."),
    "wrong_type": gettext_lazy(
        "This is not a spreadsheet. Upload a CSV file or an Excel workbook (.xlsx), for example the template."
    ),
    "encoding": gettext_lazy("The file's characters cannot be read. Save it as CSV UTF-8 and try again."),
    "too_many_rows": gettext_lazy("The file has more than %(limit)s rows. Split it into several files."),
    "csv_broken": gettext_lazy("The CSV file is broken near line %(line)s (an unclosed quotation mark?)."),
    "password": gettext_lazy(
        "The workbook is protected by a password. Remove the password and upload again."
    ),
    "excel_broken": gettext_lazy("The workbook cannot be read: it is damaged or not really an Excel file."),
    "no_sheet": gettext_lazy("The workbook has no sheet with data."),
    "no_visible_sheet": gettext_lazy(
        "Every sheet of the workbook is hidden. Unhide the sheet with the data."
    ),
    "no_header": gettext_lazy(
        "No header row was found: the first rows of the sheet must name the columns (for example Nama "
        "lengkap, NIK, Tanggal lahir), as in the template."
    ),
    "no_rows": gettext_lazy("The sheet has a header but no rows of data below it."),
}

CELL_MESSAGES = {
    "required": gettext_lazy("%(column)s is required."),
    "date_format": gettext_lazy(
        '%(column)s: "%(value)s" is not a date (write 7 Agustus 2025, 07/08/2025 or 2025-08-07).'
    ),
    "date_invalid": gettext_lazy("%(column)s: %(value)s is not a date that exists."),
    "nik_scientific": gettext_lazy(
        "%(column)s: Excel turned the NIK into the number %(value)s and lost its last digits. Format the "
        "column as Text, type the NIK again and upload the file again."
    ),
    "nik_number": gettext_lazy(
        "%(column)s: the NIK is stored as a number; Excel keeps only 15 digits, so its last digit may be lost. "
        "Format the column as Text and type the NIK again."
    ),
    "nik_format": gettext_lazy("%(column)s: a NIK has exactly 16 digits."),
    "phone_scientific": gettext_lazy(
        "%(column)s: Excel turned the phone number into %(value)s. Format the column as Text and type it again."
    ),
    "phone": gettext_lazy('%(column)s: "%(value)s" is not a valid phone number.'),
    "sex": gettext_lazy('%(column)s: "%(value)s" is not a sex; write L or P.'),
    "number": gettext_lazy('%(column)s: "%(value)s" is not a whole number.'),
    "country": gettext_lazy('%(column)s: "%(value)s" is not a country (write the ISO code, e.g. MY).'),
    "region": gettext_lazy('%(column)s: "%(value)s" is not a Kemendagri region code.'),
    "choice": gettext_lazy('%(column)s: "%(value)s" is not one of the choices (%(choices)s).'),
    "duplicate_row": gettext_lazy("The same row as row %(row)s of this file."),
    "duplicate_nik": gettext_lazy("The same NIK as row %(row)s of this file."),
    "victim_name": gettext_lazy("A victim's NIK or details need the victim's full name."),
}


def file_message(code: str, params: dict) -> str:
    if code == "archive":  # refused by core.archives: the same words as for any uploaded office file
        return archive_message(params["reason"])
    return str(FILE_MESSAGES.get(code, FILE_MESSAGES["excel_broken"])) % params


def cell_message(code: str, params: dict) -> str:
    template = CELL_MESSAGES.get(code)
    if template is None:
        return _("%(column)s is not valid.") % params
    return str(template) % params
