"""Photos from the public: checked by their first bytes, decoded by Pillow, and re-encoded without metadata.

Re-encoding (rather than deleting EXIF tags) drops everything that is not pixels: GPS position, camera serial,
time, thumbnails that still show a cropped-out face, comments, ICC and XMP packets. A file that only claims to
be an image (by its name or type) is refused before Pillow sees it, and Pillow's decompression-bomb limit is
kept low so a small file cannot expand into gigabytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from PIL import Image, ImageOps

MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 3
MAX_PIXELS = 40_000_000
MAX_SIDE = 2560  # enough to read a document or a face; smaller files for offices on slow lines

_MAGIC = (
    (b"\xff\xd8\xff", "JPEG"),
    (b"\x89PNG\r\n\x1a\n", "PNG"),
)


class NotAnImage(ValueError):
    """The file is not a JPEG, PNG or WebP photo (or it is damaged, or too large)."""


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    content_type: str
    extension: str
    sha256: str


def sniff(head: bytes) -> str | None:
    for magic, kind in _MAGIC:
        if head.startswith(magic):
            return kind
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def clean_photo(raw: bytes) -> CleanPhoto:
    """The photo re-encoded without metadata, or NotAnImage."""
    if not raw or len(raw) > MAX_PHOTO_BYTES:
        raise NotAnImage("size")
    kind = sniff(raw[:16])
    if kind is None:
        raise NotAnImage("magic")
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        with Image.open(io.BytesIO(raw), formats=[kind]) as image:
            image.load()
            # The camera's orientation tag goes with the metadata: apply it to the pixels first.
            image = ImageOps.exif_transpose(image)
            image.thumbnail((MAX_SIDE, MAX_SIDE))
            has_alpha = image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info)
            out = io.BytesIO()
            if has_alpha:
                image.convert("RGBA").save(out, format="PNG", optimize=True)
                content_type, extension = "image/png", "png"
            else:
                image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
                content_type, extension = "image/jpeg", "jpg"
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise NotAnImage("decode") from exc
    data = out.getvalue()
    return CleanPhoto(data, content_type, extension, hashlib.sha256(data).hexdigest())
