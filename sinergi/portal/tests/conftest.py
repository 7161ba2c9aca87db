from __future__ import annotations

import io

import pytest
from PIL import Image

from sinergi.agencies.choices import AgencyType
from sinergi.core.testing.factories import AgencyFactory

RISKY_OFFER = (
    "Dicari admin online ke Kamboja, gaji 15jt per bulan, tanpa pengalaman. Berangkat minggu ini pakai visa "
    "turis, tiket ditanggung. Hubungi WA 0812-0555-1234"
)
PLAIN_OFFER = (
    "Lowongan perawat lansia di Taiwan melalui PT Contoh Bina Karya Migran. Kontrak 3 tahun, daftar lewat "
    "Disnaker kabupaten dan ikut orientasi pra pemberangkatan."
)


@pytest.fixture
def bp3mi(regions):
    return AgencyFactory(code="bp3mi-kalsel", type=AgencyType.BP3MI, jurisdiction=regions.get(code="63"))


def jpeg_with_gps() -> bytes:
    """A small JPEG carrying EXIF metadata (a camera model and a GPS block), as phones write them."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0110] = "Contoh Phone X"  # Model
    exif[0x8825] = {1: "S", 2: (3.0, 19.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
