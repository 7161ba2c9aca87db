"""Synthetic Indonesian person records with known true clusters, for tests and benchmarks (no Django import).

Never real people: names from Faker's id_ID lists, districts from the shipped Kemendagri table, NIKs built to
the real layout (`sinergi.people.nik.nik_build`). Each person appears in 1-5 records, as agencies would write
them: Muhammad as Moh./M./dropped, Achmad/Ahmad, old spelling (oe, dj, tj), titles (H., Hj., Dr., S.Pd.),
"bin"/"binti" and the father's name, typing errors, words swapped or dropped, missing fields, dates in several
formats, phones in every format (and shared by a household: the same number, surname and district for people
who are not the same), NIKs mistyped, transposed or borrowed from a family member.

How often each of these happens is a `Profile`. `HARSH`, the default, is the data the benchmark was first built
on; `MODERATE` writes the same kinds of variation less often, calibrated so that a plain Splink model reaches
on it what the record-linkage issue reports of its own data (pairwise F1 about 0.975, 0.985 after clustering).
"""

from __future__ import annotations

import csv
import random
import string
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
from faker.providers.address.id_ID import Provider as _Addresses
from faker.providers.person.id_ID import Provider as _Names

from sinergi.people.nik import nik_build

_DISTRICTS_CSV = Path(__file__).resolve().parents[2] / "regions" / "data" / "kecamatan.csv"
_MUHAMMAD_WRITTEN = ("Muhammad", "Muhamad", "Mohammad", "Moh.", "M.", "Mochammad", "Muh.", "Mohamad")
_AHMAD_WRITTEN = ("Achmad", "Ahmad", "Akhmad")
_MALE_TITLES = ("H.", "Drs.", "Bpk.", "Ir.")
_FEMALE_TITLES = ("Hj.", "Ibu", "Dra.", "Ny.")
_DEGREES = (", S.Pd.", ", S.H.", ", S.E.", ", A.Md.", ", S.Kom.")
_OLD_SPELLING = (("u", "oe"), ("j", "dj"), ("c", "tj"), ("sy", "sj"), ("ny", "nj"))


@dataclass(frozen=True, slots=True)
class Profile:
    """The share of records (or of people, for the first three) written with each kind of variation."""

    household: float = 0.25  # a new person joins an earlier person's household (district, phone)
    household_surname: float = 0.6  # ... and carries its family name
    household_own_phone: float = 0.0  # ... but has a phone of their own
    old_spelling: float = 0.1
    name_typo: float = 0.15
    middle_dropped: float = 0.08
    surname_dropped: float = 0.04
    words_rotated: float = 0.03
    muhammad_written: float = 0.8  # a Muhammad writes it, in one of its spellings
    bin_binti: float = 0.08
    title: float = 0.08
    degree: float = 0.05
    upper_case: float = 0.1
    sex_missing: float = 0.2
    date_missing: float = 0.15
    date_day_month_swapped: float = 0.03
    date_shifted: float = 0.03
    nik_missing: float = 0.3
    nik_mistyped: float = 0.04
    nik_borrowed: float = 0.01
    nik_dotted: float = 0.1
    phone_missing: float = 0.35
    phone_other: float = 0.08
    region_missing: float = 0.2
    region_moved: float = 0.05
    region_regency_only: float = 0.1


HARSH = Profile()
# Calibrated on seed 2 with bench/linkage.py's plain model only (never the benchmark's seed 1, never the
# Indonesian-aware model): the same kinds of variation, about half as often, fewer shared household phones.
MODERATE = replace(
    HARSH,
    household=0.1,
    household_own_phone=0.7,
    old_spelling=0.06,
    name_typo=0.06,
    middle_dropped=0.04,
    surname_dropped=0.02,
    words_rotated=0.015,
    bin_binti=0.04,
    title=0.04,
    degree=0.03,
    sex_missing=0.1,
    date_missing=0.06,
    date_day_month_swapped=0.015,
    date_shifted=0.015,
    nik_missing=0.18,
    nik_mistyped=0.02,
    nik_borrowed=0.005,
    phone_missing=0.22,
    phone_other=0.04,
    region_missing=0.1,
    region_moved=0.025,
    region_regency_only=0.05,
)
PROFILES = {"harsh": HARSH, "moderate": MODERATE}


def _chance(rng: random.Random, share: float) -> bool:
    """A draw that a share of 0 skips, so that adding a knob leaves the records of older profiles unchanged."""
    return share > 0 and rng.random() < share


def _districts() -> list[str]:
    with _DISTRICTS_CSV.open(encoding="utf-8") as handle:
        return [row["kode_angka"] for row in csv.DictReader(handle)]


def _typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word
    i = rng.randrange(1, len(word))
    kind = rng.random()
    if kind < 0.3:
        return word[:i] + rng.choice(string.ascii_lowercase) + word[i + 1 :]
    if kind < 0.55:
        return word[:i] + word[i + 1 :]
    if kind < 0.8 and i < len(word) - 1:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice("aiueo") + word[i:]


def _digit_typo(rng: random.Random, digits: str) -> str:
    i = rng.randrange(len(digits))
    if rng.random() < 0.5 and i < len(digits) - 1:
        return digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
    return digits[:i] + rng.choice("0123456789".replace(digits[i], "")) + digits[i + 1 :]


Home = tuple[str, int, int, int, str]


@dataclass(slots=True)
class _Person:
    sex: str
    muhammad: bool
    ahmad: bool
    words: list[str]
    father: str
    dob: date
    district: str
    nik: str
    phone: str
    household: _Person | None
    home: Home | None = None  # given by generate() when it writes addresses


def _person(rng: random.Random, districts: list[str], household: _Person | None, profile: Profile) -> _Person:
    sex = rng.choice("FM")
    first = _Names.first_names_female if sex == "F" else _Names.first_names_male
    last = _Names.last_names_female if sex == "F" else _Names.last_names_male
    shape = rng.random()
    if shape < 0.12:
        words = [rng.choice(first)]  # a single name
    elif shape < 0.5:
        words = [rng.choice(first), rng.choice(first), rng.choice(last)]
    else:
        words = [rng.choice(first), rng.choice(last)]
    if household is not None and len(words) > 1 and rng.random() < profile.household_surname:
        words[-1] = household.words[-1]  # family name shared in the household
    district = household.district if household is not None else rng.choice(districts)
    dob = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 19000))
    phone = (
        household.phone
        if household is not None and not _chance(rng, profile.household_own_phone)
        else "8" + "".join(rng.choices(string.digits, k=rng.choice((9, 10))))
    )
    return _Person(
        sex=sex,
        muhammad=sex == "M" and rng.random() < 0.25,
        ahmad=sex == "M" and rng.random() < 0.06,
        words=words,
        father=rng.choice(_Names.first_names_male),
        dob=dob,
        district=district,
        nik=nik_build(district, dob, sex, rng.randrange(1, 10000)),
        phone=phone,
        household=household,
    )


def _written_name(rng: random.Random, person: _Person, profile: Profile) -> str:
    words = [w.lower() for w in person.words]
    if rng.random() < profile.old_spelling:
        i = rng.randrange(len(words))
        old, new = rng.choice(_OLD_SPELLING)
        words[i] = words[i].replace(old, new)
    if rng.random() < profile.name_typo:
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
    if len(words) > 2 and rng.random() < profile.middle_dropped:
        words.pop(1)  # middle name left out
    elif len(words) > 1 and rng.random() < profile.surname_dropped:
        words.pop()  # surname left out
    if len(words) > 1 and rng.random() < profile.words_rotated:
        words = words[1:] + words[:1]
    if person.ahmad:
        words.insert(0, rng.choice(_AHMAD_WRITTEN).lower())
    if person.muhammad and rng.random() < profile.muhammad_written:
        words.insert(0, rng.choice(_MUHAMMAD_WRITTEN).lower())
    if rng.random() < profile.bin_binti:
        words += ["bin" if person.sex == "M" else "binti", person.father.lower()]
    name = " ".join(w.capitalize() for w in words)
    if rng.random() < profile.title:
        titles = _FEMALE_TITLES if person.sex == "F" else _MALE_TITLES
        name = f"{rng.choice(titles)} {name}"
    if rng.random() < profile.degree:
        name += rng.choice(_DEGREES)
    if rng.random() < profile.upper_case:
        name = name.upper()
    return name


def _written_sex(rng: random.Random, person: _Person, profile: Profile) -> str:
    if rng.random() < profile.sex_missing:
        return ""
    return rng.choice(("P", "Perempuan", "F") if person.sex == "F" else ("L", "Laki-laki", "M"))


def _written_date(rng: random.Random, person: _Person, profile: Profile) -> str:
    if rng.random() < profile.date_missing:
        return ""
    dob = person.dob
    roll = rng.random()
    if roll < profile.date_day_month_swapped and dob.day <= 12:
        dob = date(dob.year, dob.day, dob.month)
    elif roll < profile.date_day_month_swapped + profile.date_shifted:
        dob = dob + timedelta(days=rng.choice((-1, 1, 10, -10, 365, -365)))
    return dob.strftime(rng.choice(("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")))


def _written_nik(rng: random.Random, person: _Person, others: list[_Person], profile: Profile) -> str:
    roll = rng.random()
    if roll < profile.nik_missing:
        return ""
    nik = person.nik
    if roll < profile.nik_missing + profile.nik_mistyped:
        nik = _digit_typo(rng, nik)
    elif roll < profile.nik_missing + profile.nik_mistyped + profile.nik_borrowed and others:
        nik = rng.choice(others).nik  # a family member's NIK written in the wrong record
    if rng.random() < profile.nik_dotted:
        nik = f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"
    return nik


def _written_phone(rng: random.Random, person: _Person, profile: Profile) -> str:
    if rng.random() < profile.phone_missing:
        return ""
    national = (
        person.phone
        if rng.random() > profile.phone_other
        else "8" + "".join(rng.choices(string.digits, k=10))
    )
    style = rng.random()
    if style < 0.4:
        return "0" + national
    if style < 0.6:
        return f"0{national[:3]}-{national[3:7]}-{national[7:]}"
    if style < 0.8:
        return f"+62 {national[:3]} {national[3:7]} {national[7:]}"
    return "62" + national


def _written_region(rng: random.Random, person: _Person, profile: Profile) -> str:
    roll = rng.random()
    if roll < profile.region_missing:
        return ""
    code = person.district
    if roll < profile.region_missing + profile.region_moved:
        code = code[:4] + f"{rng.randrange(1, 30):02d}"  # moved within the regency
    elif roll < profile.region_missing + profile.region_moved + profile.region_regency_only:
        code = code[:4]
    return ".".join(code[i : i + 2] for i in range(0, len(code), 2))


def _home(rng: random.Random) -> Home:
    """Street, house number, RT, RW and postcode of one household."""
    return (
        rng.choice(_Addresses.streets),
        rng.randrange(1, 200),
        rng.randrange(1, 20),
        rng.randrange(1, 15),
        f"{rng.randrange(10000, 99999)}",
    )


def _written_address(rng: random.Random, home: Home) -> tuple[str, str]:
    """The address and postcode as an agency writes them: Jl./Jln./Jalan, No. or not, RT/RW zero-padded or not."""
    street, number, rt, rw, postcode = home
    if rng.random() < 0.05:
        number = rng.randrange(1, 200)  # moved within the street
    if rng.random() < 0.1:
        street = _typo(rng, street)
    prefix = rng.choice(("Jl.", "Jln.", "Jalan", "JL", "jl"))
    house = rng.choice((f"No. {number}", f"no {number}", str(number), f"No.{number}"))
    neighbourhood = rng.choice(
        (f"RT {rt:03d}/RW {rw:03d}", f"RT.{rt:02d} RW.{rw:02d}", f"rt {rt} rw {rw}", "")
    )
    address = (
        "" if rng.random() < 0.3 else ", ".join(p for p in (f"{prefix} {street} {house}", neighbourhood) if p)
    )
    if rng.random() < 0.3:
        postcode = ""
    elif rng.random() < 0.03:
        postcode = _digit_typo(rng, postcode)
    return address, postcode


def generate(rows: int, *, seed: int = 1, addresses: bool = False, profile: Profile = HARSH) -> pd.DataFrame:
    """`rows` records (columns unique_id, name, sex, birth_date, nik, phone, region, true_cluster).

    With `addresses`, also `address` and `postcode` (a household shares its home); without, and with the
    default profile, the records are exactly those of earlier versions for the same seed (benchmarks stay
    comparable).
    """
    rng = random.Random(seed)
    districts = _districts()
    records: list[tuple[Any, ...]] = []
    person_id = 0
    households: list[_Person] = []
    while len(records) < rows:
        household = rng.choice(households) if households and rng.random() < profile.household else None
        person = _person(rng, districts, household, profile)
        if household is None and rng.random() < 0.3:
            households.append(person)
            if len(households) > 5000:
                households.pop(0)
        family = [household] if household is not None else []
        copies = rng.choices((1, 2, 3, 4, 5), weights=(45, 27, 15, 8, 5))[0]
        if addresses:
            person.home = household.home if household is not None else _home(rng)
        for _ in range(min(copies, rows - len(records))):
            extra = _written_address(rng, person.home) if person.home is not None else ()
            records.append(
                (
                    f"r{len(records)}",
                    _written_name(rng, person, profile),
                    _written_sex(rng, person, profile),
                    _written_date(rng, person, profile),
                    _written_nik(rng, person, family, profile),
                    _written_phone(rng, person, profile),
                    _written_region(rng, person, profile),
                    person_id,
                    *extra,
                )
            )
        person_id += 1
    order = list(range(len(records)))
    rng.shuffle(order)
    frame = pd.DataFrame(
        [records[i] for i in order],
        columns=["unique_id", "name", "sex", "birth_date", "nik", "phone", "region", "true_cluster"]
        + (["address", "postcode"] if addresses else []),
    )
    return frame
