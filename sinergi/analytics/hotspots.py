"""Origin hotspots: cases, victims and flagged posts per region of origin and month, with the spike test.

Counts come only from the reader's cases (`access.visible_cases`, through the monthly tables of
sinergi/analytics/scope.py) and, for readers of the early-detection
queue, from flagged posts naming a regency (`PostRegionMonth`, summed at rebuild time).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sinergi.analytics import access, scope, stats
from sinergi.analytics.models import PostRegionMonth
from sinergi.analytics.periods import add_months, months_between
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


def hotspots(*, user, level: int, month: date, within: str = "") -> Hotspots:
    """Per region of `level` (inside the region code `within`, if given): monthly counts for the trend window
    ending with `month`, and the spike test of `month` against the twelve months before it."""
    length = CODE_LENGTH[RegionLevel(level)]
    first = add_months(month, -(TREND_MONTHS + stats.BASELINE_MONTHS - 1))
    window = months_between(first, month)
    rows: dict[str, RegionRow] = {}

    def row(code: str) -> RegionRow:
        return rows.setdefault(code, RegionRow(code=code))

    for code, when, _kind, _stage, cases, _open, victims, *_rest in scope.monthly(
        user, level=int(level), within=within, first=first, last=month, kinds=("reported",)
    ):
        if cases or victims:
            region = row(code)
            region.cases[when] = region.cases.get(when, 0) + cases
            region.victims[when] = region.victims.get(when, 0) + victims
    posts_counted = access.may_see_posts(user) and level <= RegionLevel.REGENCY
    if posts_counted:
        mentions = PostRegionMonth.objects.filter(level=level, month__gte=first, month__lte=month)
        if within:
            mentions = mentions.filter(region__startswith=within[:length])
        for code, when, posts in mentions.values_list("region", "month", "posts"):
            row(code).posts[when] = posts
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
    rows = scope.monthly(user, level=0, first=date(2000, 1, 1), last=date(2100, 12, 1), kinds=("reported",))
    months = [when for _code, when, _kind, _stage, cases, *_rest in rows if cases]
    return max(months) if months else None
