"""Country names in the reader's language (ISO 3166-1 alpha-2, from babel's CLDR data, shipped with the
package: nothing is downloaded), for every app: a person's nationality, a case's destination, an embassy's
country."""

from __future__ import annotations

from functools import lru_cache

from django.utils.choices import BaseChoiceIterator

# Codes in babel's territory list that are not ISO 3166-1 countries (continents, unions, "unknown"...).
_NOT_COUNTRIES = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


@lru_cache(maxsize=4)
def _countries(language: str) -> dict[str, str]:
    import babel

    try:
        territories = babel.Locale.parse(language.replace("-", "_")).territories
    except (babel.UnknownLocaleError, ValueError):
        territories = babel.Locale("id").territories
    return {
        code: name
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }


def nationality_choices(language: str = "id") -> list[tuple[str, str]]:
    """ISO 3166-1 alpha-2 countries with their names in `language` (Indonesian by default), Indonesia first."""
    return list(_sorted_countries(language))


class CountryChoices(BaseChoiceIterator):
    """The countries as a form field's `choices`, in the current request's language: Indonesia first (or left
    out), optionally after a blank "—". Django takes a choice iterator as it is, so a form neither sorts, copies
    nor normalises 249 countries each time it is made (its fields are deep-copied per form, and a plain list of
    choices is normalised again at every assignment and iteration)."""

    def __init__(self, *, blank: bool = False, indonesia: bool = True):
        self.blank = blank
        self.indonesia = indonesia

    def __iter__(self):
        from django.utils.translation import get_language

        yield from _choices_for((get_language() or "id")[:2], self.blank, self.indonesia)


@lru_cache(maxsize=16)
def _choices_for(language: str, blank: bool, indonesia: bool) -> tuple[tuple[str, str], ...]:
    countries = _sorted_countries(language)
    return (("", "—"),) * blank + (countries if indonesia else countries[1:])


@lru_cache(maxsize=4)
def _sorted_countries(language: str) -> tuple[tuple[str, str], ...]:
    countries = _countries(language)
    rest = sorted(((code, name) for code, name in countries.items() if code != "ID"), key=lambda c: c[1])
    return (("ID", countries["ID"]), *rest)


def nationality_name(code: str, language: str = "id") -> str:
    return _countries(language).get(code, code)


def is_country(code: str) -> bool:
    return code in _countries("id")


def country_name(code: str) -> str:
    """The country's name in the active language ("Malaysia", "Arab Saudi"); "" for no code."""
    from django.utils.translation import get_language

    return nationality_name(code, (get_language() or "id")[:2]) if code else ""
