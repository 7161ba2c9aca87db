"""Origin hotspots: cases, victims and flagged posts per region of origin and month, with the spike test.

Counts come only from the reader's cases (`access.visible_cases`) and, for readers of the early-detection
queue, from flagged posts naming a regency (`PostRegion`, filled at rebuild time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.db.models.functions import Substr, TruncMonth

from sinergi.analytics import access, stats
from sinergi.analytics.models import PostRegion
from sinergi.analytics.periods import add_months, month_of, months_between, start_of
from sinergi.regions.choices import RegionLevel

CODE_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.REGENCY: 5,
    RegionLevel.DISTRICT: 8,
    RegionLevel.VILLAGE: 13,
}
TREND_MONTHS = 12


@dataclass
class RegionRow:
    code: str
    name: str = ""
    cases: dict[date, int] = field(default_factory=dict)
    victims: dict[date, int] = field(default_factory=dict)
    posts: dict[date, int] = field(default_factory=dict)
    spike: stats.Spike | None = None

    def series(self, months: list[date], metric: str) -> list[int]:
        values = getattr(self, metric)
        return [values.get(month, 0) for month in months]


@dataclass
class Hotspots:
    level: int
    within: str
    month: date
    months: list[date]  # the trend window, oldest first, ending with `month`
    rows: list[RegionRow]
    posts_counted: bool


def _month_key(value) -> date:
    return month_of(value.date() if hasattr(value, "date") else value)


def hotspots(*, user, level: int, month: date, within: str = "") -> Hotspots:
    """Per region of `level` (inside the region code `within`, if given): monthly counts for the trend window
    ending with `month`, and the spike test of `month` against the twelve months before it."""
    from sinergi.cases.choices import PartyRole
    from sinergi.cases.models import CaseParty

    length = CODE_LENGTH[RegionLevel(level)]
    first = add_months(month, -(TREND_MONTHS + stats.BASELINE_MONTHS - 1))
    window = months_between(first, month)
    cases = access.visible_cases(user).filter(
        origin_region__isnull=False,
        reported_at__gte=start_of(first),
        reported_at__lt=start_of(add_months(month, 1)),
    )
    if within:
        cases = cases.filter(origin_region_id__startswith=within)
    rows: dict[str, RegionRow] = {}

    def row(code: str) -> RegionRow:
        return rows.setdefault(code, RegionRow(code=code))

    counted = (
        cases.order_by()
        .annotate(region=Substr("origin_region_id", 1, length), month=TruncMonth("reported_at"))
        .values("region", "month")
        .annotate(n=Count("id"))
    )
    for item in counted:
        row(item["region"]).cases[_month_key(item["month"])] = item["n"]
    victims = (
        CaseParty.objects.filter(role=PartyRole.VICTIM, case__in=cases.values("id"))
        .order_by()
        .annotate(region=Substr("case__origin_region_id", 1, length), month=TruncMonth("case__reported_at"))
        .values("region", "month")
        .annotate(n=Count("id"))
    )
    for item in victims:
        row(item["region"]).victims[_month_key(item["month"])] = item["n"]
    posts_counted = access.may_see_posts(user) and level <= RegionLevel.REGENCY
    if posts_counted:
        mentions = PostRegion.objects.filter(month__gte=first, month__lte=month)
        if within:
            mentions = mentions.filter(regency__startswith=within[:5])
        for item in (
            mentions.order_by()
            .annotate(region=Substr("regency", 1, min(length, 5)))
            .values("region", "month")
            .annotate(n=Count("post_id", distinct=True))
        ):
            if not within or item["region"].startswith(within[:length]):
                row(item["region"]).posts[item["month"]] = item["n"]
    _name(rows)
    for region in rows.values():
        history = region.series(window, "cases")
        region.spike = stats.spike(history[-1], history[:-1])
    trend = window[-TREND_MONTHS:]
    ordered = sorted(
        rows.values(), key=lambda r: (-(r.spike is not None), -sum(r.series(trend, "cases")), r.code)
    )
    return Hotspots(
        level=level, within=within, month=month, months=trend, rows=ordered, posts_counted=posts_counted
    )


def _name(rows: dict[str, RegionRow]) -> None:
    from sinergi.regions.models import Region

    names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
    for code, region in rows.items():
        region.name = names.get(code, code)


def latest_month_with_cases(user) -> date | None:
    from django.db.models import Max

    latest = access.visible_cases(user).aggregate(last=Max("reported_at"))["last"]
    return month_of(latest.date()) if latest else None
