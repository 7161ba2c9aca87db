"""The case-level dataset in the vocabulary of IOM's HTCDS 2.0 and the CTDC public data: one row per victim
of a case the requesting user may see, quasi-identifiers generalised to k-anonymity.

Field names follow CTDC's published dataset (yearOfRegistration, gender, ageBroad, citizenship,
CountryOfExploitation, isForcedLabour, ..., meansOfControl...) and HTCDS's MethodsOfControl names. HTCDS has no
forced criminality: `isForcedCriminality` is Sinergi's extension (online-scam compounds in Cambodia, Myanmar).
"""

from __future__ import annotations

from datetime import date

from sinergi.exchange.exports.kanon import anonymise

# CTDC's age bands.
AGE_BANDS = ((0, 8), (9, 17), (18, 20), (21, 23), (24, 26), (27, 29), (30, 38), (39, 47), (48, 200))
COARSE_AGE = ((0, 17), (18, 29), (30, 200))

EXPLOITATION_FIELDS = {
    "FORCED_LABOUR": "isForcedLabour",
    "SEXUAL_EXPLOITATION": "isSexualExploit",
    "FORCED_CRIMINALITY": "isForcedCriminality",  # Sinergi's extension of HTCDS
    "FORCED_MARRIAGE": "isForcedMarriage",
    "SLAVERY": "isSlaveryAndPractices",
    "ORGAN_REMOVAL": "isOrganRemoval",
    "FORCED_MILITARY": "isForcedMilitary",
    "OTHER": "isOtherExploit",
}
CONTROL_FIELDS = {
    "DEBT_BONDAGE": "meansDebtBondageEarnings",
    "TAKES_EARNINGS": "meansTakesEarnings",
    "RESTRICTS_FINANCIAL_ACCESS": "meansRestrictsFinancialAccess",
    "THREATS": "meansThreats",
    "PSYCHOLOGICAL_ABUSE": "meansPsychologicalAbuse",
    "PHYSICAL_ABUSE": "meansPhysicalAbuse",
    "SEXUAL_ABUSE": "meansSexualAbuse",
    "FALSE_PROMISES": "meansFalsePromises",
    "PSYCHOACTIVE_SUBSTANCES": "meansPsychoactiveSubstances",
    "RESTRICTS_MOVEMENT": "meansRestrictsMovement",
    "RESTRICTS_MEDICAL_CARE": "meansRestrictsMedicalCare",
    "EXCESSIVE_WORKING_HOURS": "meansExcessiveWorkingHours",
    "USES_CHILDREN": "meansUsesChildren",
    "THREAT_OF_LAW_ENFORCEMENT": "meansThreatOfLawEnforcement",
    "WITHHOLDS_NECESSITIES": "meansWithholdsNecessities",
    "WITHHOLDS_DOCUMENTS": "meansWithholdsDocuments",
    "OTHER": "meansOther",
}
QUASI = ("yearOfRegistration", "gender", "ageBroad", "citizenship", "CountryOfExploitation")


def _band(age, bands) -> str:
    if age is None or age == "":
        return ""
    for low, high in bands:
        if low <= int(age) <= high:
            return f"{low}--{high}" if high < 200 else f"{low}+"
    return ""


def _coarse_band(band: str) -> str:
    if not band:
        return ""
    low = int(band.split("-")[0].rstrip("+"))
    return _band(low, COARSE_AGE)


def _period(year) -> str:
    if not year:
        return ""
    start = int(year) - int(year) % 5
    return f"{start}--{start + 4}"


def _star(_value) -> str:
    return "*"


def _same(value):
    return "" if value is None else value


LADDERS = {
    "yearOfRegistration": (_same, _period, _star),
    "gender": (_same, _star),
    "ageBroad": (_same, _coarse_band, _star),
    "citizenship": (_same, _star),
    "CountryOfExploitation": (_same, _star),
}
LEVEL_NAMES = {
    "yearOfRegistration": ("year", "five-year period", "suppressed"),
    "gender": ("as recorded", "suppressed"),
    "ageBroad": ("CTDC age band", "0-17 / 18-29 / 30+", "suppressed"),
    "citizenship": ("country", "suppressed"),
    "CountryOfExploitation": ("country", "suppressed"),
}
FIELDS = (
    [("yearOfRegistration", "string"), ("gender", "string"), ("ageBroad", "string"), ("citizenship", "string"),
     ("CountryOfExploitation", "string"), ("traffickingStatus", "string"), ("typeOfLabour", "string")]
    + [(name, "boolean") for name in EXPLOITATION_FIELDS.values()]
    + [(name, "boolean") for name in CONTROL_FIELDS.values()]
)  # fmt: skip

_GENDER = {"F": "Female", "M": "Male"}


def _age(birth: date | None, at: date) -> int | None:
    if birth is None:
        return None
    return at.year - birth.year - ((at.month, at.day) < (birth.month, birth.day))


def victim_records(cases) -> list[dict]:
    """One record per victim party of each case (an unknown victim still counts, with blank identity)."""
    records = []
    for case in cases:
        reported = case.reported_at.date()
        victims = [p for p in case.parties.all() if p.role == "VICTIM"] or [None]
        for party in victims:
            person = party.person if party is not None else None
            record = {
                "yearOfRegistration": str(reported.year),
                "gender": _GENDER.get(getattr(person, "sex", ""), "Unknown") if person else "Unknown",
                "ageBroad": _band(_age(getattr(person, "birth_date", None), reported), AGE_BANDS),
                "citizenship": getattr(person, "nationality", "") or "",
                "CountryOfExploitation": case.destination_country or "",
                "traffickingStatus": getattr(party, "victim_status", "") or "",
                "typeOfLabour": case.labour_sector or "",
            }
            for code, name in EXPLOITATION_FIELDS.items():
                record[name] = code in (case.exploitation_types or [])
            for code, name in CONTROL_FIELDS.items():
                record[name] = code in (case.means_of_control or [])
            records.append(record)
    return records


def anonymised_dataset(cases, *, k: int):
    return anonymise(victim_records(cases), quasi=QUASI, ladders=LADDERS, k=k, level_names=LEVEL_NAMES)
