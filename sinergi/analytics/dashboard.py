"""The leadership dashboard: figures over the reader's cases, referrals, campaigns and outreach, for a period
and a region. Each figure counts only what the reader could open one by one (sinergi/analytics/access.py)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from sinergi.analytics import access
from sinergi.analytics.periods import add_months, month_of, months_between, start_of


@dataclass
class Dashboard:
    since: date
    until: date  # the last month included (its first day)
    region: str
    cases_total: int = 0
    cases_open: int = 0
    by_stage: list[tuple[str, int]] = field(default_factory=list)
    monthly: list[tuple[date, int]] = field(default_factory=list)
    overdue_referrals: int = 0
    unanswered_referrals: int = 0
    days_to_first_action: float | None = None
    days_to_close: float | None = None
    closed: int = 0
    victims: int = 0
    victims_repatriated: int = 0
    victims_reintegrated: int = 0
    flagged_campaigns: int = 0
    top_campaigns: list = field(default_factory=list)
    outreach_events: int = 0
    outreach_participants: int = 0
    outreach_districts: int = 0
    districts_with_cases: int = 0
    districts_with_cases_reached: int = 0

    @property
    def coverage_percent(self) -> int | None:
        if not self.districts_with_cases:
            return None
        return round(100 * self.districts_with_cases_reached / self.districts_with_cases)


def _stage_labels(stage_codes: set[str]) -> dict[str, str]:
    from sinergi.cases.flow import parse_flow_cached
    from sinergi.cases.models import FlowVersion

    labels: dict[str, str] = {}
    for content, source in FlowVersion.objects.filter(is_active=True).values_list("content", "source"):
        flow = parse_flow_cached(content, source)
        for code in stage_codes:
            stage = flow.stage(code)
            if stage is not None and code not in labels:
                labels[code] = stage.label
    return labels


def _median_days(queryset, start: str, end: str) -> float | None:
    """Median of end - start in days over the queryset's rows: computed by PostgreSQL (percentile_cont), or
    in Python on SQLite."""
    from django.db import connection

    rows = queryset.filter(**{f"{start}__isnull": False, f"{end}__isnull": False}).order_by()
    if connection.vendor == "postgresql":
        from django.core.exceptions import EmptyResultSet

        try:
            sql, params = rows.values(start, end).query.sql_with_params()
        except EmptyResultSet:  # a reader without any case
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM (x.e - x.s))) "  # noqa: S608
                f"FROM (SELECT {connection.ops.quote_name(start)} AS s, {connection.ops.quote_name(end)} AS e "
                f"FROM ({sql}) inner_rows) x WHERE x.e >= x.s",
                params,
            )
            value = cursor.fetchone()[0]
        return None if value is None else round(float(value) / 86400, 1)
    days = [(e - b).total_seconds() / 86400 for b, e in rows.values_list(start, end) if e >= b]
    return round(statistics.median(days), 1) if days else None


def dashboard(*, user, since: date, until: date, region: str = "") -> Dashboard:
    """The figures of the months `since`..`until` (first days of months), inside region code `region`."""
    from sinergi.cases.choices import ClosureReason, PartyRole, ReferralState
    from sinergi.cases.models import CaseParty, Referral
    from sinergi.detection.models import Campaign

    begin, end = start_of(month_of(since)), start_of(add_months(month_of(until), 1))
    result = Dashboard(since=month_of(since), until=month_of(until), region=region)
    visible = access.visible_cases(user)
    if region:
        visible = visible.filter(origin_region_id__startswith=region)
    in_period = visible.filter(reported_at__gte=begin, reported_at__lt=end)

    totals = in_period.aggregate(total=Count("id"), open=Count("id", filter=Q(status="OPEN")))
    result.cases_total, result.cases_open = totals["total"], totals["open"]
    stages = list(in_period.order_by().values("stage").annotate(n=Count("id")).order_by("-n", "stage"))
    labels = _stage_labels({row["stage"] for row in stages})
    result.by_stage = [(labels.get(row["stage"], row["stage"]), row["n"]) for row in stages]
    monthly = {
        month_of(row["month"].date() if hasattr(row["month"], "date") else row["month"]): row["n"]
        for row in in_period.order_by()
        .annotate(month=TruncMonth("reported_at"))
        .values("month")
        .annotate(n=Count("id"))
    }
    result.monthly = [(month, monthly.get(month, 0)) for month in months_between(result.since, result.until)]

    now = timezone.now()
    referrals = Referral.objects.filter(case__in=visible.values("id"))
    result.overdue_referrals = referrals.filter(state=ReferralState.ACCEPTED, due_at__lt=now).count()
    result.unanswered_referrals = referrals.filter(state=ReferralState.PENDING, accept_by__lt=now).count()

    result.days_to_first_action = _median_days(in_period, "reported_at", "first_action_at")
    closed = visible.filter(closed_at__gte=begin, closed_at__lt=end)
    result.closed = closed.count()
    result.days_to_close = _median_days(closed, "reported_at", "closed_at")

    victims = CaseParty.objects.filter(role=PartyRole.VICTIM)
    result.victims = victims.filter(case__in=in_period.values("id")).count()
    result.victims_repatriated = victims.filter(
        case__in=visible.filter(repatriated_at__gte=begin, repatriated_at__lt=end).values("id")
    ).count()
    result.victims_reintegrated = victims.filter(
        case__in=closed.filter(closure_reason=ClosureReason.REINTEGRATED).values("id")
    ).count()

    campaigns = Campaign.objects.restrict(user, "view").filter(
        risk_rank__gte=2, last_seen__gte=begin, last_seen__lt=end
    )
    result.flagged_campaigns = campaigns.count()
    result.top_campaigns = list(campaigns.order_by("-risk_rank", "-post_count", "-last_seen")[:5])

    _outreach(result, user=user, region=region, visible_in_period=in_period)
    return result


def _outreach(result: Dashboard, *, user, region: str, visible_in_period) -> None:
    from django.db.models.functions import Substr

    from sinergi.outreach.models import OutreachEvent

    events = OutreachEvent.objects.restrict(user, "view").filter(
        held_on__gte=result.since, held_on__lt=add_months(result.until, 1), held_on__lte=timezone.localdate()
    )
    if region:
        events = events.filter(region_id__startswith=region)
    figures = events.aggregate(n=Count("id"), people=Sum("participants_total"))
    result.outreach_events, result.outreach_participants = figures["n"], figures["people"] or 0
    reached = set(
        events.order_by().annotate(d=Substr("region_id", 1, 8)).values_list("d", flat=True).distinct()
    )
    result.outreach_districts = len(reached)
    with_cases = set(
        visible_in_period.filter(origin_region__isnull=False)
        .order_by()
        .annotate(d=Substr("origin_region_id", 1, 8))
        .values_list("d", flat=True)
        .distinct()
    )
    result.districts_with_cases = len(with_cases)
    result.districts_with_cases_reached = len(with_cases & reached)
