"""The reader's cases split in two for counting: those its agency leads (counted ahead in CaseMonthly) and the
few others the policy lets it see (through a referral or a pending transfer, counted live).

The split does not decide access: both halves come from `access.visible_cases(user)`. The lead half is all of
the agency's cases whenever the policy shows the reader any case (the policy shows every case to its lead
agency's readers); the other half is `visible_cases` narrowed to cases for which the agency holds a referral
or a transfer, the only ways the policy opens another agency's case. tests/test_aggregates.py checks that the
two halves together are exactly `visible_cases` for readers of every relation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.db import connection

from sinergi.analytics import access, aggregates
from sinergi.analytics.models import CaseDuration, CaseMonthly

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from sinergi.cases.models import Case


@dataclass(frozen=True)
class ReaderCases:
    lead_agency_id: int | None  # None: the reader sees no case its agency leads
    others: QuerySet[Case]  # visible, not led by the reader's agency


def reader_cases(user) -> ReaderCases:
    from sinergi.cases.models import Case, LeadTransfer, Referral

    visible = access.visible_cases(user)
    if visible.query.is_empty() or not user.agency_id:
        return ReaderCases(None, Case.objects.none())
    agency_id = user.agency_id
    candidates = set(Referral.objects.filter(to_agency_id=agency_id).values_list("case_id", flat=True))
    candidates |= set(LeadTransfer.objects.filter(to_agency_id=agency_id).values_list("case_id", flat=True))
    others = visible.filter(id__in=sorted(candidates)).exclude(lead_agency_id=agency_id)
    return ReaderCases(agency_id, others)


def _region_filter(region: str, within: str) -> tuple[str, list]:
    if region:
        return " AND region = %s", [region]
    if within:
        return " AND region LIKE %s", [within + "%"]
    return "", []


def _lead_cases_in(agency_id: int, prefix: str):
    from sinergi.cases.models import Case

    cases = Case.objects.filter(lead_agency_id=agency_id)
    return cases.filter(origin_region__code__startswith=prefix) if prefix else cases


def _live_facts(cases) -> tuple[str, list] | None:
    """The facts of the cases of a queryset as a subquery aliased f, or None when it selects nothing."""
    from django.core.exceptions import EmptyResultSet

    try:
        sql, params = aggregates.fact_rows(cases).query.sql_with_params()
    except EmptyResultSet:
        return None
    columns = ", ".join(f"f_{c} AS {c}" for c in aggregates.FACT_COLUMNS)
    return f"(SELECT {columns} FROM ({sql}) live) f", list(params)  # noqa: S608 (compiled by the ORM)


def _read(user, model, select_of, sums, keys, *, level, region, within, first, last, kinds):
    """Sums of `model`'s rows for the reader, grouped by `keys`: the lead agency's stored rows (or its cases
    of the region counted live, below the stored levels) plus the live rows of the reader's other cases, in
    one statement."""
    aggregates.fold()
    reader = reader_cases(user)
    columns = ", ".join(keys)
    totals = ", ".join(f"SUM({c})" for c in sums)
    region_sql, region_params = _region_filter(region, within)
    kinds_sql = ", ".join(["%s"] * len(kinds))
    where = f"level = %s AND month >= %s AND month <= %s AND kind IN ({kinds_sql}){region_sql}"
    where_params = [level, first, last, *kinds, *region_params]
    parts, params = [], []
    live_sets = [reader.others]
    if reader.lead_agency_id is not None:
        if all(level <= aggregates.STORED_LEVEL[kind] for kind in kinds):
            table = connection.ops.quote_name(model._meta.db_table)
            parts.append(f"SELECT {columns}, {', '.join(sums)} FROM {table} WHERE agency_id = %s AND {where}")  # noqa: S608
            params += [reader.lead_agency_id, *where_params]
        else:  # deeper than the tables keep: the lead agency's cases of the region, counted live
            live_sets.append(_lead_cases_in(reader.lead_agency_id, region or within))
    for cases in live_sets:
        live = _live_facts(cases)
        if live is None:
            continue
        source, source_params = live
        select = select_of(source, every_level=True)
        parts.append(f"SELECT {columns}, {', '.join(sums)} FROM ({select}) x WHERE {where}")  # noqa: S608
        params += source_params * select.count(source) + where_params
    if not parts:
        return []
    sql = f"SELECT {columns}, {totals} FROM ({' UNION ALL '.join(parts)}) rows GROUP BY {columns}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if "month" not in keys:
        return found
    at = keys.index("month")
    return [(*row[:at], _as_date(row[at]), *row[at + 1 :]) for row in found]


def _as_date(value) -> date:
    # SQLite hands back the text of a date computed in a query.
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def monthly(user, *, level: int, first, last, kinds, region: str = "", within: str = "") -> list[tuple]:
    """(region, month, kind, stage, cases, open_cases, victims, reintegrated, reintegrated_victims) of the
    reader's cases at `level`, months `first`..`last`, region exactly `region` or inside `within`."""
    return _read(
        user,
        CaseMonthly,
        aggregates.monthly_select,
        aggregates.MONTHLY_SUMS,
        ("region", "month", "kind", "stage"),
        level=level,
        region=region,
        within=within,
        first=first,
        last=last,
        kinds=kinds,
    )


def durations(user, *, level: int, first, last, kind: str, region: str = "") -> dict[int, int]:
    """Hours -> cases of the reader's cases (kind "first_action" by month reported, "close" by month closed)."""
    rows = _read(
        user,
        CaseDuration,
        aggregates.duration_select,
        ("cases",),
        ("hours",),
        level=level,
        region=region,
        within="",
        first=first,
        last=last,
        kinds=(kind,),
    )
    return {hours: int(count) for hours, count in rows if count}


def median_hours(histogram: dict[int, int]) -> float | None:
    """The median of a histogram (hours -> count), halfway between the two middle values when the count is
    even (as PostgreSQL's percentile_cont(0.5))."""
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())

    def value_at(position: int) -> int:
        seen = 0
        for hours, count in ordered:
            seen += count
            if position < seen:
                return hours
        return ordered[-1][0]

    low, high = value_at((total - 1) // 2), value_at(total // 2)
    return (low + high) / 2
