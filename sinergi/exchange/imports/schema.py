"""What each importable record type accepts: its columns, their kinds and the header names that mean them.

The template a user downloads is made from this, the automatic column mapping reads the aliases, and the
row parsers (rows.py) read the kinds. Column keys are Indonesian, as the agencies' own spreadsheets are.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordType(models.TextChoices):
    PEOPLE = "people", _("People")
    CASES = "cases", _("Cases")
    DEPARTURES = "departures", _("Departure screenings")


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # a lazy translation
    kind: str  # text, nik, date, sex, phones, int, list, country, channel, checkpoint, answer, answers
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""


def header_key(value: object) -> str:
    """A header as compared: no accents, punctuation or case ("Tgl. Lahir" -> "tgl lahir")."""
    text = unicodedata.normalize("NFKD", str(value or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


_PERSON = (
    Column("nama_lengkap", _("Full name"), "text", True,
           ("nama", "nama lengkap", "name", "full name", "nama pmi", "nama cpmi", "nama korban"), "Siti Rahayu"),
    Column("nik", _("NIK"), "nik", False,
           ("nik", "no ktp", "nomor ktp", "no nik", "nomor nik", "nomor induk kependudukan"), "6371015001900001"),
    Column("jenis_kelamin", _("Sex (L/P)"), "sex", False, ("jenis kelamin", "jk", "l p", "sex", "gender"), "P"),
    Column("tanggal_lahir", _("Birth date"), "date", False,
           ("tanggal lahir", "tgl lahir", "birth date", "date of birth", "tgl lhr"), "10/01/1990"),
    Column("tempat_lahir", _("Birth place"), "text", False, ("tempat lahir", "birth place", "tmp lahir"),
           "Banjarmasin"),
    Column("telepon", _("Phone numbers"), "phones", False,
           ("telepon", "telp", "no telp", "no hp", "hp", "nomor hp", "no telepon", "whatsapp", "wa", "phone",
            "no wa", "kontak"), "0812-3456-7890"),
    Column("paspor", _("Passport number"), "text", False, ("paspor", "no paspor", "nomor paspor", "passport"),
           ""),
    Column("kewarganegaraan", _("Nationality (ISO code)"), "country", False,
           ("kewarganegaraan", "warga negara", "nationality", "wn"), "ID"),
    Column("kode_wilayah", _("Address region code (Kemendagri)"), "region", False,
           ("kode wilayah", "kode desa", "kode kecamatan", "region code", "kode alamat"), "63.71.01"),
    Column("alias", _("Other names (separated by ;)"), "list", False, ("alias", "nama lain", "aliases"), ""),
)  # fmt: skip

_CASE = (
    Column("nomor_laporan", _("Your report number"), "text", False,
           ("nomor laporan", "no laporan", "no lp", "nomor lp", "nomor kasus", "no kasus", "reference"),
           "LP/123/VIII/2025"),
    Column("tanggal_laporan", _("Report date"), "date", True,
           ("tanggal laporan", "tgl laporan", "tanggal lapor", "tanggal", "report date", "tgl lapor"),
           "7 Agustus 2025"),
    Column("saluran", _("Channel"), "channel", True,
           ("saluran", "sumber laporan", "sumber", "channel", "saluran pengaduan"), "HOTLINE"),
    Column("negara_tujuan", _("Destination country (ISO code)"), "country", False,
           ("negara tujuan", "negara", "destination country", "tujuan"), "KH"),
    Column("kronologi", _("What happened"), "text", False,
           ("kronologi", "uraian", "narasi", "keterangan", "narrative"), ""),
    Column("nama_korban", _("Victim's full name"), "text", False, ("nama korban", "korban", "victim name"),
           "Siti Rahayu"),
    Column("nik_korban", _("Victim's NIK"), "nik", False, ("nik korban", "victim nik", "nik"), ""),
    Column("jenis_kelamin_korban", _("Victim's sex (L/P)"), "sex", False,
           ("jenis kelamin korban", "jk korban", "jenis kelamin", "jk", "l p"), "P"),
    Column("tanggal_lahir_korban", _("Victim's birth date"), "date", False,
           ("tanggal lahir korban", "tgl lahir korban", "tanggal lahir", "tgl lahir"), ""),
)  # fmt: skip

_DEPARTURE = (
    Column("jenis_pos", _("Checkpoint type (airport, seaport, plbn)"), "checkpoint", True,
           ("jenis pos", "jenis tpi", "checkpoint type", "tipe pos"), "airport"),
    Column("nama_pos", _("Checkpoint"), "text", True, ("nama pos", "pos", "tpi", "checkpoint", "lokasi"),
           "Bandara Syamsudin Noor"),
    Column("nama_pelaku_perjalanan", _("Traveller's name"), "text", False,
           ("nama pelaku perjalanan", "nama penumpang", "nama", "traveller", "nama calon pmi"), "Rina"),
    Column("tujuan", _("Purpose of travel"), "answer:purpose", True, ("tujuan", "tujuan perjalanan", "purpose"),
           "tourism"),
    Column("jenis_visa", _("Visa"), "answer:visa_type", True, ("jenis visa", "visa", "visa type"), "tourist"),
    Column("pekerjaan", _("Job offered"), "answer:job_type", True, ("pekerjaan", "jenis pekerjaan", "job"),
           "online_admin"),
    Column("negara_tujuan", _("Destination country (ISO code)"), "country", True,
           ("negara tujuan", "negara", "destination country"), "KH"),
    Column("usia", _("Age"), "int", True, ("usia", "umur", "age"), "24"),
    Column("terdaftar", _("Registered (SIAPkerja)"), "answer:registered", False, ("terdaftar", "registered"), ""),
    Column("direkrut_melalui", _("Recruited through"), "answer:recruited_via", False,
           ("direkrut melalui", "perekrut", "recruited via"), ""),
    Column("biaya_dibayar_oleh", _("Costs paid by"), "answer:costs_paid_by", False,
           ("biaya dibayar oleh", "pembiaya"), ""),
    Column("biaya_rp", _("Fee paid (Rp)"), "int", False, ("biaya", "biaya rp", "fee"), ""),
    Column("utang", _("Debt"), "answer:debt", False, ("utang", "hutang", "debt"), ""),
    Column("paspor_dipegang", _("Passport held by"), "answer:passport_holder", False,
           ("paspor dipegang", "pemegang paspor"), ""),
    Column("didampingi", _("Accompanied by"), "answer:accompanied_by", False, ("didampingi", "pendamping"), ""),
    Column("penjemput", _("Waiting at destination"), "answer:waiting_at_destination", False,
           ("penjemput", "dijemput oleh"), ""),
    Column("kenal_majikan", _("Knows the employer"), "answer:knows_employer", False,
           ("kenal majikan", "kenal pemberi kerja"), ""),
    Column("dokumen", _("Documents shown (separated by ;)"), "answers:documents", False,
           ("dokumen", "documents"), "passport"),
    Column("tanda", _("Signs observed (separated by ;)"), "answers:signs", False, ("tanda", "signs"), ""),
)  # fmt: skip

COLUMNS: dict[str, tuple[Column, ...]] = {
    RecordType.PEOPLE: _PERSON,
    RecordType.CASES: _CASE,
    RecordType.DEPARTURES: _DEPARTURE,
}


def columns_of(record_type: str) -> tuple[Column, ...]:
    return COLUMNS[record_type]


def column(record_type: str, key: str) -> Column | None:
    return next((c for c in COLUMNS[record_type] if c.key == key), None)


def auto_mapping(record_type: str, headers: list[str], saved: dict[str, str] | None = None) -> dict[int, str]:
    """Column position -> field key, from the agency's saved mapping first, then the field names and aliases.
    A field goes to the first column that names it; a later column of the same name stays unmapped."""
    saved = saved or {}
    fields = columns_of(record_type)
    names: dict[str, str] = {}
    for col in fields:
        for name in (col.key.replace("_", " "), header_key(col.label), *col.aliases):
            names.setdefault(header_key(name), col.key)
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for position, header in enumerate(headers):
        key = header_key(header)
        if not key:
            continue
        target = saved.get(key) or names.get(key)
        if target and target not in taken and column(record_type, target):
            mapping[position] = target
            taken.add(target)
    return mapping


def header_score(record_type: str, row: list) -> int:
    """How many cells of `row` name a field of `record_type`: the header row is the row that names most."""
    names = set()
    for col in columns_of(record_type):
        names.update(header_key(n) for n in (col.key.replace("_", " "), header_key(col.label), *col.aliases))
    return sum(1 for cell in row if isinstance(cell, str) and header_key(cell) in names)
