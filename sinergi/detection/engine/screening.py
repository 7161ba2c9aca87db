"""screen(): one text in, a ScreeningResult out.

The steps, each a single pass over the text: clean and lower-case (length-preserving, so every span points into
the text the caller gave); run the combined indicator regex; look up countries, cities, scam hubs and
occupations in the phrase gazetteer; read amounts, ages, visa, urgency, companies and contacts; derive the
"computed" indicators from that; drop indicators that only apply to work abroad when nothing points abroad;
combine the weights (noisy-OR) into the rule score, let the learned model move it within its band, and word
the answer (verdict.py).
"""

from __future__ import annotations

import datetime
import re
import threading
import time
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sinergi.detection.engine.companies import find_companies, match_registry
from sinergi.detection.engine.contacts import extract_contacts
from sinergi.detection.engine.knowledge_base import TOKEN_RE, Hub, Knowledge, Occupation, load_knowledge
from sinergi.detection.engine.money import extract_amounts
from sinergi.detection.engine.types import Extracted, Indicator, ScreeningResult
from sinergi.detection.engine.verdict import (
    NARRATION_NOTE,
    decide,
    level_of,
    model_delta,
    rule_parts,
    strong_evidence,
)

if TYPE_CHECKING:
    from sinergi.detection.engine.learned import LearnedModel

# What a gazetteer phrase stands for: a country code, (country code, city), a scam hub, an occupation, or nothing
# ("abroad" words, regions).
GazetteerValue = str | tuple[str, str] | Hub | Occupation | None

_learned: ModuleType | None
try:  # the learned layer is optional: the rules work on their own
    from sinergi.detection.engine import learned as _learned_module

    _learned = _learned_module
except Exception:  # any import problem in an optional layer must not stop screening
    _learned = None

# C0/C1 control characters (binary junk) become spaces: same length, so spans stay valid.
_CONTROL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32), 127, *range(128, 160)], " ")
_HAS_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_AGE_RANGE = re.compile(
    r"\b(?:usia|umur|age|umr|usia\s+antara|aged?)\s*:?\s*(?:antara\s+)?(\d{1,2})\s*(?:th|thn|tahun|yo|y\.o\.?)?\s*"
    r"(?:-|–|~|s/d|sd|sampai|hingga|to|sampai\s+dengan)\s*(\d{1,2})(?!\d)"
    r"|\b(\d{2})\s*(?:-|–|s/d|sampai|hingga)\s*(\d{2})\s*(?:th|thn|tahun|years?\s+old|yo|y\.o)\b"
)
_AGE_MIN = re.compile(
    r"\b(?:usia|umur|age|umr)\s*:?\s*(?:min(?:imal|imum)?\.?|minim|dari|from|>=?|di\s*atas|diatas|mulai)\s*(\d{1,2})(?!\d)"
    r"|\b(?:usia|umur|age|umr)\s*:?\s*(\d{1,2})\s*(?:th|thn|tahun)?\s*(?:\+|ke\s*atas|keatas|above|and\s+above|up)"
    r"|\b(?:min(?:imal|imum)?\.?|minim)\s*(?:usia|umur|age)\s*:?\s*(\d{1,2})(?!\d)"
)
_AGE_MAX = re.compile(
    r"\b(?:usia|umur|age|umr)\s*:?\s*(?:maks(?:imal)?|max(?:imal|imum)?|<=?|di\s*bawah|dibawah|below|under)\.?\s*(\d{1,2})(?!\d)"
    r"|\b(?:maks(?:imal)?|max(?:imal|imum)?)\.?\s*(?:usia|umur|age)\s*:?\s*(\d{1,2})(?!\d)"
)

# A job offer (or the telling of one) and a named employer or recruiting channel, for
# DESTINATION_OR_EMPLOYER_UNNAMED.
_OFFER_WORDS = re.compile(
    r"\b(?:lowongan|loker|lowker|dibutuhkan|dicari|hiring|vacancy|ditawari|ditawarkan|dijanjikan|menawarkan|"
    r"menjanjikan|rekrut|merekrut|direkrut|peluang\s+kerja|kerja\s+di|bekerja\s+di|job)\b"
)
_EMPLOYER_OR_CHANNEL = re.compile(
    r"\b(?:majikan|employer|pemberi\s+kerja|p3mi|sip3mi|bp2mi|bp3mi|kp2mi|disnaker|siapkerja|siap\s*kerja|ltsa|"
    r"job\s*order|g\s*to\s*g|g2g|eps|pabrik|rumah\s+sakit|panti|hotel|restoran|perusahaan\s+\w+)\b"
)
# Words that say "abroad" outright; "paspor", "visa" or "tiket pesawat" alone do not name a job abroad.
_PLAINLY_ABROAD = re.compile(r"luar|overseas|abroad|eropa|europe|migran|migrant|tki|tkw|pmi|naker")
_NOT_ABROAD = re.compile(
    r"\b(?:bukan|tidak|tdk|tanpa|nggak|gak|ga|non)\s+(?:\S+\s+){0,2}?(?:ke\s+)?(?:luar\s+negeri|luar\s+negri|ln|overseas|abroad)\b"
)
_MODEL_RECHECK_SECONDS = 5.0
_model_cache: list[Any] = [None, -1e9]  # [model or None, monotonic time of the last look]


def _learned_model() -> LearnedModel | None:
    """The deployed learned model; the file is looked at again at most every few seconds, not per post."""
    now = time.monotonic()
    if now - _model_cache[1] >= _MODEL_RECHECK_SECONDS:
        _model_cache[0] = _learned.LearnedModel.load_default() if _learned is not None else None
        _model_cache[1] = now
    model: LearnedModel | None = _model_cache[0]
    return model


_default_lock = threading.Lock()
_default_knowledge: Knowledge | None = None


def default_knowledge() -> Knowledge:
    """The packaged (or $SINERGI_DETECTION_KNOWLEDGE) knowledge, loaded once per process."""
    global _default_knowledge
    if _default_knowledge is None:
        with _default_lock:
            if _default_knowledge is None:
                _default_knowledge = load_knowledge()
    return _default_knowledge


def reset_default_knowledge() -> None:
    """Forget the cached knowledge and model (after a registry import or retraining); the next screen() reloads."""
    global _default_knowledge
    with _default_lock:
        _default_knowledge = None
        _model_cache[1] = -1e9


def _today() -> str:
    return datetime.date.today().isoformat()


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) == len(text):
        return low
    # "İ" (U+0130) lower-cases to two characters; read it as "i" so that spans stay aligned.
    low = text.replace("İ", "I").lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def _to_text(text: object) -> tuple[str, list[str]]:
    warnings: list[str] = []
    if text is None:
        return "", ["Teks kosong: tidak ada yang diperiksa."]
    if isinstance(text, bytes | bytearray):
        text = bytes(text).decode("utf-8", errors="replace")
        warnings.append(
            "Masukan berupa data biner; dibaca sebagai UTF-8, karakter yang tidak terbaca diganti."
        )
    elif not isinstance(text, str):
        text = str(text)
    return text, warnings


def _tokens(low: str) -> tuple[list[str], list[int]]:
    """The words of the lower-cased text and where each starts (str.find is cheaper than match objects)."""
    words = TOKEN_RE.findall(low)
    starts: list[int] = []
    append = starts.append
    find = low.find
    cursor = 0
    for word in words:
        cursor = find(word, cursor)
        append(cursor)
        cursor += len(word)
    return words, starts


def _gazetteer_hits(
    words: list[str], starts: list[int], k: Knowledge
) -> list[tuple[int, int, str, GazetteerValue]]:
    """(start, end, kind, value) for every known phrase, longest phrase first at each word."""
    first = k.gazetteer_first
    gaz = k.gazetteer
    longest = k.gazetteer_max
    hits: list[tuple[int, int, str, GazetteerValue]] = []
    i = 0
    n = len(words)
    while i < n:
        if words[i] not in first:
            i += 1
            continue
        matched = 0
        for size in range(min(longest, n - i), 0, -1):
            phrase = words[i] if size == 1 else " ".join(words[i : i + size])
            entries = gaz.get(phrase)
            if entries:
                start, end = starts[i], starts[i + size - 1] + len(words[i + size - 1])
                for kind, value in entries:
                    hits.append((start, end, kind, value))
                matched = size
                break
        i += matched or 1
    return hits


_AGE_WORDS = ("usia", "umur", "age", "umr", "tahun", "thn", "year", "maks", "max", "min")


def _ages(low: str) -> tuple[int | None, int | None, tuple[int, int] | None]:
    age_min = age_max = None
    span = None
    if not any(w in low for w in _AGE_WORDS):
        return None, None, None
    m = _AGE_RANGE.search(low)
    if m:
        lo, hi = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        lo_i, hi_i = int(lo), int(hi)
        if 10 <= lo_i <= hi_i <= 80:
            age_min, age_max, span = lo_i, hi_i, m.span()
    if age_min is None:
        m = _AGE_MIN.search(low)
        if m:
            value = int(next(g for g in m.groups() if g))
            if 10 <= value <= 80:
                age_min, span = value, m.span()
    if age_max is None:
        m = _AGE_MAX.search(low)
        if m:
            value = int(next(g for g in m.groups() if g))
            if 14 <= value <= 80:
                age_max = value
                span = span or m.span()
    return age_min, age_max, span


def screen(
    text: object,
    *,
    platform: str | None = None,
    account: str | None = None,
    url: str | None = None,
    posted_at: object = None,
    knowledge: Knowledge | None = None,
    use_learned: bool = True,
) -> ScreeningResult:
    """Screen one post or job offer; never raises on the text itself (empty, huge, binary, mixed scripts).

    ``platform``, ``account``, ``url`` and ``posted_at`` are accepted so callers pass what they have; the
    rules read only the text today (the URL is searched for contacts too).
    """
    k = knowledge or default_knowledge()
    text, warnings = _to_text(text)
    limit = int(k.params["max_text_chars"])
    if len(text) > limit:
        warnings.append(
            f"Teks terlalu panjang ({len(text):,} karakter); hanya {limit:,} karakter pertama yang diperiksa.".replace(
                ",", "."
            )
        )
        text = text[:limit]
    if _HAS_CONTROL.search(text):
        text = text.translate(_CONTROL)
    if not text.strip():
        if not warnings:
            warnings.append("Teks kosong: tidak ada yang diperiksa.")
        return ScreeningResult(
            risk_level="rendah",
            score=0.0,
            rule_score=0.0,
            indicators=[],
            extracted=Extracted(),
            warnings=warnings,
            knowledge_version=k.version,
            verdict="tidak_ditemukan",
        )
    low = _lower(text)
    rules = k.rules

    # 1. Word-initial patterns (indicators, visa types, urgency, contract and PKL terms) in one dispatch.
    words, starts = _tokens(low)
    found = k.dispatcher.scan(low, words, starts)
    hits: dict[str, tuple[int, int]] = {}
    visas: dict[str, tuple[int, int]] = {}
    urgencies: dict[str, tuple[int, int]] = {}
    damp_hits: dict[str, int] = {}
    for label, span in found.items():
        family, _, value = label.partition(":")
        if family == "damp":
            code = value.partition(":")[0]
            damp_hits[code] = damp_hits.get(code, 0) + 1
        elif family == "ind":
            hits[value] = span
        elif family == "visa":
            visas[value] = span
        elif family == "urgency":
            urgencies[value] = span
    has_contract_terms = "contract" in found
    has_pkl_terms = "pkl" in found

    # 2. Gazetteer: countries, cities, scam hubs, occupations, "abroad" words.
    countries: list[tuple[int, int, str]] = []
    cities: list[tuple[int, int, str, str]] = []
    hubs: list[tuple[int, int, Hub]] = []
    occupations: list[tuple[int, int, Occupation]] = []
    abroad_terms: list[tuple[int, int]] = []
    region_terms: list[tuple[int, int]] = []
    for start, end, kind, place in _gazetteer_hits(words, starts, k):
        # Each kind carries its own value (knowledge_base builds them so): a code, (code, city), a Hub, an
        # Occupation; the isinstance checks say so to the type checker.
        if kind == "country" and isinstance(place, str):
            countries.append((start, end, place))
        elif kind == "city" and isinstance(place, tuple):
            cities.append((start, end, place[0], place[1]))
        elif kind == "hub" and isinstance(place, Hub):
            hubs.append((start, end, place))
        elif kind == "occupation" and isinstance(place, Occupation):
            occupations.append((start, end, place))
        elif kind == "abroad":
            abroad_terms.append((start, end))
        elif kind == "region":
            region_terms.append((start, end))
    foreign = [c for c in countries if c[2] != "ID"]
    country_order: list[str] = []
    for item in sorted(
        [(s, code) for s, _e, code in foreign]
        + [(s, code) for s, _e, code, _n in cities]
        + [(s, h.country) for s, _e, h in hubs]
    ):
        if item[1] not in country_order:
            country_order.append(item[1])
    status = k.country_status

    # 3. Money, ages, visa, urgency, companies, contacts.
    amounts, money_warnings = extract_amounts(text, low, k.money, k.currencies, words, starts)
    warnings.extend(money_warnings)
    salaries = [a for a in amounts if a.kind == "salary"]
    fees = [a for a in amounts if a.kind == "fee"]
    salary = max(salaries, key=lambda a: a.idr) if salaries else None
    age_min, age_max, age_span = _ages(low)
    visa_type: str | None = None
    visa_span: tuple[int, int] | None = None
    visa_risky = False
    for code, risky in k.visa_types:  # a risky visa wins over a work visa mentioned alongside it
        visa_at = visas.get(code)
        if visa_at and (
            visa_span is None or (risky and not visa_risky) or (risky == visa_risky and visa_at < visa_span)
        ):
            visa_type, visa_span, visa_risky = code, visa_at, risky
    urgency = None
    urgency_span: tuple[int, int] | None = None
    for level in k.urgency:
        if level in urgencies:
            urgency, urgency_span = level, urgencies[level]
            break
    companies = find_companies(text, k.company_stopwords, k.company_not_names)
    min_score = k.params["registry_min_score"]
    registry_matches = [match_registry(c["name"], k.registry_index, min_score) for c in companies]
    regions = ["ID", *[c for c in country_order if c != "ID"][:3]]
    if url and isinstance(url, str):
        joined = f"{text}\n{url[:2000]}"
        contacts = extract_contacts(joined, regions)
    else:
        contacts = extract_contacts(text, regions, low)

    if abroad_terms and not (foreign or cities or hubs) and _NOT_ABROAD.search(low):
        abroad_terms = []  # "bukan kerja luar negeri": the post says itself that the job is at home
    abroad = bool(
        foreign or cities or hubs or abroad_terms or region_terms or any(a.currency != "IDR" for a in amounts)
    )

    # 4. Computed indicators.
    def add(code: str, span: tuple[int, int]) -> None:
        if code in rules and code not in hits:
            hits[code] = span

    non_placement = [(s, e) for s, e, c in foreign if status.get(c) == "bukan_penempatan"]
    non_placement += [(s, e) for s, e, c, _n in cities if status.get(c) == "bukan_penempatan"]
    if non_placement:
        add("NON_PLACEMENT_COUNTRY", min(non_placement))
    if hubs:
        add("SCAM_HUB", hubs[0][:2])
    risky_destination = bool(non_placement or hubs)
    transit = [(s, e) for s, e, c in foreign if status.get(c) == "transit"]
    transit += [(s, e) for s, e, c, _n in cities if status.get(c) == "transit"]
    if "TRANSIT_ROUTE" in hits and not risky_destination:
        del hits[
            "TRANSIT_ROUTE"
        ]  # transit through KL or Bangkok is ordinary unless the trip ends in a scam country
    elif risky_destination and transit:
        add("TRANSIT_ROUTE", min(transit))

    domestic = [(s, e) for s, e, o in occupations if o.code in k.moratorium_occupations]
    mor_places = [(s, e) for s, e, c in foreign if c in k.moratorium_countries]
    mor_places += [(s, e) for s, e, c, _n in cities if c in k.moratorium_countries]
    mor_places += region_terms
    if domestic and mor_places:
        pilot = None
        for exc in k.moratorium_exceptions:
            mentioned = exc["country"] in country_order
            em = exc["rx"].search(low) if mentioned else None
            if em:
                pilot = em.span()
                break
        if pilot:
            add("MORATORIUM_PILOT_CLAIM", pilot)
        else:
            add("MORATORIUM_DOMESTIC", min(mor_places))

    for company, match in zip(companies, registry_matches, strict=True):
        span = (company["start"], company["end"])
        if match["status"] in {"dicabut", "dibekukan"}:
            add("COMPANY_LICENCE_REVOKED", span)
        elif company["kind"] == "pt" and match["matched"] is None and not k.p3mi.is_sample:
            # "Not in the registry" only means something against the official list, not the shipped sample.
            add("COMPANY_NOT_REGISTERED", span)
        elif company["kind"] in {"cv", "ud", "yayasan"}:
            add("COMPANY_NOT_PT", span)

    # A licensed company recruiting for a country it holds no valid job order for (official registries only).
    destination_hint = None
    if any(m["status"] == "aktif" for m in registry_matches):
        destination_hint = next((c for c in country_order if status.get(c) != "transit"), None)
    if destination_hint:
        today = _today()
        for company, match in zip(companies, registry_matches, strict=True):
            if match["status"] != "aktif" or not match["licence"]:
                continue
            orders = [
                number
                for country, number, state, until in k.job_order_index.get(match["licence"].upper(), ())
                if country == destination_hint and state == "aktif" and (not until or until >= today)
            ]
            match["job_orders"] = orders
            if not orders and not k.job_orders.is_sample and k.job_orders.rows:
                add("JOB_ORDER_NOT_FOUND", (company["start"], company["end"]))

    if visa_risky and visa_span is not None:
        add("WRONG_VISA", visa_span)

    job_spans = [(s, e) for s, e, _o in occupations]
    if abroad and not has_contract_terms:
        if job_spans:
            add("MISSING_CONTRACT_TERMS", min(job_spans))
        elif salary is not None:
            add("MISSING_CONTRACT_TERMS", (salary.start, salary.end))

    zero_cost = [(s, e) for s, e, o in occupations if o.zero_cost]
    fee_span = None
    if fees:
        fee_span = (fees[0].start, fees[0].end)
    elif "FEE_CHARGED" in hits:
        fee_span = hits["FEE_CHARGED"]
    elif "DEBT_FROM_WAGES" in hits:
        fee_span = hits["DEBT_FROM_WAGES"]
    if zero_cost and fee_span:
        add("FEE_ZERO_COST_OCCUPATION", fee_span)
    if fees and sum(f.idr for f in fees) >= k.params["large_fee_idr"]:
        biggest = max(fees, key=lambda f: f.idr)
        add("LARGE_FEE", (biggest.start, biggest.end))

    if age_min is not None and age_min < 18 and age_span:
        add("UNDER_18", age_span)
    elif "UNDER_18" in hits and age_min is not None and age_min >= 18:
        del hits["UNDER_18"]

    if salary is not None:
        skills = {o.skill for _s, _e, o in occupations}
        # A skilled trade in the post (seafarer, welder, nurse) explains a higher wage for the helpers beside it.
        unskilled = (
            ("unskilled" in skills and "skilled" not in skills)
            or "NO_EXPERIENCE" in hits
            or "SCAM_JOB_TYPE" in hits
        )
        # Compare with what unskilled work really pays where the offer says it is (e.g. Korea EPS pays more).
        ceiling = max(
            [k.salary_ceilings[c] for c in country_order if c in k.salary_ceilings]
            or [k.params["too_good_salary_unskilled_idr"]]
        )
        if (unskilled and salary.idr > ceiling) or (
            "skilled" not in skills and salary.idr >= k.params["too_good_salary_any_idr"]
        ):
            add("TOO_GOOD_SALARY", (salary.start, salary.end))

    if urgency and urgency_span is not None:
        add("URGENT_DEPARTURE", urgency_span)

    plainly_abroad = [(st, en) for st, en in abroad_terms if _PLAINLY_ABROAD.search(low, st, en)]
    if (foreign or plainly_abroad) and _OFFER_WORDS.search(low):
        # An overseas offer that never says where, or never says for whom (employer, P3MI or official channel).
        employer_named = bool(companies) or _EMPLOYER_OR_CHANNEL.search(low) is not None
        if not country_order or not employer_named:
            first = plainly_abroad[0] if plainly_abroad else foreign[0][:2]
            add("DESTINATION_OR_EMPLOYER_UNNAMED", first[:2])

    fishing = [(s, e) for s, e, o in occupations if o.code == "awak_kapal_perikanan"]
    if fishing and not has_pkl_terms:
        add("FISHING_NO_PKL", fishing[0])

    # 5. Scope, exclusions, indicator objects.
    indicators: list[Indicator] = []
    for code, (start, end) in hits.items():
        rule = rules.get(code)
        if rule is None:
            continue
        if rule.scope == "abroad" and not abroad:
            continue
        if rule.unless is not None and rule.unless.search(low):
            continue
        indicators.append(
            Indicator(
                code=code,
                title=rule.title,
                category=rule.category,
                weight=rule.weight,
                span_start=start,
                span_end=end,
                span_text=text[start:end],
                explanation=rule.explanation,
                basis=rule.basis,
            )
        )
    indicators.sort(key=lambda i: (i.span_start, i.code))

    keep = 1.0
    for ind in indicators:
        keep *= 1.0 - ind.weight
    raw_rule_score = 1.0 - keep
    score_parts = rule_parts(indicators, raw_rule_score)
    rule_score = raw_rule_score
    dampened = False
    for code, count in damp_hits.items():
        dampener = k.dampeners.get(code)
        if dampener is None or count < dampener.min_matches:
            continue
        if dampener.narration is not None and dampener.narration.search(low):
            # The text tells what someone was offered: read as the offer, not as a warning about offers.
            warnings.append(NARRATION_NOTE)
            continue
        dampened = True
        if rule_score > 0:
            before = rule_score
            rule_score *= dampener.factor
            score_parts.append({"source": "dampener", "code": code, "delta": rule_score - before})
            warnings.append(f"{dampener.title}: {dampener.explanation}")

    score = rule_score
    learned_proba = None
    model_terms: list[tuple[str, float]] = []
    if use_learned and _learned is not None:
        try:
            model = _learned_model()
            if model is not None:
                detail = model.assess_detail(text, [i.code for i in indicators])
                if detail is None:
                    warnings.append(
                        "Model statistik tidak dipakai: terlalu sedikit kata teks ini yang dikenalnya; "
                        "skor hanya dari aturan."
                    )
                else:
                    learned_proba, familiarity, model_terms = detail
                    thresholds = k.thresholds
                    strong = strong_evidence(indicators)
                    delta = model_delta(
                        rule_score,
                        learned_proba,
                        familiarity,
                        thresholds["model_band_up"],
                        thresholds["model_band_down" if strong else "model_band_down_weak"],
                    )
                    score = rule_score + delta
                    score_parts.append({"source": "model", "code": "LEARNED_MODEL", "delta": delta})
        except Exception:  # a damaged model must never stop screening; the rules stand alone
            learned_proba = None
            score = rule_score
            model_terms = []
            score_parts = [p for p in score_parts if p["source"] != "model"]
            warnings.append("Model statistik tidak dapat dipakai; skor hanya dari aturan.")
    score = min(max(score, 0.0), 1.0)
    level = level_of(score, k.thresholds)

    destination = None
    for code in country_order:
        if status.get(code) == "bukan_penempatan":
            destination = code
            break
    if destination is None and hubs:
        destination = hubs[0][2].country
    if destination is None and country_order:
        # Malaysia/Thailand before a further country are usually the transit, not the destination.
        later = [c for c in country_order if status.get(c) != "transit"]
        destination = later[0] if later else country_order[0]
    city = None
    if hubs:
        city = hubs[0][2].name
    elif cities:
        preferred = [c for c in cities if c[2] == destination] or cities
        city = preferred[0][3]

    extracted = Extracted(
        destination_country=destination,
        destination_city=city,
        countries_mentioned=country_order,
        job_title=occupations[0][2].title if occupations else None,
        salary_idr_month=salary.idr if salary else None,
        salary_text=salary.text if salary else None,
        fees=[{"amount_idr": f.idr, "text": f.text} for f in fees],
        visa_type=visa_type,
        departure_urgency=urgency,
        age_min=age_min,
        age_max=age_max,
        company_names=[c["name"] for c in companies],
        registry_matches=registry_matches,
        **contacts,
    )
    verdict, questions = decide(
        level=level, low=low, abroad=abroad, extracted=extracted, dampened=dampened, questions=k.questions
    )
    return ScreeningResult(
        risk_level=level,
        score=score,
        rule_score=rule_score,
        indicators=indicators,
        extracted=extracted,
        warnings=list(dict.fromkeys(warnings)),
        learned_proba=learned_proba,
        knowledge_version=k.version,
        verdict=verdict,
        questions=questions,
        score_parts=score_parts,
        model_terms=model_terms,
    )
