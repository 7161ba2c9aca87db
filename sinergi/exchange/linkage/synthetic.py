"""Synthetic Indonesian person records with known true clusters, for tests and benchmarks (no Django import).

Never real people: names from Faker's id_ID lists, districts from the shipped Kemendagri table, NIKs built to
the real layout (`sinergi.people.nik.nik_build`). Each person appears in 1-5 records, as agencies would write
them: Muhammad as Moh./M./dropped, Achmad/Ahmad, old spelling (oe, dj, tj), titles (H., Hj., Dr., S.Pd.),
"bin"/"binti" and the father's name, typing errors, words swapped or dropped, missing fields, dates in several
formats, phones in every format (and shared by a household: the same number, surname and district for people
who are not the same), NIKs mistyped, transposed or borrowed from a family member.
"""

from __future__ import annotations

import csv
import random
import string
from dataclasses import dataclass
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


def _person(rng: random.Random, districts: list[str], household: _Person | None) -> _Person:
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
    if household is not None and len(words) > 1 and rng.random() < 0.6:
        words[-1] = household.words[-1]  # family name shared in the household
    district = household.district if household is not None else rng.choice(districts)
    dob = date(1955, 1, 1) + timedelta(days=rng.randrange(0, 19000))
    phone = (
        household.phone
        if household is not None
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


def _written_name(rng: random.Random, person: _Person) -> str:
    words = [w.lower() for w in person.words]
    if rng.random() < 0.1:
        i = rng.randrange(len(words))
        old, new = rng.choice(_OLD_SPELLING)
        words[i] = words[i].replace(old, new)
    if rng.random() < 0.15:
        i = rng.randrange(len(words))
        words[i] = _typo(rng, words[i])
    if len(words) > 2 and rng.random() < 0.08:
        words.pop(1)  # middle name left out
    elif len(words) > 1 and rng.random() < 0.04:
        words.pop()  # surname left out
    if len(words) > 1 and rng.random() < 0.03:
        words = words[1:] + words[:1]
    if person.ahmad:
        words.insert(0, rng.choice(_AHMAD_WRITTEN).lower())
    if person.muhammad and rng.random() < 0.8:
        words.insert(0, rng.choice(_MUHAMMAD_WRITTEN).lower())
    if rng.random() < 0.08:
        words += ["bin" if person.sex == "M" else "binti", person.father.lower()]
    name = " ".join(w.capitalize() for w in words)
    if rng.random() < 0.08:
        titles = _FEMALE_TITLES if person.sex == "F" else _MALE_TITLES
        name = f"{rng.choice(titles)} {name}"
    if rng.random() < 0.05:
        name += rng.choice(_DEGREES)
    if rng.random() < 0.1:
        name = name.upper()
    return name


def _written_sex(rng: random.Random, person: _Person) -> str:
    if rng.random() < 0.2:
        return ""
    return rng.choice(("P", "Perempuan", "F") if person.sex == "F" else ("L", "Laki-laki", "M"))


def _written_date(rng: random.Random, person: _Person) -> str:
    if rng.random() < 0.15:
        return ""
    dob = person.dob
    roll = rng.random()
    if roll < 0.03 and dob.day <= 12:
        dob = date(dob.year, dob.day, dob.month)
    elif roll < 0.06:
        dob = dob + timedelta(days=rng.choice((-1, 1, 10, -10, 365, -365)))
    return dob.strftime(rng.choice(("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y")))


def _written_nik(rng: random.Random, person: _Person, others: list[_Person]) -> str:
    roll = rng.random()
    if roll < 0.3:
        return ""
    nik = person.nik
    if roll < 0.34:
        nik = _digit_typo(rng, nik)
    elif roll < 0.35 and others:
        nik = rng.choice(others).nik  # a family member's NIK written in the wrong record
    if rng.random() < 0.1:
        nik = f"{nik[:6]}.{nik[6:12]}.{nik[12:]}"
    return nik


def _written_phone(rng: random.Random, person: _Person) -> str:
    if rng.random() < 0.35:
        return ""
    national = person.phone if rng.random() > 0.08 else "8" + "".join(rng.choices(string.digits, k=10))
    style = rng.random()
    if style < 0.4:
        return "0" + national
    if style < 0.6:
        return f"0{national[:3]}-{national[3:7]}-{national[7:]}"
    if style < 0.8:
        return f"+62 {national[:3]} {national[3:7]} {national[7:]}"
    return "62" + national


def _written_region(rng: random.Random, person: _Person) -> str:
    roll = rng.random()
    if roll < 0.2:
        return ""
    code = person.district
    if roll < 0.25:
        code = code[:4] + f"{rng.randrange(1, 30):02d}"  # moved within the regency
    elif roll < 0.35:
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


def generate(rows: int, *, seed: int = 1, addresses: bool = False) -> pd.DataFrame:
    """`rows` records (columns unique_id, name, sex, birth_date, nik, phone, region, true_cluster).

    With `addresses`, also `address` and `postcode` (a household shares its home); without, the records are
    exactly those of earlier versions for the same seed (benchmarks stay comparable).
    """
    rng = random.Random(seed)
    districts = _districts()
    records: list[tuple[Any, ...]] = []
    person_id = 0
    households: list[_Person] = []
    while len(records) < rows:
        household = rng.choice(households) if households and rng.random() < 0.25 else None
        person = _person(rng, districts, household)
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
                    _written_name(rng, person),
                    _written_sex(rng, person),
                    _written_date(rng, person),
                    _written_nik(rng, person, family),
                    _written_phone(rng, person),
                    _written_region(rng, person),
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
