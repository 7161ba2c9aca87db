"""The leadership dashboard: figures over the reader's cases, referrals, campaigns and outreach, for a period
and a region. Each figure counts only what the reader could open one by one (sinergi/analytics/access.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils import timezone

from sinergi.analytics import aggregates, scope
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


def _days(histogram: dict[int, int]) -> float | None:
    hours = scope.median_hours(histogram)
    return None if hours is None else round(hours / 24, 1)


def dashboard(*, user, since: date, until: date, region: str = "") -> Dashboard:
    """The figures of the months `since`..`until` (first days of months), inside region code `region`.

    Case figures come from the monthly tables (sinergi/analytics/scope.py: the reader's lead cases counted
    ahead, its other visible cases live); medians are to the hour (the tables keep hours).
    """
    from sinergi.cases.choices import ReferralState
    from sinergi.cases.models import Referral
    from sinergi.detection.models import Campaign

    result = Dashboard(since=month_of(since), until=month_of(until), region=region)
    begin, end = start_of(result.since), start_of(add_months(result.until, 1))
    level = aggregates.LEVEL_OF_LENGTH[len(region)]
    span = {"level": level, "region": region, "first": result.since, "last": result.until}
    stages: dict[str, int] = {}
    monthly: dict[date, int] = {}
    for _region, month, kind, stage, cases, open_cases, victims, _reint, reint_victims in scope.monthly(
        user, kinds=("reported", "stage", "closed", "repatriated"), **span
    ):
        if kind == "reported":
            result.cases_total += cases
            result.cases_open += open_cases
            result.victims += victims
            monthly[month] = monthly.get(month, 0) + cases
        elif kind == "stage":
            stages[stage] = stages.get(stage, 0) + cases
        elif kind == "closed":
            result.closed += cases
            result.victims_reintegrated += reint_victims
        else:
            result.victims_repatriated += victims
    counted = sorted(((stage, n) for stage, n in stages.items() if n), key=lambda item: (-item[1], item[0]))
    labels = _stage_labels({stage for stage, _n in counted})
    result.by_stage = [(labels.get(stage, stage), n) for stage, n in counted]
    result.monthly = [(month, monthly.get(month, 0)) for month in months_between(result.since, result.until)]
    result.days_to_first_action = _days(scope.durations(user, kind="first_action", **span))
    result.days_to_close = _days(scope.durations(user, kind="close", **span))

    now = timezone.now()
    reader = scope.reader_cases(user)
    in_scope = Q(case_id__in=reader.others.values("id"))
    if reader.lead_agency_id is not None:
        in_scope |= Q(case__lead_agency_id=reader.lead_agency_id)
    referrals = Referral.objects.filter(in_scope)
    if region:
        from sinergi.cases.models import Case

        referrals = referrals.filter(case__in=Case.objects.filter(origin_region__code__startswith=region))
    result.overdue_referrals = referrals.filter(state=ReferralState.ACCEPTED, due_at__lt=now).count()
    result.unanswered_referrals = referrals.filter(state=ReferralState.PENDING, accept_by__lt=now).count()

    campaigns = Campaign.objects.restrict(user, "view").filter(
        risk_rank__gte=2, last_seen__gte=begin, last_seen__lt=end
    )
    result.flagged_campaigns = campaigns.count()
    result.top_campaigns = list(campaigns.order_by("-risk_rank", "-post_count", "-last_seen")[:5])

    _outreach(result, user=user, region=region)
    return result


def _districts_with_cases(user, *, region: str, first: date, last: date) -> set[str]:
    """District codes (the first 8 characters) of the reader's cases reported in the months, inside `region`."""
    level = max(3, aggregates.LEVEL_OF_LENGTH[len(region)])
    exact = region if level == aggregates.LEVEL_OF_LENGTH[len(region)] else ""
    rows = scope.monthly(
        user, level=level, region=exact, within="" if exact else region, first=first, last=last,
        kinds=("reported",),
    )  # fmt: skip
    return {code[:8] for code, _m, _k, _s, cases, *_rest in rows if cases}


def _outreach(result: Dashboard, *, user, region: str) -> None:
    from django.db.models.functions import Substr

    from sinergi.outreach.models import OutreachEvent

    events = OutreachEvent.objects.restrict(user, "view").filter(
        held_on__gte=result.since, held_on__lt=add_months(result.until, 1), held_on__lte=timezone.localdate()
    )
    if region:
        events = events.filter(region__code__startswith=region)
    figures = events.aggregate(n=Count("id"), people=Sum("participants_total"))
    result.outreach_events, result.outreach_participants = figures["n"], figures["people"] or 0
    reached = set(
        events.order_by().annotate(d=Substr("region_id", 1, 8)).values_list("d", flat=True).distinct()
    )
    result.outreach_districts = len(reached)
    with_cases = _districts_with_cases(user, region=region, first=result.since, last=result.until)
    result.districts_with_cases = len(with_cases)
    result.districts_with_cases_reached = len(with_cases & reached)
