"""Reading attendance files (plain Python)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from sinergi.core.testing.hostile import real_xlsx, zip_bomb_xlsx
from sinergi.outreach.attendance import UnreadableFile, age_group_of, read_attendance


def test_a_csv_with_indonesian_columns_is_read():
    data = b"nama;jenis_kelamin;umur;desa\nSiti;P;17;Pringgabaya\nBudi;L;45;\n"
    rows, errors = read_attendance("hadir.csv", data)
    assert errors == []
    assert [(r.full_name, r.sex, r.age_group, r.village) for r in rows] == [
        ("Siti", "F", "U18", "Pringgabaya"),
        ("Budi", "M", "40P", ""),
    ]


def test_broken_rows_are_reported_with_their_line_numbers():
    data = b"nama,jenis_kelamin,umur\nSiti,P,20\n,L,30\nAni,X,22\nDodi,L,tua\n"
    _rows, errors = read_attendance("hadir.csv", data)
    assert [(e.line, e.problem) for e in errors] == [(3, "missing_name"), (4, "bad_sex"), (5, "bad_age")]


def test_an_xlsx_list_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["Nama", "Jenis Kelamin", "Umur"])
    sheet.append(["Rina", "Perempuan", 33])
    buffer = io.BytesIO()
    book.save(buffer)
    rows, errors = read_attendance("hadir.xlsx", buffer.getvalue())
    assert errors == [] and rows[0].age_group == "18_39" and rows[0].sex == "F"


@pytest.mark.parametrize(
    ("name", "data", "code"),
    [
        ("a.pdf", b"%PDF", "bad_type"),
        ("a.csv", b"\xff\xfe\x00", "not_utf8"),
        ("a.xlsx", b"not a zip", "bad_xlsx"),
        ("a.csv", b"name,age\nx,1\n", "missing_columns"),
        ("a.csv", b"", "empty"),
        ("a.csv", real_xlsx(), "binary"),
        ("a.xlsx", b"nama,jenis_kelamin,umur\nSiti,P,20\n", "bad_xlsx"),
    ],
)
def test_unreadable_files_say_why(name, data, code):
    with pytest.raises(UnreadableFile) as caught:
        read_attendance(name, data)
    assert caught.value.code == code


def test_age_groups():
    assert [age_group_of(v) for v in ("17", "18", "39", "40", "40+", "-1", "abc")] == [
        "U18",
        "18_39",
        "18_39",
        "40P",
        "40P",
        None,
        None,
    ]


def test_a_zip_bomb_named_xlsx_is_refused_before_it_is_unpacked(monkeypatch):
    import python_calamine

    def never(*args, **kwargs):
        raise AssertionError("calamine opened a zip bomb")

    monkeypatch.setattr(python_calamine.CalamineWorkbook, "from_filelike", never)
    with pytest.raises(UnreadableFile) as caught:
        read_attendance("hadir.xlsx", zip_bomb_xlsx())
    assert (caught.value.code, caught.value.reason) == ("archive", "zip_bomb")


def test_a_word_archive_named_xlsx_is_not_read_as_a_workbook():
    word = io.BytesIO()
    with zipfile.ZipFile(word, "w") as archive:
        archive.writestr("[Content_Types].xml", b"<Types/>")
        archive.writestr("word/document.xml", b"<w:document/>")
    with pytest.raises(UnreadableFile) as caught:
        read_attendance("hadir.xlsx", word.getvalue())
    assert caught.value.code == "bad_xlsx"
