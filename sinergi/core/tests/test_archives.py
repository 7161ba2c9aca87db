"""Office files are opened as archives within limits, and each refusal says why."""

import pytest

from sinergi.core import archives
from sinergi.core.testing.hostile import real_xlsx, with_parts, zip_bomb_xlsx


def refusal(data: bytes, kind: str = "xlsx") -> str:
    with pytest.raises(archives.ArchiveRefused) as caught:
        archives.office_archive_open(data, kind)
    return caught.value.code


def test_a_real_workbook_opens_and_the_other_refusals_say_why():
    assert "xl/workbook.xml" in archives.office_archive_open(real_xlsx(), "xlsx").namelist()
    assert refusal(zip_bomb_xlsx()) == "zip_bomb"
    assert refusal(real_xlsx(), "docx") == "wrong_kind"
    assert refusal(b"PK\x03\x04 bukan zip") == "broken"


@pytest.mark.parametrize(
    ("part", "code"),
    [
        ("xl/embeddings/oleObject1.bin", "embedded_object"),
        ("xl/vbaProject.bin", "macros"),
        ("xl/activeX/activeX1.xml", "macros"),
        ("xl/printerSettings/vbaProject.bin", "macros"),
    ],
)
def test_parts_that_run_code_are_refused(part, code):
    assert refusal(with_parts(real_xlsx(), {part: b"x"})) == code
