"""Name normalisation: pure, no database."""

from __future__ import annotations

import pytest

from sinergi.people.names import name_words, normalise_name


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Siti Rahayu", "siti rahayu"),
        ("  SITI   RAHAYU  ", "siti rahayu"),
        ("Hj. Siti Nur'aini, S.Pd.", "siti nuraini"),
        ("H. Ahmad Dahlan, S.H., M.H.", "ahmad dahlan"),
        ("Prof. Dr. Ir. Bambang Sutrisno M.Sc.", "bambang sutrisno"),
        ("dr. Nadia A.Md.Kep.", "nadia"),
        ("Drs. Made Wirawan, M.Si", "made wirawan"),
        ("Ibu Sri Wahyuni", "sri wahyuni"),
        ("Bpk. Joko", "joko"),
        ("Sdri. Lestari", "lestari"),
        ("R. Soeprapto", "soeprapto"),
        ("Raden Ajeng Kartini", "ajeng kartini"),
        ("Dédé Suhérman", "dede suherman"),
        ("Siti-Aminah binti Umar", "siti aminah binti umar"),
        ("Ni Luh Putu Ayu", "ni luh putu ayu"),
        ("Budi S. Hartono", "budi s hartono"),
        ("Muh. Ali", "muh ali"),
        ("Santoso, Budi", "santoso budi"),
        ("Ma’ruf", "maruf"),
    ],
)
def test_normalise_name(raw, expected):
    assert normalise_name(raw) == expected


@pytest.mark.parametrize("raw", ["Haji", "Ibu", "Andi", "Cut"])
def test_a_title_alone_is_kept_as_the_name(raw):
    assert normalise_name(raw) == raw.lower()


def test_noble_names_without_dot_are_given_names():
    # "Andi" and "Cut" are also ordinary given names; only dotted abbreviations are titles.
    assert normalise_name("Andi Mallarangeng") == "andi mallarangeng"
    assert normalise_name("Cut Nyak Dien") == "cut nyak dien"


@pytest.mark.parametrize("raw", [None, "", "   ", ".,-"])
def test_empty_inputs(raw):
    assert normalise_name(raw) == ""


def test_same_person_written_differently_normalises_the_same():
    forms = ["Hj. Siti Nur'aini, S.Pd.", "SITI NURAINI", "siti  nur’aini", "Ibu Siti Nuraini"]
    assert len({normalise_name(f) for f in forms}) == 1


def test_name_words():
    assert name_words("Hj. Siti Rahayu") == ["siti", "rahayu"]
