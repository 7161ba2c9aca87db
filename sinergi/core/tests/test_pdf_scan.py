"""The PDF check reads streams through their whole filter chain, as a reader would, and refuses what it cannot
read: a script hidden behind ASCIIHex, ASCII85, LZW, run-length or a predictor is found; an encrypted file is
refused; a bomb behind any filter stops at the limit."""

import base64
import binascii
import io
import zlib

import pytest
from PIL import Image

from sinergi.core import pdf_filters
from sinergi.core.pdf_scan import PdfRefused, pdf_check

SCRIPT = b"1 0 << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"
OBJECT_STREAM = b"/Type /ObjStm /N 1 /First 4"


def pdf(body: bytes, dictionary: bytes) -> bytes:
    return (
        b"%PDF-1.5\n5 0 obj\n<< "
        + dictionary
        + b" /Length %d >>\nstream\n" % len(body)
        + body
        + b"\nendstream\nendobj\n%%EOF\n"
    )


def refusal(data: bytes, **kwargs) -> str:
    with pytest.raises(PdfRefused) as caught:
        pdf_check(data, **kwargs)
    return caught.value.code


def lzw(data: bytes) -> bytes:
    """`data` LZW-compressed by libtiff (through Pillow): TIFF's LZW is PDF's with EarlyChange 1, and an
    encoder written by someone else tests the decoder better than one written beside it."""
    out = io.BytesIO()
    Image.frombytes("L", (len(data), 1), data).save(out, "TIFF", compression="tiff_lzw")
    written = Image.open(io.BytesIO(out.getvalue()))
    offset, size = written.tag_v2[273][0], written.tag_v2[279][0]
    return out.getvalue()[offset : offset + size]


def run_length(data: bytes) -> bytes:
    """Literal runs of at most 128 bytes, then the end-of-data mark."""
    return b"".join(
        bytes([len(data[i : i + 128]) - 1]) + data[i : i + 128] for i in range(0, len(data), 128)
    ) + (b"\x80")


def png_sub(data: bytes, columns: int) -> bytes:
    """Each row stored as PNG's "Sub" differences (row type 1), as /Predictor 12 /Columns n reads it."""
    rows = [data[i : i + columns].ljust(columns, b" ") for i in range(0, len(data), columns)]
    return b"".join(
        b"\x01" + bytes((row[i] - (row[i - 1] if i else 0)) & 0xFF for i in range(columns)) for row in rows
    )


def a85(data: bytes) -> bytes:
    return base64.a85encode(data, wrapcol=64) + b"~>"


@pytest.mark.parametrize(
    ("body", "dictionary"),
    [
        (binascii.hexlify(zlib.compress(SCRIPT)) + b">", b"/Filter [/ASCIIHexDecode /FlateDecode]"),
        (a85(zlib.compress(SCRIPT)), b"/Filter [/ASCII85Decode /FlateDecode]"),
        (a85(SCRIPT), b"/Filter /ASCII85Decode"),
        (binascii.hexlify(SCRIPT), b"/Filter /AHx"),
        (lzw(SCRIPT * 40), b"/Filter /LZWDecode"),
        (a85(lzw(SCRIPT)), b"/Filter [/A85 /LZW]"),
        (run_length(SCRIPT), b"/Filter /RunLengthDecode"),
        (
            zlib.compress(png_sub(SCRIPT, 8)),
            b"/Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 8 >>",
        ),
        (
            binascii.hexlify(zlib.compress(png_sub(SCRIPT, 5))),
            b"/Filter [/AHx /Fl] /DecodeParms [null << /Predictor 11 /Columns 5 >>]",
        ),
        (binascii.hexlify(zlib.compress(SCRIPT)), b"/Filter [/ASCII#48exDecode /Fl#61teDecode]"),
        # A string holding `obj` after the filter must not hide it.
        (binascii.hexlify(zlib.compress(SCRIPT)), b"/Filter [/AHx /Fl] /Note (obj)"),
        # A decoy chain before the real one is tried as well.
        (binascii.hexlify(zlib.compress(SCRIPT)), b"/Note (/Filter /DCTDecode) /Filter [/AHx /Fl]"),
    ],
    ids=[
        "hex-flate",
        "a85-flate",
        "a85",
        "hex-short-name",
        "lzw",
        "a85-lzw",
        "run-length",
        "flate-png-predictor",
        "hex-flate-predictor-array",
        "escaped-filter-names",
        "obj-in-a-string",
        "decoy-filter",
    ],
)
def test_a_script_behind_a_filter_chain_is_found(body, dictionary):
    assert refusal(pdf(body, OBJECT_STREAM + b" " + dictionary)) == "active"


def test_a_filter_chain_named_by_reference_is_followed():
    body = binascii.hexlify(zlib.compress(SCRIPT))
    data = pdf(body, OBJECT_STREAM + b" /Filter 8 0 R").replace(b"%%EOF", b"8 0 obj [/AHx /Fl] endobj\n%%EOF")
    assert refusal(data) == "active"


def test_a_body_holding_the_word_endstream_is_read_to_its_length():
    # ASCII85 text may spell "endstream"; a reader goes by /Length, and so does the check when it says more.
    body = b"endstream!" + a85(SCRIPT)
    assert refusal(pdf(body, OBJECT_STREAM + b" /Filter /ASCII85Decode")) == "active"
    by_reference = pdf(body, OBJECT_STREAM + b" /Filter /A85 /Length 6 0 R").replace(
        b" /Length %d" % len(body), b""
    )
    by_reference = by_reference.replace(b"%%EOF", b"6 0 obj %d endobj\n%%EOF" % len(body))
    assert b"/Length 6 0 R >>" in by_reference and refusal(by_reference) == "active"


def test_decoy_filters_cost_the_budget_they_make_the_check_spend():
    decoys = b" ".join(b"(/Filter [/AHx /Fl /RL%d])" % n for n in range(200))
    body = binascii.hexlify(zlib.compress(b"BT (Laporan) Tj ET")) * 500
    assert (
        refusal(pdf(body, decoys + b" /Filter [/AHx /Fl]"), max_unpacked=1024 * 1024) == "too_much_unpacked"
    )


def test_ordinary_streams_under_every_filter_pass():
    page = b"BT /F1 12 Tf 72 712 Td (Laporan kasus) Tj ET\n" * 50
    for body, dictionary in [
        (binascii.hexlify(zlib.compress(page)) + b">", b"/Filter [/AHx /Fl]"),
        (a85(page), b"/Filter /A85"),
        (lzw(page), b"/Filter /LZWDecode"),
        (run_length(page), b"/Filter /RunLengthDecode"),
        (b"\xff\xd8\xff\xe0 a picture", b"/Subtype /Image /Filter [/AHx /DCTDecode]"),
        (
            zlib.compress(png_sub(page, 16)),
            OBJECT_STREAM + b" /Filter /Fl /DecodeParms << /Predictor 12 /Columns 16 >>",
        ),
    ]:
        pdf_check(pdf(body, dictionary))


@pytest.mark.parametrize(
    ("body", "dictionary"),
    [
        (binascii.hexlify(zlib.compress(b"\0" * (2 * 1024 * 1024))), b"/Filter [/AHx /Fl]"),
        (a85(zlib.compress(b"\0" * (2 * 1024 * 1024))), b"/Filter [/A85 /Fl]"),
        (b"\x81\0" * 20_000, b"/Filter /RunLengthDecode"),  # each pair: 128 zeros
        (lzw(b"\0" * (2 * 1024 * 1024)), b"/Filter /LZWDecode"),
        # The bomb is the intermediate result: a Flate stream that unpacks to more hex than the limit.
        (zlib.compress(b"00" * (2 * 1024 * 1024)), b"/Filter [/Fl /AHx]"),
    ],
    ids=["hex-flate", "a85-flate", "run-length", "lzw", "intermediate"],
)
def test_a_bomb_behind_any_filter_stops_at_the_limit(body, dictionary):
    assert len(body) < 200_000
    assert refusal(pdf(body, dictionary), max_unpacked=1024 * 1024) == "too_much_unpacked"


def test_a_predictor_is_undone_within_its_own_limit(monkeypatch):
    from sinergi.core import pdf_scan

    monkeypatch.setattr(pdf_scan, "MAX_PREDICTED_BYTES", 64 * 1024)
    body = zlib.compress(png_sub(b" " * 100_000, 100))
    data = pdf(body, OBJECT_STREAM + b" /Filter /Fl /DecodeParms << /Predictor 12 /Columns 100 >>")
    assert refusal(data) == "too_much_unpacked"


@pytest.mark.parametrize(
    "trailer",
    [
        b"trailer << /Size 9 /Root 1 0 R /Encrypt 7 0 R >>",
        b"trailer << /Root 1 0 R /Encrypt << /Filter /Standard /V 2 /R 3 >> >>",
        b"trailer << /Root 1 0 R /Encr#79pt 7 0 R >>",
        # A cross-reference stream's dictionary stands for the trailer in PDF 1.5 and later.
        b"9 0 obj << /Type /XRef /Size 10 /Encrypt 7 0 R /Length 0 >>\nstream\n\nendstream\nendobj",
    ],
    ids=["reference", "inline", "escaped", "xref-stream"],
)
def test_an_encrypted_pdf_is_refused(trailer):
    assert refusal(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n" + trailer + b"\n%%EOF\n") == "encrypted"


def test_encrypt_metadata_alone_is_not_encryption():
    pdf_check(b"%PDF-1.7\n1 0 obj << /Type /Catalog /EncryptMetadata false >> endobj\n%%EOF\n")


def test_each_filter_decodes_the_standard_forms():
    def decoded(name: str, data: bytes, **parameters: int) -> bytes:
        return b"".join(pdf_filters.decode(name, data, limit=10**7, parameters=parameters))

    assert decoded("ASCIIHexDecode", b"48 65 6c\n6C 6f 7>trailing") == b"Hello\x70"
    assert decoded("ASCII85Decode", b'87cURD]i,"Ebo80~>\n') == b"Hello World!"
    assert decoded("ASCII85Decode", b"<~z~>") == b"\0\0\0\0"
    assert decoded("RunLengthDecode", b"\x02abc\xfdx\x80ignored") == b"abcxxxx"
    varied = bytes(range(256)) * 40 + b"sinergi " * 500
    assert decoded("LZWDecode", lzw(varied)) == varied  # the code width grows to 12 bits and the table resets
    with pytest.raises(pdf_filters.FilterBroken):
        decoded("ASCIIHexDecode", b"4G>")
