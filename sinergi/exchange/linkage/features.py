"""From person records as agencies write them to the columns the linkage model compares (no Django import).

`prepare(frame)` takes a pandas DataFrame with the canonical columns (`unique_id`, `name`, and any of `sex`,
`birth_date`, `nik`, `phone`, `region`, `address`, `postcode`) and returns the feature table:

| column | what |
|---|---|
| `name_key`, `name_sorted`, `name_first`, `name_last`, `name_tokens` | Indonesian-aware name key (names.py) |
| `sex` | "F"/"M": as entered, else from the NIK (day + 40 for women) |
| `dob` | ISO birth date: as entered (several formats), else the one the NIK encodes |
| `nik` | the digits of the identity number (6-20 of them; a NIK with a typo still compares by edit |
|       | distance); birth date, sex and region are read only from 16-digit NIKs; Excel's "3.17E+15" is dropped, |
|       | and so is a NIK that contradicts its own record (another sex, or a birth date more than a year away |
|       | from the one entered): it is a family member's number written in the wrong record, not this person's |
| `phone` | E.164 (`sinergi.people.identifiers.normalise_phone`, with a fast path for Indonesian mobiles) |
| `region` | the district code digits (6), from the address region if given, else the NIK's prefix; the |
|          | comparison reads the hierarchy from it: district, regency (4 digits), province (2) |
| `address`, `address_tokens` | free-text address, normalised (`normalise_address`: Jl./Jln./Jalan one word, |
|          | RT/RW numbers without zeros, No./Kel./Desa/Kec./Kab./Kota markers dropped) and its distinct place |
|          | words (no Jl., RT, RW or numbers: every address has those) |
| `postcode` | the digits of the postal code (3-10 of them) |

`name_frequencies(features)` estimates how common each whole name is from how common its words are
(`tf_name_key`, the term frequency the exact-name comparison is adjusted by; see its docstring).

Values are normalised once per distinct value, so a million rows with shared names, dates and household phones
cost far less than a million calls.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import lru_cache
from typing import Any

import numpy as np
import pandas as pd

from sinergi.exchange.linkage.names import name_key
from sinergi.people import identifiers

COLUMNS = ("unique_id", "name", "sex", "birth_date", "nik", "phone", "region", "address", "postcode")
FEATURE_COLUMNS = (
    "unique_id",
    "name_key",
    "name_sorted",
    "name_first",
    "name_last",
    "name_tokens",
    "sex",
    "dob",
    "nik",
    "phone",
    "region",
    "address",
    "address_tokens",
    "postcode",
)
# Columns holding lists of words (the others are text).
LIST_COLUMNS = frozenset({"name_tokens", "address_tokens"})
_FEMALE = frozenset({"f", "p", "perempuan", "wanita", "female", "w", "pr", "2"})
_MALE = frozenset({"m", "l", "laki-laki", "laki laki", "lakilaki", "pria", "male", "lk", "1"})
_MOBILE_ID = re.compile(r"^8\d{8,11}$")
# Written forms of one address word -> the one word kept ("" drops it: a marker that says nothing by itself).
_ADDRESS_WORDS = {
    **dict.fromkeys(("jl", "jln", "jalan"), "jl"),
    **dict.fromkeys(("gg", "gang"), "gg"),
    **dict.fromkeys(("no", "nomor", "nomer", "nmr"), ""),
    **dict.fromkeys(("kel", "kelurahan", "desa", "ds", "kec", "kecamatan", "kab", "kabupaten", "kota"), ""),
    **dict.fromkeys(("dusun", "dsn"), "dusun"),
    **dict.fromkeys(("perum", "perumahan"), "perum"),
}
# Words every address has: left out of the words compared for overlap (the full text still holds them).
_ADDRESS_GENERIC = frozenset({"jl", "gg", "rt", "rw", "dusun", "perum", "blok", "rumah"})
# "RT.003/RW.05", "RT 3 RW 5", "rt003rw005": the neighbourhood numbers, written together or apart.
_RT_RW = re.compile(r"(?<![a-z])(rt|rw)[\s.:]*0*(\d+)")
_ADDRESS_SPLIT = re.compile(r"[^0-9a-z]+")
# A NIK's birth date further than this from the one entered is not a typo in either: another person's NIK.
_NIK_DATE_TOLERANCE_DAYS = 400
_DATE_FORMATS = (
    re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"^(?P<d>\d{1,2})[/.\-](?P<m>\d{1,2})[/.\-](?P<y>\d{4})$"),
    re.compile(r"^(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})$"),
)


def _map_unique(series: pd.Series, function: Callable[[Any], Any]) -> pd.Series:
    uniques = series.dropna().unique()
    return series.map(dict(zip(uniques, map(function, uniques), strict=True)))


def normalise_sex(raw: object) -> str | None:
    text = str(raw or "").strip().lower()
    if text in _FEMALE:
        return "F"
    if text in _MALE:
        return "M"
    return None


def normalise_birth_date(raw: object) -> str | None:
    """ISO date from "1990-01-05", "05/01/1990", "5-1-1990" or "19900105"; None when it is no real date."""
    text = str(raw or "").strip()
    for pattern in _DATE_FORMATS:
        match = pattern.match(text)
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"])).isoformat()
            except ValueError:
                return None
    return None


@lru_cache(maxsize=500_000)
def normalise_phone(raw: str) -> str | None:
    """E.164 or None. Indonesian mobiles (0812..., 62812..., +62 812...) without the full parser."""
    text = str(raw or "").strip()
    digits = re.sub(r"\D", "", text)
    if not digits:
        return None
    if not text.startswith("+") or digits.startswith("62"):
        national = digits[2:] if digits.startswith("62") else digits[1:] if digits.startswith("0") else digits
        if _MOBILE_ID.match(national):
            return "+62" + national
    try:
        return identifiers.normalise_phone(text)
    except identifiers.InvalidPhoneNumber:
        return None


def normalise_address(raw: object) -> str | None:
    """One spelling of a free-text address: "Jln. Merdeka No. 5, RT.003/RW.005, Kel. Sukamaju" and
    "jalan merdeka 5 rt 3 rw 5 sukamaju" both give "jl merdeka 5 rt 3 rw 5 sukamaju"; None when nothing is left.
    """
    text = _RT_RW.sub(r" \1 \2 ", str(raw or "").lower())
    words = []
    for word in _ADDRESS_SPLIT.split(text):
        word = _ADDRESS_WORDS.get(word, word)
        if word.isdigit():
            word = word.lstrip("0") or "0"
        if word:
            words.append(word)
    return " ".join(words) or None


def _address_words(address: object) -> list[str]:
    """The distinct words of a normalised address that name a place (not Jl., RT, RW or a number)."""
    if not isinstance(address, str):
        return []
    return sorted({w for w in address.split() if w not in _ADDRESS_GENERIC and not w.isdigit()})


def normalise_postcode(raw: object) -> str | None:
    digits = re.sub(r"\D", "", str(raw or ""))
    return digits if 3 <= len(digits) <= 10 else None


def normalise_region(raw: object) -> str | None:
    """The digits of a Kemendagri code, cut to the district ("63.71.01.1001" -> "637101"); None if unusable."""
    digits = re.sub(r"\D", "", str(raw or ""))[:6]
    return digits if len(digits) in (2, 4, 6) else None


def _nik_parts(nik: pd.Series, today: date) -> tuple[pd.Series, pd.Series, pd.Series]:
    """Birth date (ISO), sex and district digits encoded in each 16-digit NIK (None where not decodable)."""
    day = pd.to_numeric(nik.str[6:8], errors="coerce")
    month = pd.to_numeric(nik.str[8:10], errors="coerce")
    yy = pd.to_numeric(nik.str[10:12], errors="coerce")
    female = day > 40
    day = day.where(~female, day - 40)
    year = yy + 2000
    year = year.where(year <= today.year, year - 100)
    born = pd.to_datetime(
        pd.DataFrame({"year": year, "month": month, "day": day}), errors="coerce"
    ).dt.strftime("%Y-%m-%d")
    born = born.where(born <= today.isoformat())
    sex = pd.Series(pd.NA, index=nik.index, dtype="object")
    sex[day.notna() & female] = "F"
    sex[day.notna() & ~female] = "M"
    head = nik.str[:6]
    known = (
        head.str.match(r"^\d{6}$")
        & (head.str[0:2] != "00")
        & (head.str[2:4] != "00")
        & (head.str[4:6] != "00")
    )
    region = head.where(known)
    return born.astype("object"), sex, region


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame:
        return pd.Series(pd.NA, index=frame.index, dtype="object")
    series = frame[column].astype("string").str.strip()
    return series.where(series != "").astype("object")


def prepare(frame: pd.DataFrame, *, today: date | None = None) -> pd.DataFrame:
    """The feature table of `frame` (canonical columns; missing ones count as unknown). Row order is kept."""
    today = today or date.today()
    out = pd.DataFrame(index=frame.index)
    out["unique_id"] = frame["unique_id"].astype(str)
    keys = _map_unique(_text(frame, "name").fillna(""), name_key)
    out["name_key"] = keys.map(lambda k: k.key or None)
    out["name_sorted"] = keys.map(lambda k: k.sorted_key or None)
    out["name_first"] = keys.map(lambda k: k.first or None)
    out["name_last"] = keys.map(lambda k: k.last or None)
    out["name_tokens"] = keys.map(lambda k: list(k.tokens))

    raw_nik = _text(frame, "nik")
    nik = raw_nik.str.replace(r"\D", "", regex=True)
    # "3.17E+15" is what Excel left of a NIK: its digits are no identity number, whatever their count.
    nik = nik.where(nik.str.len().between(6, 20) & ~raw_nik.str.contains("e", case=False, na=False))
    nik16 = nik.where(nik.str.len() == 16)
    nik_dob, nik_sex, nik_region = _nik_parts(nik16.fillna(""), today)
    sex = _map_unique(_text(frame, "sex"), normalise_sex)
    dob = _map_unique(_text(frame, "birth_date"), normalise_birth_date)
    # A NIK that says another sex, or a birth date more than a typo or a year away from the entered one, is
    # a family member's number written in this record (it happens with one Kartu Keluarga for a household):
    # compared as it is, it would make the two relatives one person. Neither it nor its parts are used.
    days_apart = (
        pd.to_datetime(dob, errors="coerce") - pd.to_datetime(nik_dob, errors="coerce")
    ).dt.days.abs()
    other_sex = sex.notna() & nik_sex.notna() & (sex.fillna("") != nik_sex.fillna(""))
    foreign = other_sex | (days_apart > _NIK_DATE_TOLERANCE_DAYS)
    nik = nik.where(~foreign)
    nik16 = nik16.where(~foreign)
    nik_dob, nik_sex, nik_region = (
        nik_dob.where(~foreign),
        nik_sex.where(~foreign),
        nik_region.where(~foreign),
    )
    out["nik"] = nik.astype("object")
    out["sex"] = sex.where(sex.notna(), nik_sex).astype("object")
    out["dob"] = dob.where(dob.notna(), nik_dob).astype("object")
    out["phone"] = _map_unique(_text(frame, "phone"), normalise_phone).astype("object")
    region = _map_unique(_text(frame, "region"), normalise_region)
    out["region"] = region.where(region.notna(), nik_region.where(nik16.notna())).astype("object")
    address = _map_unique(_text(frame, "address"), normalise_address)
    out["address"] = address.astype("object")
    out["address_tokens"] = address.map(_address_words)
    out["postcode"] = _map_unique(_text(frame, "postcode"), normalise_postcode).astype("object")
    return out.where(out.notna(), None)


def _word_roles(lengths: pd.Series) -> np.ndarray:
    """The place of each word of an exploded name table (index repeated per word, `lengths` its word count)."""
    position = lengths.groupby(level=0).cumcount().to_numpy()
    count = lengths.to_numpy()
    return np.where(
        count == 1,
        "single",
        np.where(position == 0, "first", np.where(position == count - 1, "last", "middle")),
    )


def name_frequencies(features: pd.DataFrame) -> pd.DataFrame:
    """`name_key`, `tf_name_key`: the estimated share of records whose whole name is that key.

    Splink's own term frequency counts how often the key occurs, which for a name held by one person recorded
    twice says 2/N: as common as a name two different people share, although "wasis hakim" written twice is
    almost always one person and "maria" twice often two (Splink issue 2035: frequencies counted on data
    with duplicates). A name's frequency among people is estimated instead from its words, which recur across
    many people: the share of names with that many words times each word's share among the words in its place
    (single, first, middle, last; words chosen independently). Three rare words give a tiny frequency, a common
    single name a large one.
    """
    keys = features["name_key"].dropna()
    tokens = features["name_tokens"][keys.index]
    lengths = tokens.map(len)
    length_share = lengths.value_counts(normalize=True)
    distinct = pd.DataFrame({"name_key": keys, "length": lengths}).drop_duplicates("name_key")
    # Each word's share among the words in its place: the one word of a single name, the first, a middle or
    # the last word of a longer one. A family name recurs in the last place and a given name in the first,
    # so a share of all words would take "santoso" for half as common as it is in the place it is written.
    all_words = pd.DataFrame({"length": lengths, "word": tokens}).explode("word").dropna()
    share = (
        all_words.assign(role=_word_roles(all_words.length)).groupby("role").word.value_counts(normalize=True)
    )
    distinct_words = distinct.assign(word=distinct.name_key.str.split(" ")).explode("word")
    looked_up = share.reindex(
        pd.MultiIndex.from_arrays([_word_roles(distinct_words.length), distinct_words.word])
    )
    log_share = np.log(
        pd.Series(looked_up.to_numpy(), index=distinct_words.index).fillna(share.min()).astype(float)
    )
    log_tf = log_share.groupby(level=0).sum() + np.log(distinct.length.map(length_share).astype(float))
    return pd.DataFrame({"name_key": distinct.name_key, "tf_name_key": np.exp(log_tf)}).reset_index(drop=True)
