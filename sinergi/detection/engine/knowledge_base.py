"""Loading, validating and compiling the knowledge files under ``knowledge/``.

Domain staff edit the YAML and CSV files; this module refuses any file it does not fully understand (an
unknown field, a regex that does not compile, a rule without its legal basis) with an error that names the
file and the entry, so a typo never silently disables a rule. Everything the screener needs per post is
compiled here once: the combined indicator regex, the phrase gazetteer for countries, cities, scam hubs and
occupations, the money and contact patterns.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sinergi.detection.engine.dispatch import Dispatcher
from sinergi.detection.engine.registry import KINDS as REGISTRY_KINDS
from sinergi.detection.engine.registry import Registry, RegistryError, load_registry

# libyaml's safe loader when PyYAML was built with it (10x faster), the pure-Python one otherwise.
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
DEFAULT_DIR = Path(__file__).resolve().parent / "knowledge"
# A deployment may keep its reviewed knowledge outside the package (e.g. on a writable volume).
KNOWLEDGE_DIR_ENV = "SINERGI_DETECTION_KNOWLEDGE"

# Indicators whose trigger is the engine's own logic over extracted data; see screening.py.
COMPUTED_CODES = frozenset(
    {
        "NON_PLACEMENT_COUNTRY",
        "SCAM_HUB",
        "TRANSIT_ROUTE",
        "MORATORIUM_DOMESTIC",
        "MORATORIUM_PILOT_CLAIM",
        "COMPANY_NOT_REGISTERED",
        "COMPANY_LICENCE_REVOKED",
        "COMPANY_NOT_PT",
        "WRONG_VISA",
        "MISSING_CONTRACT_TERMS",
        "FEE_ZERO_COST_OCCUPATION",
        "LARGE_FEE",
        "UNDER_18",
        "TOO_GOOD_SALARY",
        "URGENT_DEPARTURE",
        "FISHING_NO_PKL",
        "JOB_ORDER_NOT_FOUND",
        "DESTINATION_OR_EMPLOYER_UNNAMED",
    }
)
# How far the learned model may move the rule score up and down (indicators.yaml, scoring; see verdict.py).
MODEL_BAND_DEFAULTS = {"model_band_up": 0.2, "model_band_down": 0.15, "model_band_down_weak": 0.35}
# What to ask when an overseas offer leaves something out (questions.yaml): the keys verdict.decide() knows.
QUESTION_KEYS = frozenset({"employer", "channel", "country", "contract", "fee", "registration"})
CATEGORIES = frozenset(
    {"negara_tujuan", "perekrut", "dokumen", "kontrak", "biaya", "usia", "prosedur", "tekanan", "jalur"}
)
COUNTRY_STATUSES = frozenset({"penempatan", "bukan_penempatan", "transit", "lainnya"})
HUB_KINDS = frozenset({"kota", "kota_perbatasan", "kawasan_ekonomi_khusus", "kompleks"})
_CODE = re.compile(r"^[A-Z][A-Z0-9_]{2,63}$")
_ISO2 = re.compile(r"^[A-Z]{2}$")
_ISO4217 = re.compile(r"^[A-Z]{3}$")
_OCC_CODE = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_BACKREF = re.compile(r"\\[1-9]|\(\?P=")
TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")


class KnowledgeError(ValueError):
    """A knowledge file is missing, malformed or inconsistent; the message names the file and the entry."""


# --------------------------------------------------------------------------------------------- helpers

_REQ = True
_OPT = False


def _check_mapping(obj: object, spec: dict[str, Any], where: str) -> dict[str, Any]:
    """Check that ``obj`` is a mapping with exactly the keys of ``spec`` (key -> (types, required))."""
    if not isinstance(obj, dict):
        raise KnowledgeError(f"{where}: harus berupa pemetaan (kunci: nilai), bukan {type(obj).__name__}")
    unknown = sorted(set(obj) - set(spec))
    if unknown:
        raise KnowledgeError(
            f"{where}: kolom tidak dikenal {', '.join(map(repr, unknown))} (kolom yang sah: {', '.join(spec)})"
        )
    for key, (types, required) in spec.items():
        value = obj.get(key)
        if value is None or value == "" or value == []:
            if required:
                raise KnowledgeError(f"{where}: kolom '{key}' wajib diisi")
            continue
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in _as_tuple(types)):
            names = "/".join(t.__name__ for t in _as_tuple(types))
            raise KnowledgeError(
                f"{where}: kolom '{key}' harus bertipe {names}, bukan {type(value).__name__}"
            )
    return obj


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _str_list(value: object, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise KnowledgeError(f"{where}: harus berupa daftar teks yang tidak kosong")
    return [v.strip() for v in value]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    if not isinstance(pattern, str) or not pattern.strip():
        raise KnowledgeError(f"{where}: pola kosong")
    if _BACKREF.search(pattern):
        raise KnowledgeError(
            f"{where}: pola {pattern!r} memakai rujukan balik (\\1, (?P=...)); tidak didukung"
        )
    try:
        rx = re.compile(pattern)
    except re.error as exc:
        raise KnowledgeError(f"{where}: pola tidak valid {pattern!r}: {exc}") from exc
    if rx.groupindex:
        raise KnowledgeError(f"{where}: pola {pattern!r} memakai grup bernama (?P<...>); tidak didukung")
    probe = rx.search("x y") or rx.match("")
    if probe is not None and probe.end() == probe.start():
        raise KnowledgeError(f"{where}: pola {pattern!r} cocok dengan teks kosong (akan memicu di mana saja)")
    return rx


def _phrase(text: str) -> str:
    """The gazetteer key of an alias: its lower-case tokens joined by one space ("Hpa-An" -> "hpa an")."""
    return " ".join(TOKEN_RE.findall(text.lower()))


def _words_alternation(words: Iterable[str]) -> str:
    ordered = sorted({w for w in words if w}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in ordered)


def _load_yaml(directory: Path, name: str, top: dict[str, Any]) -> dict[str, Any]:
    path = directory / name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise KnowledgeError(f"{name}: berkas tidak ditemukan di {directory}") from exc
    try:
        data = yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader (C or Python)
    except yaml.YAMLError as exc:
        raise KnowledgeError(f"{name}: YAML tidak valid: {exc}") from exc
    spec = {"version": ((int, str), _REQ), "updated": ((dt.date, str), _REQ), **top}
    checked = _check_mapping(data, spec, name)
    if isinstance(checked["updated"], str):
        try:
            dt.date.fromisoformat(checked["updated"])
        except ValueError as exc:
            raise KnowledgeError(f"{name}: 'updated' harus tanggal YYYY-MM-DD") from exc
    return checked


# --------------------------------------------------------------------------------------------- compiled parts


@dataclass(slots=True)
class Rule:
    """One indicator as declared in indicators.yaml."""

    code: str
    title: str
    category: str
    weight: float
    kind: str
    scope: str
    explanation: str
    basis: str
    unless: re.Pattern[str] | None = None


@dataclass(slots=True)
class Dampener:
    """A context (a warning, a news report) in which the indicators found do not mean a risky offer."""

    code: str
    title: str
    factor: float
    min_matches: int
    explanation: str
    narration: re.Pattern[str] | None = None


@dataclass(slots=True)
class Occupation:
    code: str
    title: str
    skill: str
    zero_cost: bool


@dataclass(slots=True)
class Hub:
    name: str
    country: str
    kind: str
    basis: str


@dataclass(slots=True)
class Currency:
    code: str
    idr: float


@dataclass
class Knowledge:
    """Every knowledge file, validated and compiled for fast screening."""

    directory: Path
    versions: dict[str, Any]
    rules: dict[str, Any]
    dampeners: dict[str, Any]
    thresholds: dict[str, Any]
    params: dict[str, Any]
    dispatcher: Dispatcher
    gazetteer: dict[str, Any]
    gazetteer_first: frozenset[str]
    gazetteer_max: int
    country_status: dict[str, Any]
    salary_ceilings: dict[str, Any]
    country_names: dict[str, Any]
    moratorium_countries: frozenset[str]
    moratorium_occupations: frozenset[str]
    moratorium_exceptions: list[Any]
    currencies: dict[str, Any]
    money: dict[str, Any]
    visa_types: list[Any]
    urgency: list[Any]
    company_not_names: frozenset[str]
    company_stopwords: frozenset[str]
    p3mi: Registry
    job_orders: Registry
    registry_index: dict[str, Any] = field(default_factory=dict)
    job_order_index: dict[str, Any] = field(default_factory=dict)
    questions: dict[str, Any] = field(default_factory=dict)
    version_label: str = ""

    @property
    def version(self) -> str:
        return self.version_label

    @property
    def registry_is_sample(self) -> bool:
        return self.p3mi.is_sample


# --------------------------------------------------------------------------------------------- loaders


def _load_indicators(
    directory: Path,
) -> tuple[
    dict[str, Any], dict[str, Rule], dict[str, Dampener], dict[str, float], list[tuple[str, str, str]]
]:
    name = "indicators.yaml"
    data = _load_yaml(
        directory, name, {"scoring": (dict, _REQ), "dampeners": (list, _OPT), "indicators": (list, _REQ)}
    )
    scoring = _check_mapping(
        data["scoring"],
        {
            "tinggi": ((int, float), _REQ),
            "sedang": ((int, float), _REQ),
            "model_band_up": ((int, float), _OPT),
            "model_band_down": ((int, float), _OPT),
            "model_band_down_weak": ((int, float), _OPT),
        },
        f"{name}: scoring",
    )
    if not 0 < float(scoring["sedang"]) < float(scoring["tinggi"]) <= 1:
        raise KnowledgeError(f"{name}: scoring: harus 0 < sedang < tinggi <= 1")
    scoring = {**MODEL_BAND_DEFAULTS, **scoring}
    for key in MODEL_BAND_DEFAULTS:
        if not 0 <= float(scoring[key]) <= 1:
            raise KnowledgeError(f"{name}: scoring: {key} harus antara 0 dan 1")
    spec = {
        "code": (str, _REQ),
        "title": (str, _REQ),
        "category": (str, _REQ),
        "weight": ((int, float), _REQ),
        "kind": (str, _REQ),
        "scope": (str, _OPT),
        "patterns": (list, _OPT),
        "unless": (list, _OPT),
        "explanation": (str, _REQ),
        "basis": (str, _REQ),
    }
    rules: dict[str, Rule] = {}
    alternatives: list[tuple[str, str, str]] = []
    for position, entry in enumerate(data["indicators"], 1):
        label = entry.get("code") if isinstance(entry, dict) else None
        where = f"{name}: indikator {label or f'#{position}'!r}"
        _check_mapping(entry, spec, where)
        code = entry["code"]
        if not _CODE.match(code):
            raise KnowledgeError(f"{where}: kode harus huruf besar/angka/garis bawah, mis. NO_CONTRACT")
        if code in rules:
            raise KnowledgeError(f"{where}: kode ganda")
        if entry["category"] not in CATEGORIES:
            raise KnowledgeError(
                f"{where}: kategori {entry['category']!r} tidak dikenal ({', '.join(sorted(CATEGORIES))})"
            )
        weight = float(entry["weight"])
        if not 0 < weight < 1:
            raise KnowledgeError(f"{where}: bobot harus di antara 0 dan 1 (tidak termasuk)")
        kind = entry["kind"]
        if kind not in {"pattern", "computed"}:
            raise KnowledgeError(f"{where}: kind harus 'pattern' atau 'computed'")
        if kind == "computed" and code not in COMPUTED_CODES:
            raise KnowledgeError(
                f"{where}: indikator computed {code!r} tidak dikenal mesin (yang dikenal: {', '.join(sorted(COMPUTED_CODES))})"
            )
        patterns = _str_list(entry.get("patterns"), f"{where}: patterns")
        if kind == "pattern" and not patterns:
            raise KnowledgeError(f"{where}: indikator kind 'pattern' wajib punya 'patterns'")
        scope = entry.get("scope") or "any"
        if scope not in {"any", "abroad"}:
            raise KnowledgeError(f"{where}: scope harus 'any' atau 'abroad'")
        for index, pattern in enumerate(patterns, 1):
            _compile(pattern, f"{where}: patterns[{index}]")
        unless = _str_list(entry.get("unless"), f"{where}: unless")
        for index, pattern in enumerate(unless, 1):
            _compile(pattern, f"{where}: unless[{index}]")
        # One dispatcher family per indicator: within a family only the first pattern matching at a word counts,
        # so two indicators that start at the same word ("tanpa ijazah ...", "pemandu lagu") both fire.
        alternatives.extend((f"ind:{code}", f"ind:{code}", p) for p in patterns)
        rules[code] = Rule(
            code=code,
            title=entry["title"].strip(),
            category=entry["category"],
            weight=weight,
            kind=kind,
            scope=scope,
            explanation=" ".join(entry["explanation"].split()),
            basis=" ".join(entry["basis"].split()),
            unless=re.compile("|".join(f"(?:{p})" for p in unless)) if unless else None,
        )
    dampeners: dict[str, Dampener] = {}
    dspec = {
        "code": (str, _REQ),
        "title": (str, _REQ),
        "factor": ((int, float), _REQ),
        "min_matches": (int, _OPT),
        "patterns": (list, _REQ),
        "narration_patterns": (list, _OPT),
        "explanation": (str, _REQ),
        "basis": (str, _REQ),
    }
    for position, entry in enumerate(data.get("dampeners") or [], 1):
        label = entry.get("code") if isinstance(entry, dict) else None
        where = f"{name}: peredam {label or f'#{position}'!r}"
        _check_mapping(entry, dspec, where)
        code = entry["code"]
        if not _CODE.match(code) or code in rules or code in dampeners:
            raise KnowledgeError(f"{where}: kode tidak valid atau ganda")
        factor = float(entry["factor"])
        if not 0 < factor < 1:
            raise KnowledgeError(f"{where}: factor harus di antara 0 dan 1")
        patterns = _str_list(entry["patterns"], f"{where}: patterns")
        for index, pattern in enumerate(patterns, 1):
            _compile(pattern, f"{where}: patterns[{index}]")
            # One label per pattern: the dampener counts how many different patterns matched.
            alternatives.append((f"damp{index}", f"damp:{code}:{index}", pattern))
        dampeners[code] = Dampener(
            code=code,
            title=entry["title"].strip(),
            factor=factor,
            min_matches=int(entry.get("min_matches") or 1),
            explanation=" ".join(entry["explanation"].split()),
            narration=_compile(
                "|".join(
                    f"(?:{p})" for p in _str_list(entry["narration_patterns"], f"{where}: narration_patterns")
                ),
                f"{where}: narration_patterns",
            )
            if entry.get("narration_patterns")
            else None,
        )
    return data, rules, dampeners, {k: float(v) for k, v in scoring.items()}, alternatives


@functools.lru_cache(maxsize=1)
def _babel_names() -> dict[str, list[str]]:
    """ISO code -> official country names in Indonesian, English and Malay (CLDR through babel)."""
    try:
        from babel import Locale
    except ImportError:  # babel is a dependency; without it only the aliases in countries.yaml are known
        return {}
    names: dict[str, list[str]] = {}
    for loc in ("id", "en", "ms"):
        for code, label in Locale.parse(loc).territories.items():
            if len(code) == 2 and code.isalpha():
                names.setdefault(code, []).append(label)
    return names


def _load_countries(
    directory: Path, gazetteer: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], dict[str, str], dict[str, float]]:
    name = "countries.yaml"
    data = _load_yaml(
        directory,
        name,
        {"countries": (list, _REQ), "ignored_names": (list, _OPT), "abroad_terms": (list, _OPT)},
    )
    ignored = {_phrase(n) for n in _str_list(data.get("ignored_names"), f"{name}: ignored_names")}
    babel = _babel_names()
    status: dict[str, str] = {}
    display: dict[str, str] = {}
    for code, labels in babel.items():
        display[code] = labels[0]
        for babel_label in labels:
            key = _phrase(babel_label)
            if key and key not in ignored:
                gazetteer.setdefault(key, []).append(("country", code))
    spec = {
        "code": (str, _REQ),
        "status": (str, _REQ),
        "aliases": (list, _OPT),
        "cities": (list, _OPT),
        "salary_ceiling_idr": ((int, float), _OPT),
        "basis": (str, _REQ),
    }
    ceilings: dict[str, float] = {}
    for position, entry in enumerate(data["countries"], 1):
        label = entry.get("code") if isinstance(entry, dict) else None
        where = f"{name}: negara {label or f'#{position}'!r}"
        _check_mapping(entry, spec, where)
        code = entry["code"]
        if not _ISO2.match(code):
            raise KnowledgeError(f"{where}: kode harus ISO 3166-1 alpha-2 (dua huruf besar)")
        if code in status:
            raise KnowledgeError(f"{where}: negara ganda")
        if entry["status"] not in COUNTRY_STATUSES:
            raise KnowledgeError(
                f"{where}: status {entry['status']!r} tidak dikenal ({', '.join(sorted(COUNTRY_STATUSES))})"
            )
        status[code] = entry["status"]
        if entry.get("salary_ceiling_idr"):
            ceilings[code] = float(entry["salary_ceiling_idr"])
        display.setdefault(code, code)
        for alias in _str_list(entry.get("aliases"), f"{where}: aliases"):
            gazetteer.setdefault(_phrase(alias), []).append(("country", code))
        for city in _str_list(entry.get("cities"), f"{where}: cities"):
            gazetteer.setdefault(_phrase(city), []).append(("city", (code, city.title())))
    for term in _str_list(data.get("abroad_terms"), f"{name}: abroad_terms"):
        gazetteer.setdefault(_phrase(term), []).append(("abroad", None))
    return data, status, display, ceilings


def _load_moratorium(
    directory: Path, gazetteer: dict[str, Any], known_occupations: set[str]
) -> tuple[dict[str, Any], frozenset[str], frozenset[str], list[dict[str, Any]]]:
    name = "moratorium.yaml"
    data = _load_yaml(
        directory,
        name,
        {
            "basis": (str, _REQ),
            "countries": (list, _REQ),
            "region_terms": (list, _OPT),
            "occupations": (list, _REQ),
            "exceptions": (list, _OPT),
        },
    )
    countries = _str_list(data["countries"], f"{name}: countries")
    for code in countries:
        if not _ISO2.match(code):
            raise KnowledgeError(f"{name}: countries: {code!r} bukan kode ISO 3166-1 alpha-2")
    occupations = _str_list(data["occupations"], f"{name}: occupations")
    for code in occupations:
        if code not in known_occupations:
            raise KnowledgeError(
                f"{name}: occupations: jabatan {code!r} tidak ada di occupations.yaml/zero_cost_occupations.yaml"
            )
    for term in _str_list(data.get("region_terms"), f"{name}: region_terms"):
        gazetteer.setdefault(_phrase(term), []).append(("region", "moratorium"))
    exceptions: list[dict[str, Any]] = []
    spec = {"program": (str, _REQ), "country": (str, _REQ), "keywords": (list, _REQ), "basis": (str, _REQ)}
    for position, entry in enumerate(data.get("exceptions") or [], 1):
        where = f"{name}: pengecualian #{position}"
        _check_mapping(entry, spec, where)
        keywords = _str_list(entry["keywords"], f"{where}: keywords")
        exceptions.append(
            {
                "program": entry["program"],
                "country": entry["country"],
                "rx": re.compile(r"\b(?:" + _words_alternation(k.lower() for k in keywords) + r")\b"),
                "basis": entry["basis"],
            }
        )
    return data, frozenset(countries), frozenset(occupations), exceptions


def _load_hubs(directory: Path, gazetteer: dict[str, Any]) -> dict[str, Any]:
    name = "scam_hubs.yaml"
    data = _load_yaml(directory, name, {"hubs": (list, _REQ)})
    spec = {
        "name": (str, _REQ),
        "country": (str, _REQ),
        "kind": (str, _REQ),
        "aliases": (list, _REQ),
        "basis": (str, _REQ),
    }
    for position, entry in enumerate(data["hubs"], 1):
        label = entry.get("name") if isinstance(entry, dict) else None
        where = f"{name}: lokasi {label or f'#{position}'!r}"
        _check_mapping(entry, spec, where)
        if not _ISO2.match(entry["country"]):
            raise KnowledgeError(f"{where}: country harus kode ISO 3166-1 alpha-2")
        if entry["kind"] not in HUB_KINDS:
            raise KnowledgeError(
                f"{where}: kind {entry['kind']!r} tidak dikenal ({', '.join(sorted(HUB_KINDS))})"
            )
        hub = Hub(name=entry["name"], country=entry["country"], kind=entry["kind"], basis=entry["basis"])
        for alias in [entry["name"], *_str_list(entry["aliases"], f"{where}: aliases")]:
            gazetteer.setdefault(_phrase(alias), []).append(("hub", hub))
    return data


def _load_occupations(
    directory: Path, gazetteer: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, Any], dict[str, Occupation]]:
    known: dict[str, Occupation] = {}
    zname = "zero_cost_occupations.yaml"
    zdata = _load_yaml(directory, zname, {"basis": (str, _REQ), "occupations": (list, _REQ)})
    zspec = {"code": (str, _REQ), "title": (str, _REQ), "aliases": (list, _REQ)}
    oname = "occupations.yaml"
    odata = _load_yaml(directory, oname, {"occupations": (list, _REQ)})
    ospec = {"code": (str, _REQ), "title": (str, _REQ), "skill": (str, _REQ), "aliases": (list, _REQ)}
    for fname, data, spec, zero in ((zname, zdata, zspec, True), (oname, odata, ospec, False)):
        for position, entry in enumerate(data["occupations"], 1):
            label = entry.get("code") if isinstance(entry, dict) else None
            where = f"{fname}: jabatan {label or f'#{position}'!r}"
            _check_mapping(entry, spec, where)
            code = entry["code"]
            if not _OCC_CODE.match(code):
                raise KnowledgeError(f"{where}: kode harus huruf kecil/angka/garis bawah")
            if code in known:
                raise KnowledgeError(f"{where}: kode jabatan ganda")
            skill = "unskilled" if zero else entry["skill"]
            if skill not in {"skilled", "unskilled"}:
                raise KnowledgeError(f"{where}: skill harus 'skilled' atau 'unskilled'")
            occ = Occupation(code=code, title=entry["title"], skill=skill, zero_cost=zero)
            known[code] = occ
            for alias in _str_list(entry["aliases"], f"{where}: aliases"):
                gazetteer.setdefault(_phrase(alias), []).append(("occupation", occ))
    if len(zdata["occupations"]) != 10:
        raise KnowledgeError(
            f"{zname}: Perban BP2MI 9/2020 menyebut sepuluh jabatan; berkas ini berisi {len(zdata['occupations'])}"
        )
    return zdata, odata, known


def _load_currencies(
    directory: Path,
) -> tuple[dict[str, Any], dict[str, Currency], dict[str, str], dict[str, str]]:
    name = "currencies.yaml"
    data = _load_yaml(
        directory,
        name,
        {"rates_date": ((dt.date, str), _REQ), "rates_source": (str, _REQ), "currencies": (list, _REQ)},
    )
    spec = {"code": (str, _REQ), "idr": ((int, float), _REQ), "symbols": (list, _OPT), "words": (list, _OPT)}
    currencies: dict[str, Currency] = {}
    by_symbol: dict[str, str] = {}
    by_word: dict[str, str] = {}
    for position, entry in enumerate(data["currencies"], 1):
        label = entry.get("code") if isinstance(entry, dict) else None
        where = f"{name}: mata uang {label or f'#{position}'!r}"
        _check_mapping(entry, spec, where)
        code = entry["code"]
        if not _ISO4217.match(code):
            raise KnowledgeError(f"{where}: kode harus ISO 4217 (tiga huruf besar)")
        if float(entry["idr"]) <= 0:
            raise KnowledgeError(f"{where}: kurs harus lebih dari 0")
        currencies[code] = Currency(code=code, idr=float(entry["idr"]))
        for symbol in _str_list(entry.get("symbols"), f"{where}: symbols"):
            by_symbol.setdefault(symbol.lower(), code)
        for word in _str_list(entry.get("words"), f"{where}: words"):
            by_word.setdefault(" ".join(word.lower().split()), code)
    if "IDR" not in currencies:
        raise KnowledgeError(f"{name}: mata uang IDR wajib ada")
    return data, currencies, by_symbol, by_word


def _load_extraction(
    directory: Path,
) -> tuple[
    dict[str, Any],
    list[tuple[str, bool]],
    list[str],
    list[tuple[float, list[str]]],
    list[tuple[str, str, str]],
]:
    name = "extraction.yaml"
    data = _load_yaml(
        directory,
        name,
        {
            "thresholds": (dict, _REQ),
            "basis_notes": (str, _OPT),
            "salary_cues": (list, _REQ),
            "fee_cues": (list, _REQ),
            "periods": (list, _REQ),
            "visa_types": (list, _REQ),
            "urgency": (list, _REQ),
            "contract_terms": (list, _REQ),
            "pkl_terms": (list, _REQ),
            "company_not_names": (list, _REQ),
            "company_stopwords": (list, _REQ),
        },
    )
    number = ((int, float), _REQ)
    _check_mapping(
        data["thresholds"],
        {
            "too_good_salary_unskilled_idr": number,
            "too_good_salary_any_idr": number,
            "large_fee_idr": number,
            "max_text_chars": (int, _REQ),
            "registry_min_score": number,
        },
        f"{name}: thresholds",
    )
    if data["thresholds"]["max_text_chars"] < 1000:
        raise KnowledgeError(f"{name}: thresholds: max_text_chars minimal 1000")
    entries: list[tuple[str, str, str]] = []
    visa_types: list[tuple[str, bool]] = []
    for position, entry in enumerate(data["visa_types"], 1):
        where = f"{name}: visa_types #{position}"
        _check_mapping(entry, {"code": (str, _REQ), "risky": (bool, _REQ), "patterns": (list, _REQ)}, where)
        for p in _str_list(entry["patterns"], f"{where}: patterns"):
            _compile(p, f"{where}: patterns")
            entries.append(("visa", f"visa:{entry['code']}", p))
        visa_types.append((entry["code"], bool(entry["risky"])))
    urgency: list[str] = []
    for position, entry in enumerate(data["urgency"], 1):
        where = f"{name}: urgency #{position}"
        _check_mapping(entry, {"level": (str, _REQ), "patterns": (list, _REQ)}, where)
        for p in _str_list(entry["patterns"], f"{where}: patterns"):
            _compile(p, f"{where}: patterns")
            entries.append(("urgency", f"urgency:{entry['level']}", p))
        urgency.append(entry["level"])
    periods: list[tuple[float, list[str]]] = []
    for position, entry in enumerate(data["periods"], 1):
        where = f"{name}: periods #{position}"
        _check_mapping(entry, {"factor": ((int, float), _REQ), "words": (list, _REQ)}, where)
        if float(entry["factor"]) <= 0:
            raise KnowledgeError(f"{where}: factor harus lebih dari 0")
        periods.append((float(entry["factor"]), _str_list(entry["words"], f"{where}: words")))

    for key, label in (("contract_terms", "contract"), ("pkl_terms", "pkl")):
        for p in _str_list(data[key], f"{name}: {key}"):
            _compile(p, f"{name}: {key}")
            entries.append((label, label, p))
    return data, visa_types, urgency, periods, entries


def _cue_index(salary_cues: Iterable[str], fee_cues: Iterable[str]) -> dict[str, Any]:
    index: dict[str, list[tuple[str, str]]] = {}
    for kind, cues in (("salary", salary_cues), ("fee", fee_cues)):
        for cue in cues:
            phrase = " ".join(cue.lower().split())
            index.setdefault(phrase.split(" ", 1)[0], []).append((phrase, kind))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


def _money_patterns(
    by_symbol: dict[str, Any],
    by_word: dict[str, Any],
    periods: list[Any],
    salary_cues: Iterable[str],
    fee_cues: Iterable[str],
) -> dict[str, Any]:
    """The compiled money patterns: an amount core, then the currency and period around it."""
    # Written digit-first so that re can skip quickly to the next digit.
    amount = r"\d(?<![\d.,]\d)(?:\d{0,2}(?:[.,]\d{3})+(?:[.,]\d{1,2})?(?!\d)|\d*(?:[.,]\d+)?)"
    magnitude = r"jt|juta|jeti|jutaan|rb|ribu|rbu|ribuan|k|m|mil|million|millions|thousand|ratus\s+ribu"
    core = re.compile(
        rf"(?P<a>{amount})(?:\s?(?P<ma>{magnitude})(?![a-z]))?"
        rf"(?:\s?(?:-|–|~|s/d|sd|sampai|hingga|to|or)\s?(?P<b>{amount})(?:\s?(?P<mb>{magnitude})(?![a-z]))?)?"
    )
    symbols = _words_alternation(by_symbol)
    words = _words_alternation(by_word)
    period_words = {w: f for f, ws in periods for w in ws}
    period_alt = _words_alternation(period_words)
    return {
        "core": core,
        "before": re.compile(rf"(?:(?<![a-z])(?P<s>{symbols})|\b(?P<w>{words}))\s?$"),
        "after": re.compile(rf"\s?(?:(?P<s>{symbols})|(?P<w>{words}))(?![a-z])"),
        "period": re.compile(
            rf"\s?(?:/|per|tiap|setiap|each|a|an|sebulan|se)?\s?(?P<p>{period_alt})(?![a-z])"
        ),
        "cues": re.compile(
            rf"\b(?:(?P<salary>{_words_alternation(salary_cues)})|(?P<fee>{_words_alternation(fee_cues)}))\b"
        ),
        # First word of each cue -> [(whole cue, "salary" | "fee")], longest first: cues are found per word.
        "cue_first": _cue_index(salary_cues, fee_cues),
        "by_symbol": by_symbol,
        "by_word": {" ".join(k.split()): v for k, v in by_word.items()},
        "period_factor": period_words,
    }


def _registry_index(p3mi: Registry) -> dict[str, Any]:
    """Normalised company name -> registry row, for the fuzzy match."""
    from sinergi.detection.engine.companies import normalise_company

    index: dict[str, dict[str, Any]] = {}
    for row in p3mi.rows:
        names = [row["name"], *[a for a in (row.get("aliases") or "").split("|") if a.strip()]]
        for n in names:
            key = normalise_company(n)
            if key:
                index.setdefault(key, row)
    return index


def _job_order_index(job_orders: Registry) -> dict[str, Any]:
    """P3MI licence (upper case) -> [(country, job order number, status, valid_until)]."""
    index: dict[str, list[Any]] = {}
    for row in job_orders.rows:
        index.setdefault(row["p3mi_licence"].upper(), []).append(
            (row["country"], row["job_order_no"], row["status"], row.get("valid_until") or "")
        )
    return index


def _load_questions(directory: Path) -> tuple[dict[str, Any], dict[str, str]]:
    name = "questions.yaml"
    data = _load_yaml(directory, name, {"questions": (list, _REQ)})
    questions: dict[str, str] = {}
    spec = {"key": (str, _REQ), "ask": (str, _REQ), "basis": (str, _REQ)}
    for position, entry in enumerate(data["questions"], 1):
        where = f"{name}: questions[{position}]"
        _check_mapping(entry, spec, where)
        if entry["key"] not in QUESTION_KEYS:
            raise KnowledgeError(
                f"{where}: key {entry['key']!r} tidak dikenal ({', '.join(sorted(QUESTION_KEYS))})"
            )
        if entry["key"] in questions:
            raise KnowledgeError(f"{where}: key {entry['key']!r} sudah ada")
        questions[entry["key"]] = " ".join(entry["ask"].split())
    return data, questions


def load_knowledge(path: str | os.PathLike[str] | None = None) -> Knowledge:
    """Load, validate and compile every knowledge file from ``path`` (default: the packaged directory).

    Raises KnowledgeError naming the file and the entry at the first problem.
    """
    directory = Path(path or os.environ.get(KNOWLEDGE_DIR_ENV) or DEFAULT_DIR)
    if not directory.is_dir():
        raise KnowledgeError(f"folder pengetahuan tidak ditemukan: {directory}")
    gazetteer: dict[str, list[Any]] = {}
    ind_data, rules, dampeners, thresholds, rule_entries = _load_indicators(directory)
    c_data, status, display, ceilings = _load_countries(directory, gazetteer)
    h_data = _load_hubs(directory, gazetteer)
    z_data, o_data, occupations = _load_occupations(directory, gazetteer)
    m_data, mor_countries, mor_occupations, exceptions = _load_moratorium(
        directory, gazetteer, set(occupations)
    )
    cur_data, currencies, by_symbol, by_word = _load_currencies(directory)
    ex_data, visa_types, urgency, periods, extraction_entries = _load_extraction(directory)
    money = _money_patterns(by_symbol, by_word, periods, ex_data["salary_cues"], ex_data["fee_cues"])
    for code in set(mor_countries):
        if code not in display:
            raise KnowledgeError(f"moratorium.yaml: countries: {code!r} bukan kode negara yang dikenal")
    registries = {}
    for kind, spec in REGISTRY_KINDS.items():
        try:
            registries[kind] = load_registry(kind, directory / spec["file"])
        except RegistryError as exc:
            raise KnowledgeError(str(exc)) from exc
    gazetteer.pop("", None)
    versions = {
        "indicators": ind_data["version"],
        "countries": c_data["version"],
        "scam_hubs": h_data["version"],
        "moratorium": m_data["version"],
        "zero_cost_occupations": z_data["version"],
        "occupations": o_data["version"],
        "currencies": cur_data["version"],
        "extraction": ex_data["version"],
        "p3mi": registries["p3mi"].version,
        "job_orders": registries["job_orders"].version,
    }
    knowledge = Knowledge(
        directory=directory,
        versions=versions,
        rules=rules,
        dampeners=dampeners,
        thresholds=thresholds,
        params={k: float(v) for k, v in ex_data["thresholds"].items()},
        dispatcher=Dispatcher(rule_entries + extraction_entries),
        gazetteer=gazetteer,
        gazetteer_first=frozenset(k.split(" ", 1)[0] for k in gazetteer),
        gazetteer_max=max((k.count(" ") + 1 for k in gazetteer), default=1),
        country_status=status,
        salary_ceilings=ceilings,
        country_names=display,
        moratorium_countries=mor_countries,
        moratorium_occupations=mor_occupations,
        moratorium_exceptions=exceptions,
        currencies=currencies,
        money=money,
        visa_types=visa_types,
        urgency=urgency,
        company_not_names=frozenset(w.lower() for w in ex_data["company_not_names"]),
        company_stopwords=frozenset(w.lower() for w in ex_data["company_stopwords"]),
        p3mi=registries["p3mi"],
        job_orders=registries["job_orders"],
    )
    q_data, knowledge.questions = _load_questions(directory)
    versions["questions"] = q_data["version"]
    knowledge.registry_index = _registry_index(knowledge.p3mi)
    knowledge.job_order_index = _job_order_index(knowledge.job_orders)
    knowledge.version_label = ";".join(f"{name}={value}" for name, value in versions.items())
    return knowledge
