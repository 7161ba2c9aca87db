"""Where to go next: districts (or villages) ranked for the next outreach round, each with its numbers.

score = sum over the signals of weight x (value / the largest value among the candidates), so every signal
counts between 0 and its weight. The signals, over the last RECENT_MONTHS months:
- cases and victims whose region of origin lies in the area (the reader's cases only);
- flagged posts that name the area's regency (readers of the detection queue only);
- risky departures screened in the area's province (departure screenings carry the checkpoint's province);
- months since the last outreach event in the area, capped at NEVER_MONTHS (never visited counts as the cap).
The weights are the setting SINERGI_OUTREACH_PRIORITY_WEIGHTS.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import Substr
from django.utils import timezone

from sinergi.analytics import access
from sinergi.analytics.models import PostRegion
from sinergi.analytics.periods import add_months, start_of, this_month
from sinergi.regions.choices import RegionLevel

RECENT_MONTHS = 12
NEVER_MONTHS = 24
DEFAULT_WEIGHTS = {
    "cases": 3.0,
    "victims": 2.0,
    "posts": 1.0,
    "departures": 1.0,
    "months_since_outreach": 2.0,
}
SIGNALS = tuple(DEFAULT_WEIGHTS)


def weights() -> dict[str, float]:
    configured = getattr(settings, "SINERGI_OUTREACH_PRIORITY_WEIGHTS", None) or {}
    return {name: float(configured.get(name, default)) for name, default in DEFAULT_WEIGHTS.items()}


@dataclass
class Candidate:
    code: str
    name: str = ""
    path: str = ""
    values: dict[str, float] = field(default_factory=lambda: dict.fromkeys(SIGNALS, 0))
    parts: dict[str, float] = field(default_factory=dict)  # signal -> its share of the score
    score: float = 0.0
    last_outreach: object = None
    rank: int = 0


def priorities(
    *, user, level: int = RegionLevel.DISTRICT, within: str = "", limit: int = 30
) -> list[Candidate]:
    from sinergi.cases.choices import PartyRole
    from sinergi.cases.models import CaseParty
    from sinergi.detection.models import DepartureScreening
    from sinergi.outreach.selectors import last_outreach_by_district

    length = 8 if level == RegionLevel.DISTRICT else 13
    since = add_months(this_month(), -(RECENT_MONTHS - 1))
    cases = access.visible_cases(user).filter(origin_region__isnull=False, reported_at__gte=start_of(since))
    if within:
        cases = cases.filter(origin_region__code__startswith=within)
    found: dict[str, Candidate] = {}
    for row in (
        cases.order_by().annotate(a=Substr("origin_region_id", 1, length)).values("a").annotate(n=Count("id"))
    ):
        found.setdefault(row["a"], Candidate(row["a"])).values["cases"] = row["n"]
    victims = (
        CaseParty.objects.filter(role=PartyRole.VICTIM, case__in=cases.values("id"))
        .order_by()
        .annotate(a=Substr("case__origin_region_id", 1, length))
        .values("a")
        .annotate(n=Count("id"))
    )
    for row in victims:
        found.setdefault(row["a"], Candidate(row["a"])).values["victims"] = row["n"]
    if not found:
        return []
    if access.may_see_posts(user):
        posts = dict(
            PostRegion.objects.filter(month__gte=since)
            .values("regency")
            .annotate(n=Count("post_id", distinct=True))
            .values_list("regency", "n")
        )
        for candidate in found.values():
            candidate.values["posts"] = posts.get(candidate.code[:5], 0)
    departures = dict(
        DepartureScreening.objects.restrict(user, "view")
        .filter(created_at__gte=start_of(since), risk_rank__gte=2)
        .values("province_code")
        .annotate(n=Count("id"))
        .values_list("province_code", "n")
    )
    last = last_outreach_by_district(user=user)
    today = timezone.localdate()
    for candidate in found.values():
        candidate.values["departures"] = departures.get(candidate.code[:2], 0)
        visited = last.get(candidate.code[:8])
        candidate.last_outreach = visited
        months = (
            NEVER_MONTHS
            if visited is None
            else (today.year - visited.year) * 12 + today.month - visited.month
        )
        candidate.values["months_since_outreach"] = min(max(months, 0), NEVER_MONTHS)
    _score(list(found.values()))
    ranked = sorted(found.values(), key=lambda c: (-c.score, -c.values["cases"], c.code))[:limit]
    _name(ranked)
    for rank, candidate in enumerate(ranked, start=1):
        candidate.rank = rank
    return ranked


def _score(candidates: list[Candidate]) -> None:
    weight = weights()
    largest = {name: max(c.values[name] for c in candidates) for name in SIGNALS}
    largest["months_since_outreach"] = NEVER_MONTHS
    for candidate in candidates:
        candidate.parts = {
            name: round(weight[name] * candidate.values[name] / largest[name], 3) if largest[name] else 0.0
            for name in SIGNALS
        }
        candidate.score = round(sum(candidate.parts.values()), 3)


def _name(candidates: list[Candidate]) -> None:
    from sinergi.regions.models import Region

    names = {
        code: (name, path)
        for code, name, path in Region.objects.filter(code__in=[c.code for c in candidates]).values_list(
            "code", "name", "path_name"
        )
    }
    for candidate in candidates:
        candidate.name, candidate.path = names.get(candidate.code, (candidate.code, ""))
