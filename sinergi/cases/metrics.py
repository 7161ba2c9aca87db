"""Handling metrics of one agency by period: where its cases stand, how long handling takes month by month, and how
many referral answer deadlines it kept. Counts and durations only, never case content; the caller
(`selectors.case_metrics`) has checked that the reader may read this agency's metrics.

A referral's answer deadline (`accept_by`, the flow's `referral_answer_deadline`) is kept when the answer came
by then, missed when it came later or has not come and the deadline has passed; a referral still within its
deadline is waiting and counts for neither.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone

from sinergi.cases.choices import ReferralState


@dataclass(frozen=True)
class Deadlines:
    kept: int
    missed_answered: int  # answered after the deadline
    missed_unanswered: int  # not answered, deadline passed
    waiting: int  # not answered, deadline ahead

    @property
    def missed(self) -> int:
        return self.missed_answered + self.missed_unanswered

    @property
    def kept_share(self) -> float | None:
        decided = self.kept + self.missed
        return round(self.kept / decided, 3) if decided else None


@dataclass(frozen=True)
class MonthFigures:
    month: date  # the first day of the month
    cases_reported: int
    first_action: object  # selectors.DurationStat
    acceptance: object  # selectors.DurationStat
    referrals_received: int
    deadlines: Deadlines


def _month(moment: datetime) -> date:
    local = timezone.localtime(moment)
    return date(local.year, local.month, 1)


def months_between(start: date, end: date) -> list[date]:
    months = []
    current = date(start.year, start.month, 1)
    while current <= end:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _deadline_kind(state: str, answered_at, accept_by, now: datetime) -> str:
    if answered_at is not None:
        return "kept" if answered_at <= accept_by else "missed_answered"
    if state == ReferralState.PENDING:
        return "missed_unanswered" if accept_by < now else "waiting"
    # Revoked before any answer: the deadline no longer ran.
    return ""


def deadlines_of(rows, now: datetime) -> Deadlines:
    counts = Counter(_deadline_kind(state, answered, accept_by, now) for state, answered, accept_by in rows)
    return Deadlines(
        kept=counts["kept"],
        missed_answered=counts["missed_answered"],
        missed_unanswered=counts["missed_unanswered"],
        waiting=counts["waiting"],
    )


def by_month(*, cases, referrals, start: date, end: date, now: datetime) -> list[MonthFigures]:
    """The agency's figures for each month of the period: `cases` it leads reported in the period, `referrals`
    it received in the period (querysets already narrowed by the caller)."""
    from sinergi.cases.selectors import _durations

    reported: dict[date, list] = defaultdict(list)
    for reported_at, first_action_at in cases.values_list("reported_at", "first_action_at"):
        reported[_month(reported_at)].append((reported_at, first_action_at))
    received: dict[date, list] = defaultdict(list)
    for created_at, answered_at, accept_by, state in referrals.values_list(
        "created_at", "answered_at", "accept_by", "state"
    ):
        received[_month(created_at)].append((created_at, answered_at, accept_by, state))
    figures = []
    for month in months_between(start, end):
        month_referrals = received.get(month, [])
        accepted = [
            (created, answered)
            for created, answered, _by, state in month_referrals
            if answered is not None and state in (ReferralState.ACCEPTED, ReferralState.DONE)
        ]
        figures.append(
            MonthFigures(
                month=month,
                cases_reported=len(reported.get(month, [])),
                first_action=_durations(reported.get(month, [])),
                acceptance=_durations(accepted),
                referrals_received=len(month_referrals),
                deadlines=deadlines_of(
                    [(state, answered, by) for _created, answered, by, state in month_referrals], now
                ),
            )
        )
    return figures


def by_stage(cases) -> list[tuple[str, str, int]]:
    """(stage code, label, number of cases) for the cases' care stages, in the order of the default flow."""
    from sinergi.cases.choices import Track
    from sinergi.cases.flow import default_flow

    counts = Counter(cases.values_list("stage", flat=True))
    flow = default_flow()
    ordered = [(s.code, s.label, counts.pop(s.code)) for s in flow.stages_of(Track.CARE) if s.code in counts]
    return ordered + [(code, code, count) for code, count in sorted(counts.items())]
