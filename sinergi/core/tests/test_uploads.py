"""Every upload is checked before it is stored (issue 14 point 6) and stored sealed."""

import io
import zipfile
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from sinergi.core import pdf_scan, uploads
from sinergi.core.errors import ApplicationError
from sinergi.core.testing.hostile import real_xlsx, with_parts


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[0x0132] = "2026:11:30 10:00:00"
    exif[ExifTags.IFD.GPSInfo] = {1: "S", 2: (6.0, 12.0, 30.0), 3: "E", 4: (106.0, 49.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG", exif=exif, comment=b"rumah penampungan")
    return out.getvalue()


def docx(parts: dict[str, bytes] | None = None, *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    parts = parts or {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "word/document.xml": b"<w:document/>",
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def inspect(name: str, data: bytes, **kwargs):
    return uploads.upload_inspect(SimpleUploadedFile(name, data), **kwargs)


def refused(name: str, data: bytes, **kwargs) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        inspect(name, data, **kwargs)
    assert caught.value.fields and caught.value.fields["file"]
    return caught.value


def test_a_photo_loses_its_gps_camera_and_time_but_keeps_its_pixels():
    original = jpeg_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    clean = inspect("foto.JPG", original)
    assert clean.content_type == "image/jpeg" and clean.metadata_removed
    stored = Image.open(io.BytesIO(clean.data))
    assert not stored.getexif() and "exif" not in stored.info and "comment" not in stored.info
    assert b"CameraMaker" not in clean.data and b"rumah penampungan" not in clean.data
    assert stored.size == (40, 30)
    assert stored.getpixel((20, 15))[0] > 150


def test_an_html_page_named_pdf_is_refused_as_active_content():
    error = refused("surat.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>")
    assert "aktif" in error.message or "active" in error.message


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("gambar.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("halaman.html", b"<html><body>hi</body></html>"),
        ("catatan.txt", b"halo <script>fetch('/')</script>"),
        ("skrip.js", b"alert(1)"),
        (
            "laporan.pdf",
            b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF",
        ),
        (
            "makro.docx",
            docx(
                {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"x", "word/vbaProject.bin": b"x"}
            ),
        ),
    ],
)
def test_active_content_is_refused_whatever_its_name(name, data):
    refused(name, data)


def test_content_must_match_the_name():
    pdf = b"%PDF-1.4\n%%EOF\n"
    assert inspect("surat.pdf", pdf).content_type == "application/pdf"
    refused("foto.jpg", pdf)
    refused("surat.pdf", jpeg_with_gps())
    refused("data.xlsx", docx())  # a Word archive named as Excel
    refused("catatan.txt", pdf)
    refused("tanpa-ekstensi", pdf)


def test_a_zip_bomb_named_docx_is_refused_without_unpacking_it():
    bomb = docx(
        {
            "[Content_Types].xml": b"<Types/>",
            "word/document.xml": b"<w:document/>",
            "word/media/big.bin": b"\0" * (50 * 1024 * 1024),
        }
    )
    assert len(bomb) < 200 * 1024
    error = refused("kontrak.docx", bomb)
    assert "zip" in error.message


def test_a_real_office_file_and_text_pass():
    assert inspect("kontrak.docx", docx()).content_type == uploads.DOCX
    assert inspect("daftar.csv", b"nama;desa\nSiti;Banjar\n").content_type == "text/plain"


def test_photo_kinds_refuse_documents_and_size_and_emptiness_are_checked():
    error = refused("surat.pdf", b"%PDF-1.4\n%%EOF\n", kinds=uploads.PHOTO_KINDS)
    assert "JPEG" in error.message
    assert refused("a.txt", b"x" * 2000, max_bytes=1000).code == "file_too_large"
    assert refused("a.txt", b"").code == "invalid_file"


def test_a_truncated_photo_is_refused_not_a_500():
    refused("foto.jpg", jpeg_with_gps()[:200])


def test_stored_files_are_sealed_on_disk_and_read_back_whole(settings):
    data = b"%PDF-1.4\nNIK 6371012345670001\n%%EOF\n"
    name = default_storage.save("test/sealed.pdf", io.BytesIO(data))
    try:
        with open(default_storage.path(name), "rb") as raw:
            on_disk = raw.read()
        assert b"6371012345670001" not in on_disk and on_disk.startswith(b"SNGF1")
        with default_storage.open(name) as handle:
            assert handle.read() == data
        assert default_storage.size(name) == len(data)
        settings.SINERGI_FIELD_KEY = "another-key"
        uploads._file_key.cache_clear()
        with pytest.raises(Exception):  # noqa: B017 (the GCM tag refuses a wrong key, whatever its class)
            default_storage.open(name).read()
    finally:
        settings.SINERGI_FIELD_KEY = "test-field-key"
        default_storage.delete(name)


def test_a_workbook_with_its_printer_set_up_is_a_normal_office_file():
    # Excel stores a sheet's printer set-up as a .bin part: not code, so not refused as macros.
    workbook = with_parts(real_xlsx(), {"xl/printerSettings/printerSettings1.bin": b"\0" * 64})
    assert inspect("daftar.xlsx", workbook).content_type == uploads.XLSX
    refused("daftar.xlsx", with_parts(real_xlsx(), {"xl/activeX/activeX1.bin": b"\0" * 64}))
    refused("daftar.xlsx", with_parts(real_xlsx(), {"xl/printerSettings/vbaProject.bin": b"\0" * 64}))


@pytest.mark.parametrize(
    ("name", "part"),
    [
        ("kontrak.docx", "word/embeddings/oleObject1.OLE"),
        ("kontrak.docx", "word/embeddings/oleObject1.bin"),
        ("daftar.xlsx", "xl/embeddings/Paket.exe"),
    ],
)
def test_an_office_file_holding_an_embedded_object_is_refused_and_says_so(name, part):
    base = docx() if name.endswith(".docx") else real_xlsx()
    error = refused(name, with_parts(base, {part: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512}))
    assert "objek tersemat" in error.message
    assert error.fields == {"file": ["Objek tersemat."]}


def test_a_report_with_a_chart_is_an_ordinary_document():
    # Word keeps a chart's numbers as a plain workbook under word/embeddings/: data, not a program.
    report = with_parts(docx(), {"word/embeddings/Microsoft_Excel_Worksheet.xlsx": real_xlsx()})
    assert inspect("laporan.docx", report).content_type == uploads.DOCX


@pytest.mark.parametrize("offset", [70 * 1024, 64 * 1024 - 3, 3 * 64 * 1024 - 256 * 2 - 4])
def test_a_script_deep_inside_a_text_file_is_found(offset):
    # After the first 64 KiB, and across the boundary of the chunks the file is read in.
    line = b"Siti;Banjar;2025-01-10\n"
    text = (line * (offset // len(line) + 1))[:offset]
    error = refused("catatan.txt", text + b"<script>fetch('/')</script>\n" + line * 10)
    assert "aktif" in error.message
    assert inspect("catatan.txt", text + b"< 3 tahun, bukan skrip\n").content_type == "text/plain"


def test_a_multi_picture_jpeg_from_a_phone_is_stored_as_its_first_picture_without_metadata():
    exif = Image.Exif()
    exif[0x010F] = "CameraMaker"
    exif[ExifTags.IFD.GPSInfo] = {1: "S", 2: (6.0, 12.0, 30.0)}
    photo, depth_map = Image.new("RGB", (40, 30), (200, 30, 30)), Image.new("RGB", (40, 30), (0, 0, 200))
    out = io.BytesIO()
    photo.save(out, "MPO", save_all=True, append_images=[depth_map], exif=exif)
    assert Image.open(io.BytesIO(out.getvalue())).format == "MPO"
    clean = inspect("IMG_2031.jpg", out.getvalue())
    assert clean.content_type == "image/jpeg" and clean.metadata_removed
    stored = Image.open(io.BytesIO(clean.data))
    assert stored.format == "JPEG" and getattr(stored, "n_frames", 1) == 1
    assert not stored.getexif() and b"CameraMaker" not in clean.data
    assert stored.getpixel((20, 15))[0] > 150  # the photo, not the picture after it


def pdf_with_stream(content: bytes, dictionary: bytes = b"/Type /ObjStm /N 1 /First 4") -> bytes:
    packed = zlib.compress(content)
    return (
        b"%PDF-1.5\n5 0 obj\n<< "
        + dictionary
        + b" /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream\nendobj\n%%EOF\n"
    )


@pytest.mark.parametrize(
    "pdf",
    [
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /J#61vaScript /J#53 (app.alert(1)) >> >>\n%%EOF",
        b"%PDF-1.4\n1 0 obj << /AA << /O << /S /#4c#61#75#6E#63#68 /F (cmd.exe) >> >> >>\n%%EOF",
        pdf_with_stream(b"1 0 << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"),
        pdf_with_stream(b"1 0 << /Names << /Embedded#46ile 2 0 R >> >>"),
        # Deep in a large object stream, across the chunks it is unpacked in.
        pdf_with_stream(b" " * (1024 * 1024 - 5) + b"/JavaScript"),
    ],
    ids=["escaped-javascript", "escaped-launch", "object-stream", "escaped-in-stream", "across-chunks"],
)
def test_pdf_javascript_is_found_behind_name_escapes_and_inside_compressed_streams(pdf):
    assert "aktif" in refused("laporan.pdf", pdf).message


def test_a_pdf_with_ordinary_compressed_pages_passes_and_a_compressed_bomb_is_refused(monkeypatch):
    page = pdf_with_stream(b"BT /F1 12 Tf 72 712 Td (Laporan kasus) Tj ET", b"")
    assert inspect("laporan.pdf", page).content_type == "application/pdf"
    monkeypatch.setattr(pdf_scan, "MAX_UNPACKED_BYTES", 8 * 1024 * 1024)  # 200 MiB: the same, slower
    bomb = pdf_with_stream(b"\0" * (8 * 1024 * 1024 + 1), b"")
    assert len(bomb) < 64 * 1024
    assert "PDF" in refused("laporan.pdf", bomb).message


def test_an_encrypted_pdf_is_refused_and_the_message_says_why():
    encrypted = b"%PDF-1.6\n1 0 obj << /Type /Catalog >>\ntrailer << /Root 1 0 R /Encrypt 9 0 R >>\n%%EOF"
    error = refused("rekening.pdf", encrypted)
    assert "terenkripsi" in error.message and "kata sandi" in error.message


def test_javascript_behind_a_filter_chain_is_refused_at_upload():
    import binascii

    hidden = binascii.hexlify(zlib.compress(b"1 0 << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"))
    pdf = (
        b"%PDF-1.5\n5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter [/ASCIIHexDecode /FlateDecode] >>\nstream\n"
        + hidden
        + b">\nendstream\nendobj\n%%EOF\n"
    )
    assert "aktif" in refused("laporan.pdf", pdf).message
