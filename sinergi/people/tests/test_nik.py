"""The NIK parser: pure, no database."""

from __future__ import annotations

from datetime import date

import pytest

from sinergi.people.nik import (
    NikBirthDateError,
    NikError,
    NikFormatError,
    NikRegionError,
    NikSerialError,
    clean_nik,
    is_valid_nik,
    nik_build,
    nik_mask,
    nik_mismatches,
    parse_nik,
)

TODAY = date(2026, 11, 28)


def test_man_born_in_1990():
    parsed = parse_nik("6371011001900001", today=TODAY)
    assert parsed.sex == "M"
    assert parsed.birth_date == date(1990, 1, 10)
    assert parsed.serial == 1
    assert parsed.province_digits == "63"
    assert parsed.regency_digits == "6371"
    assert parsed.district_digits == "637101"
    assert parsed.region_code == "63.71.01"
    assert parsed.region_prefixes == ("63", "63.71", "63.71.01")


def test_woman_day_plus_forty():
    parsed = parse_nik("5201145102950123", today=TODAY)
    assert parsed.sex == "F"
    assert parsed.birth_date == date(1995, 2, 11)
    assert parsed.serial == 123


@pytest.mark.parametrize(
    ("day_digits", "sex", "day"),
    [
        ("01", "M", 1),
        ("31", "M", 31),
        ("41", "F", 1),
        ("71", "F", 31),
        ("40", None, None),
        ("72", None, None),
    ],
)
def test_day_boundaries(day_digits, sex, day):
    nik = f"637101{day_digits}0190" + "0001"
    if sex is None:
        with pytest.raises(NikBirthDateError):
            parse_nik(nik, today=TODAY)
    else:
        parsed = parse_nik(nik, today=TODAY)
        assert (parsed.sex, parsed.birth_date.day) == (sex, day)


def test_separators_people_type_are_accepted():
    assert parse_nik("6371.01 100190-0001", today=TODAY).nik == "6371011001900001"
    assert clean_nik(" 6371 0110 0190 0001 ") == "6371011001900001"


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "637101100190000",
        "63710110019000011",
        "637101100190000A",
        "６３７１０１１００１９００００１",
        None,
    ],
)
def test_not_sixteen_ascii_digits(raw):
    with pytest.raises(NikFormatError) as info:
        parse_nik(raw, today=TODAY)
    assert info.value.code == "nik_format"


@pytest.mark.parametrize("raw", ["0071011001900001", "6300011001900001", "6371001001900001"])
def test_zero_region_parts(raw):
    with pytest.raises(NikRegionError) as info:
        parse_nik(raw, today=TODAY)
    assert info.value.code == "nik_region"


@pytest.mark.parametrize(
    "date_digits",
    [
        "000190",  # day 0
        "320190",  # day 32
        "101390",  # month 13
        "100090",  # month 0
        "310490",  # 31 April
        "300290",  # 30 February
        "290221",  # 29 February 2021 / 1921: never a leap year in either century
        "690290",  # a woman born 29 February 1990 (not a leap year)
    ],
)
def test_impossible_birth_dates(date_digits):
    with pytest.raises(NikBirthDateError) as info:
        parse_nik("637101" + date_digits + "0001", today=TODAY)
    assert info.value.code == "nik_birth_date"


def test_leap_day_is_accepted():
    assert parse_nik("6371012902000001", today=TODAY).birth_date == date(2000, 2, 29)
    assert parse_nik("6371016902960001", today=TODAY).birth_date == date(1996, 2, 29)


def test_serial_0000_is_invalid():
    with pytest.raises(NikSerialError) as info:
        parse_nik("6371011001900000", today=TODAY)
    assert info.value.code == "nik_serial"
    assert "0000" in str(info.value)


@pytest.mark.parametrize(
    ("yy_digits", "year"),
    [("00", 2000), ("25", 2025), ("26", 1926), ("99", 1999), ("60", 1960)],
)
def test_century_is_the_latest_not_in_the_future(yy_digits, year):
    # 15 December: in 2026 this date has not come yet on 28 November, so "26" must be 1926.
    parsed = parse_nik(f"6371011512{yy_digits}0001", today=TODAY)
    assert parsed.birth_date.year == year


def test_birth_earlier_this_year_stays_in_this_century():
    assert parse_nik("6371010101260001", today=TODAY).birth_date == date(2026, 1, 1)


def test_every_error_is_a_nik_error_with_stable_code_and_message():
    for raw in ["1", "0071011001900001", "6371013201900001", "6371011001900000"]:
        with pytest.raises(NikError) as info:
            parse_nik(raw, today=TODAY)
        assert info.value.code.startswith("nik_")
        assert str(info.value)
    assert not is_valid_nik("6371011001900000", today=TODAY)
    assert is_valid_nik("6371011001900001", today=TODAY)


@pytest.mark.parametrize(
    ("district", "born", "sex", "serial"),
    [
        ("637101", date(1990, 1, 10), "M", 1),
        ("637101", date(1990, 1, 10), "F", 1),
        ("520114", date(2001, 12, 31), "F", 9999),
        ("53.71.02", date(1975, 6, 5), "M", 42),
    ],
)
def test_build_then_parse_round_trip(district, born, sex, serial):
    nik = nik_build(district, born, sex, serial)
    assert len(nik) == 16 and nik.isdigit()
    parsed = parse_nik(nik, today=TODAY)
    assert (parsed.district_digits, parsed.birth_date, parsed.sex, parsed.serial) == (
        district.replace(".", ""),
        born,
        sex,
        serial,
    )


def test_build_puts_forty_on_the_day_for_women():
    assert nik_build("637101", date(1990, 1, 10), "F", 1) == "6371015001900001"
    assert nik_build("637101", date(1990, 1, 10), "M", 1) == "6371011001900001"


@pytest.mark.parametrize(
    "kwargs",
    [
        {"district_digits": "6371", "sex": "M", "serial": 1},
        {"district_digits": "637101", "sex": "X", "serial": 1},
        {"district_digits": "637101", "sex": "M", "serial": 0},
        {"district_digits": "637101", "sex": "M", "serial": 10000},
    ],
)
def test_build_refuses_bad_parts(kwargs):
    with pytest.raises(ValueError):
        nik_build(birth_date=date(1990, 1, 1), **kwargs)


def test_mismatches_with_entered_values():
    parsed = parse_nik("6371015001900001", today=TODAY)  # woman, 10 January 1990
    assert nik_mismatches(parsed, birth_date=date(1990, 1, 10), sex="F") == []
    assert nik_mismatches(parsed, birth_date=None, sex="U") == []
    found = nik_mismatches(parsed, birth_date=date(1990, 1, 11), sex="M")
    assert [m.code for m in found] == ["nik_birth_date_mismatch", "nik_sex_mismatch"]
    # The two-digit year cannot tell 1925 from 2025: that is not a mismatch.
    old = parse_nik("6371011503250001", today=TODAY)
    assert nik_mismatches(old, birth_date=date(1925, 3, 15), sex="M") == []


def test_mask_shows_region_and_serial_only():
    assert nik_mask("6371015001900001") == "6371********0001"
    assert nik_mask("") == ""
