"""Checks every uploaded file before it is stored, and stores it encrypted.

    from sinergi.core import uploads

    clean = uploads.upload_inspect(request.FILES["file"])                 # a case document
    clean = uploads.upload_inspect(photo, kinds=uploads.PHOTO_KINDS)        # a photo only (the portal)
    document.file.save("upload", clean.as_content_file(), save=False)       # encrypted by the storage

`upload_inspect` reads the file once and returns a `CleanUpload` (the bytes to store, the real content type,
the SHA-256 of what is stored) or raises `ApplicationError` with code `file_too_large` / `invalid_file` and a
translated message for the `file` field. What it guarantees:

- the name's extension is one Sinergi accepts, and the content is that type (magic bytes); an HTML page named
  `.pdf` or a script named `.jpg` is refused;
- active content is refused whatever the name: HTML, SVG, XML, scripts anywhere in a text file, PDF JavaScript,
  launch actions and embedded files (`core.pdf_scan`: names read with their #xx escapes written out, streams
  decoded through their filter chains within a limit), office files with macros or embedded objects; an
  encrypted PDF is refused too, since nothing inside it can be read to be checked;
- office files are opened as the zip archives they are, within limits (entries, total unpacked size, ratio),
  so a zip bomb named `.docx` is refused without being unpacked (`core.archives`, which the spreadsheet
  readers go through too);
- photos are decoded (within Pillow's pixel limit) and written again without their metadata (GPS position,
  camera, time: EXIF, XMP, IPTC, comments), turned upright first so nothing looks rotated.

`EncryptedFileSystemStorage` (the default storage) seals every stored file with AES-256-GCM under a key derived
from SINERGI_FIELD_KEY for this purpose only, like the identifiers in the database.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import warnings
from dataclasses import dataclass
from functools import lru_cache
from pathlib import PurePath

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext as _

from sinergi.core import archives, pdf_scan
from sinergi.core.errors import ApplicationError

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"

# The extension a file is named with -> the one type its content must have.
EXTENSION_TYPES = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".webp": WEBP,
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".txt": TEXT,
    ".csv": TEXT,
}
PHOTO_KINDS = frozenset({JPEG, PNG, WEBP})
DOCUMENT_KINDS = frozenset({PDF, DOCX, XLSX, TEXT}) | PHOTO_KINDS

# Pillow's own guard against decompression bombs, made an error instead of a warning.
MAX_IMAGE_PIXELS = 50_000_000

_OOXML_KIND = {DOCX: "docx", XLSX: "xlsx"}
# The whitespace is bounded so a match has a longest length, which the chunk overlap below is larger than.
_MARKUP = re.compile(
    rb"<\s{0,32}(!doctype\s{1,32}html|html|head|body|script|svg|iframe|object|embed|\?xml)\b", re.I
)
_MARKUP_CHUNK = 64 * 1024
_MARKUP_OVERLAP = 256
_PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG", WEBP: "WEBP"}
# What Pillow may report for each type: many phone cameras write a JPEG with more pictures after the photo
# (MPO: a depth map, a preview). Only the first picture, the photo, is stored, as a plain JPEG.
_PILLOW_READS = {JPEG: {"JPEG", "MPO"}, PNG: {"PNG"}, WEBP: {"WEBP"}}


@dataclass(frozen=True)
class CleanUpload:
    """A file that passed every check: `data` is what to store (a photo already without its metadata)."""

    data: bytes
    content_type: str
    original_name: str
    metadata_removed: bool

    @property
    def size(self) -> int:
        return len(self.data)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def as_content_file(self) -> ContentFile:
        return ContentFile(self.data)


def _refuse(message: str, short: str, code: str = "invalid_file") -> ApplicationError:
    return ApplicationError(message, code=code, fields={"file": [short]})


def _not_accepted(kinds: frozenset[str]) -> ApplicationError:
    if kinds <= PHOTO_KINDS:
        message = _("This kind of file is not accepted: upload a photo (JPEG, PNG or WebP).")
    else:
        message = _(
            "This kind of file is not accepted: upload a PDF, an image (JPEG, PNG, WebP), a Word or Excel file, "
            "or plain text."
        )
    return _refuse(message, _("Type not accepted."))


def _mismatch() -> ApplicationError:
    return _refuse(
        _("The file's content does not match its name: it is not the kind of file its extension says."),
        _("Content does not match the name."),
    )


def _active() -> ApplicationError:
    return _refuse(
        _("The file contains active content (a web page, a script or macros) and cannot be stored."),
        _("Active content."),
    )


def _sniff(data: bytes) -> str | None:
    """The type the content itself announces, among those Sinergi accepts (text is decided later)."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return WEBP
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    return None


def archive_message(code: str) -> str:
    """The words for an office file `archives.office_archive_open` refused (shared by every reader of one)."""
    if code == "too_many_parts":
        return _("The office file is not a normal document (too many parts).")
    if code == "zip_bomb":
        return _("The office file unpacks to far more than its size (a zip bomb) and is refused.")
    if code == "macros":
        return _("The file contains active content (a web page, a script or macros) and cannot be stored.")
    if code == "embedded_object":
        return _(
            "The office file holds an embedded object (a file of another program inside it) and cannot be "
            "stored. Save it without the object and upload it again."
        )
    return _("The file's content does not match its name: it is not the kind of file its extension says.")


def _check_office(data: bytes, content_type: str) -> None:
    try:
        archives.office_archive_open(data, _OOXML_KIND[content_type])
    except archives.ArchiveRefused as refusal:
        if refusal.code in ("broken", "wrong_kind"):
            raise _mismatch() from refusal
        if refusal.code == "macros":
            raise _active() from refusal
        if refusal.code == "embedded_object":
            raise _refuse(archive_message(refusal.code), _("Embedded object.")) from refusal
        raise _refuse(archive_message(refusal.code), _("Not a normal document.")) from refusal


def _check_pdf(data: bytes) -> None:
    try:
        pdf_scan.pdf_check(data)
    except pdf_scan.PdfRefused as refusal:
        if refusal.code == "active":
            raise _active() from refusal
        if refusal.code == "encrypted":
            raise _refuse(
                _(
                    "The PDF is encrypted (protected with a password), so its content cannot be checked. Save "
                    "or print it again without a password and upload that."
                ),
                _("Encrypted PDF."),
            ) from refusal
        raise _refuse(
            _(
                "The PDF unpacks to far more than can be checked and is refused. Print it to a new PDF, with "
                "smaller images, and upload that."
            ),
            _("Not a normal document."),
        ) from refusal


def _has_markup(data: bytes) -> bool:
    """Whether a tag of a web page, an SVG or XML appears anywhere in `data`: a browser finds a <script> at the
    end of a file as well as at its start. Read in chunks that overlap, so a tag across two chunks is found."""
    step = _MARKUP_CHUNK - _MARKUP_OVERLAP
    return any(
        _MARKUP.search(data, start, start + _MARKUP_CHUNK) for start in range(0, max(len(data), 1), step)
    )


def _check_text(data: bytes) -> None:
    if b"\x00" in data:
        raise _mismatch()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _mismatch() from error
    if _has_markup(data):
        raise _active()


def _strip_photo(data: bytes, content_type: str) -> bytes:
    """Decodes the photo and writes its pixels again, without GPS, camera, time or any other metadata."""
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in _PILLOW_READS[content_type]:
                    raise _mismatch()
                image.load()
                upright = ImageOps.exif_transpose(image)
        if upright.mode not in ("RGB", "RGBA", "L", "LA") or (content_type == JPEG and upright.mode != "RGB"):
            upright = upright.convert(
                "RGBA" if content_type != JPEG and "transparency" in upright.info else "RGB"
            )
        # Only the pixels are carried over: a new image has no EXIF, XMP, IPTC, ICC profile or comment to write.
        clean = Image.frombytes(upright.mode, upright.size, upright.tobytes())
        out = io.BytesIO()
        options = {"quality": 90} if content_type in (JPEG, WEBP) else {}
        clean.save(out, format=_PILLOW_FORMATS[content_type], **options)
        return out.getvalue()
    except ApplicationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise _refuse(_("The image is too large to process."), _("Too large.")) from error
    except (OSError, SyntaxError, ValueError) as error:
        raise _mismatch() from error


def upload_inspect(
    uploaded_file, *, kinds: frozenset[str] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CleanUpload:
    """Reads and checks an uploaded file (a Django `UploadedFile` or any file with `.name` and `.read()`).

    Returns what to store; raises `ApplicationError` (nothing stored, nothing changed) when the file is empty,
    too large, of a kind not in `kinds`, not what its name says, or active.
    """
    limit = max_bytes or settings.SINERGI_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is not None and size > limit:
        raise _too_large(limit)
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    data = uploaded_file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(limit)
    if not data:
        raise _refuse(_("The file is empty."), _("Empty."))
    original_name = PurePath(str(getattr(uploaded_file, "name", "") or "document")).name[:200]
    claimed = EXTENSION_TYPES.get(os.path.splitext(original_name)[1].lower())
    sniffed = _sniff(data)
    if claimed is None or claimed not in kinds:
        if sniffed is None and _has_markup(data):
            raise _active()
        raise _not_accepted(kinds)
    if claimed in (DOCX, XLSX):
        if sniffed != "zip":
            raise _active() if _has_markup(data) else _mismatch()
        _check_office(data, claimed)
    elif claimed == TEXT:
        if sniffed is not None:
            raise _mismatch()
        _check_text(data)
    elif sniffed != claimed:
        raise _active() if _has_markup(data) else _mismatch()
    if claimed == PDF:
        _check_pdf(data)
    metadata_removed = False
    if claimed in PHOTO_KINDS:
        data = _strip_photo(data, claimed)
        metadata_removed = True
    return CleanUpload(
        data=data, content_type=claimed, original_name=original_name, metadata_removed=metadata_removed
    )


def _too_large(limit: int) -> ApplicationError:
    return _refuse(
        _("The file is too large (at most %(mb)s MB).") % {"mb": limit // (1024 * 1024)},
        _("Too large."),
        code="file_too_large",
    )


# ---------------------------------------------------------------------------------------------------------
# Encryption at rest

_SEALED_MAGIC = b"SNGF1"  # a format version, so a key rotation can tell which key sealed a file


@lru_cache(maxsize=4)
def _file_key(master: str) -> bytes:
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"sinergi-field-key", info=b"stored-files").derive(
        master.encode("utf-8")
    )


def seal(data: bytes) -> bytes:
    nonce = os.urandom(12)
    return (
        _SEALED_MAGIC
        + nonce
        + AESGCM(_file_key(settings.SINERGI_FIELD_KEY)).encrypt(nonce, data, _SEALED_MAGIC)
    )


def is_sealed(stored_start: bytes) -> bool:
    """Whether a stored file that begins with `stored_start` (its first bytes) was sealed by `seal`."""
    return stored_start.startswith(_SEALED_MAGIC)


def unseal(stored: bytes) -> bytes:
    """The plaintext of a sealed file. A file stored before encryption was introduced is returned as it is
    (`manage.py encrypt_stored_files` seals those in place)."""
    if not stored.startswith(_SEALED_MAGIC):
        return stored
    body = stored[len(_SEALED_MAGIC) :]
    return AESGCM(_file_key(settings.SINERGI_FIELD_KEY)).decrypt(body[:12], body[12:], _SEALED_MAGIC)


class EncryptedFileSystemStorage(FileSystemStorage):
    """Files under MEDIA_ROOT, sealed with AES-256-GCM: a copied disk or backup shows no document."""

    def _save(self, name, content):
        if hasattr(content, "seek"):
            content.seek(0)
        return super()._save(name, ContentFile(seal(content.read())))

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("sealed files are written through save() only")
        with super()._open(name, "rb") as handle:
            plain = unseal(handle.read())
        opened = File(io.BytesIO(plain), name=name)
        opened.mode = mode
        return opened

    def size(self, name):
        with super()._open(name, "rb") as handle:
            sealed = handle.read(len(_SEALED_MAGIC)) == _SEALED_MAGIC
        overhead = len(_SEALED_MAGIC) + 12 + 16 if sealed else 0  # magic, nonce, GCM tag
        return super().size(name) - overhead
