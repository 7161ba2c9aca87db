"""The monthly figures: after any write they equal a live count of the reader's cases, and they keep need-to-know
(an agency never counts a case it could not open)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import Count
from django.utils import timezone

from sinergi.analytics import access, aggregates, dashboard, hotspots, scope
from sinergi.analytics.models import CaseDuration, CaseMonthly
from sinergi.analytics.periods import add_months, month_of, start_of, this_month
from sinergi.regions.choices import RegionLevel

pytestmark = pytest.mark.django_db


def _live(user, *, since, until, region=""):
    """The figures counted straight from the cases the policy shows the reader (what the tables replace)."""
    from sinergi.cases.models import CaseParty

    begin, end = start_of(since), start_of(add_months(until, 1))
    visible = access.visible_cases(user)
    if region:
        visible = visible.filter(origin_region__code__startswith=region)
    reported = visible.filter(reported_at__gte=begin, reported_at__lt=end)
    closed = visible.filter(closed_at__gte=begin, closed_at__lt=end)
    repatriated = visible.filter(repatriated_at__gte=begin, repatriated_at__lt=end)
    victims = CaseParty.objects.filter(role="VICTIM")
    return {
        "total": reported.count(),
        "open": reported.filter(status="OPEN").count(),
        "stages": dict(reported.order_by().values_list("stage").annotate(n=Count("id"))),
        "victims": victims.filter(case__in=reported.values("id")).count(),
        "closed": closed.count(),
        "reintegrated": victims.filter(
            case__in=closed.filter(closure_reason="REINTEGRATED").values("id")
        ).count(),
        "repatriated": victims.filter(case__in=repatriated.values("id")).count(),
    }


def _shown(user, *, since, until, region=""):
    board = dashboard.dashboard(user=user, since=since, until=until, region=region)
    labels = dashboard._stage_labels(set(_live(user, since=since, until=until, region=region)["stages"]))
    codes = {label: code for code, label in labels.items()}
    return {
        "total": board.cases_total,
        "open": board.cases_open,
        "stages": {codes.get(label, label): n for label, n in board.by_stage},
        "victims": board.victims,
        "closed": board.closed,
        "reintegrated": board.victims_reintegrated,
        "repatriated": board.victims_repatriated,
    }


def _tables():
    monthly = CaseMonthly.objects.exclude(
        cases=0, open_cases=0, victims=0, reintegrated=0, reintegrated_victims=0
    ).values_list("agency_id", "level", "region", "month", "kind", "stage", "cases", "open_cases", "victims",
                  "reintegrated", "reintegrated_victims")  # fmt: skip
    durations = CaseDuration.objects.exclude(cases=0).values_list(
        "agency_id", "level", "region", "month", "kind", "hours", "cases"
    )
    return sorted(monthly), sorted(durations)


def _write_a_bit_of_everything(s):
    """Stage change, a new victim, closure, return home and a lead transfer, through the services where they
    exist, and one direct save (an admin's edit) for the dates the demo flow does not reach."""
    from sinergi.cases import services as cases
    from sinergi.people.services import PersonData

    cases.case_transition(actor=s.a_worker, case=s.case_a1, to_stage="assessment")
    cases.case_party_add(
        actor=s.a_worker,
        case=s.case_a1,
        role="VICTIM",
        new_person=PersonData(full_name="Ani Susanti", sex="F"),
    )
    case = type(s.case_a2).objects.get(pk=s.case_a2.pk)
    now = timezone.now()
    case.status, case.closure_reason, case.closed_at = "CLOSED", "REINTEGRATED", now - timedelta(days=1)
    case.repatriated_at, case.first_action_at = (
        now - timedelta(days=3),
        case.reported_at + timedelta(hours=30),
    )
    case.save()
    transfer = cases.lead_transfer_request(
        actor=s.b_worker, case=s.case_b1, to_agency=s.a_worker.agency, reason="Korban pulang ke NTB."
    )
    cases.lead_transfer_accept(actor=s.a_worker, transfer=transfer)


def test_after_writes_the_figures_equal_the_live_count_for_every_reader(rebuilt):
    s = rebuilt
    _write_a_bit_of_everything(s)
    month = this_month()
    since = add_months(month, -3)
    for user in (s.a_worker, s.b_worker, s.c_worker, s.a_analyst):
        # Every level, down to the village of case A1 (deeper than the tables keep the stages: counted live).
        district = s.case_a1.origin_region_id[:8]
        for region in ("", "52", "52.03", "63.71", district, s.case_a1.origin_region_id):
            assert _shown(user, since=since, until=month, region=region) == _live(
                user, since=since, until=month, region=region
            ), (user.username, region)
    a = _shown(s.a_worker, since=since, until=month)
    assert (a["total"], a["victims"], a["closed"], a["reintegrated"], a["repatriated"]) == (3, 4, 1, 1, 1)
    assert a["stages"].get("assessment") == 1
    assert _shown(s.b_worker, since=since, until=month)["total"] == 0  # B handed its case over


def test_folding_the_writes_gives_the_same_tables_as_a_rebuild(rebuilt):
    _write_a_bit_of_everything(rebuilt)
    assert aggregates.fold() > 0
    folded = _tables()
    aggregates.rebuild()
    assert _tables() == folded
    assert folded[0]  # the tables are not empty


def test_the_median_is_to_the_hour():
    assert scope.median_hours({}) is None
    assert scope.median_hours({30: 1}) == 30
    assert scope.median_hours({24: 1, 48: 1}) == 36
    assert scope.median_hours({10: 2, 20: 1}) == 10


def test_first_action_times_show_as_their_median_in_days(rebuilt):
    s = rebuilt
    for case, hours in ((s.case_a1, 24), (s.case_a2, 48)):
        case = type(case).objects.get(pk=case.pk)
        case.first_action_at = case.reported_at + timedelta(hours=hours)
        case.save()
    board = dashboard.dashboard(user=s.a_worker, since=add_months(this_month(), -3), until=this_month())
    assert board.days_to_first_action == 1.5  # 36 hours
    assert board.days_to_close is None


def test_a_referral_counts_the_case_for_the_addressee_only_while_the_policy_shows_it(rebuilt):
    from sinergi.cases import services as cases

    s = rebuilt
    month = this_month()
    since = add_months(month, -3)
    assert _shown(s.c_worker, since=since, until=month)["total"] == 0
    referral = cases.referral_create(
        actor=s.a_worker, case=s.case_a1, to_agency=s.c_worker.agency, need="SHELTER", reason="Rumah aman."
    )
    assert _shown(s.c_worker, since=since, until=month) == _live(s.c_worker, since=since, until=month)
    assert _shown(s.c_worker, since=since, until=month)["total"] == 1
    table = hotspots.hotspots(user=s.c_worker, level=RegionLevel.REGENCY, month=month)
    assert [(row.code, sum(row.cases.values())) for row in table.rows] == [("52.03", 1)]
    referral.refresh_from_db()
    cases.referral_revoke(actor=s.a_worker, referral=referral, reason="Salah alamat.")
    assert _shown(s.c_worker, since=since, until=month)["total"] == 0
    assert hotspots.hotspots(user=s.c_worker, level=RegionLevel.REGENCY, month=month).rows == []


def test_the_split_of_the_readers_cases_is_exactly_what_the_policy_shows(rebuilt):
    from sinergi.cases import services as cases
    from sinergi.cases.models import Case

    s = rebuilt
    cases.referral_create(
        actor=s.a_worker, case=s.case_a1, to_agency=s.c_worker.agency, need="SHELTER", reason="Rumah aman."
    )
    accepted = cases.referral_create(
        actor=s.a_worker,
        case=s.case_a2,
        to_agency=s.b_worker.agency,
        need="INVESTIGATION",
        reason="Penyidikan.",
    )
    cases.referral_accept(actor=s.b_worker, referral=accepted)
    cases.lead_transfer_request(
        actor=s.b_worker, case=s.case_b1, to_agency=s.c_worker.agency, reason="Pindah wilayah."
    )
    for user in (s.a_worker, s.b_worker, s.c_worker, s.a_analyst):
        split = scope.reader_cases(user)
        counted = set(split.others.values_list("id", flat=True))
        if split.lead_agency_id is not None:
            counted |= set(
                Case.objects.filter(lead_agency_id=split.lead_agency_id).values_list("id", flat=True)
            )
        assert counted == set(access.visible_cases(user).values_list("id", flat=True)), user.username
    assert scope.reader_cases(s.a_analyst).lead_agency_id is None  # no case role: no case counted


def test_the_map_counts_only_the_readers_cases_at_every_level(rebuilt):
    s = rebuilt
    month = month_of(timezone.localdate())
    for level in (RegionLevel.PROVINCE, RegionLevel.REGENCY, RegionLevel.DISTRICT, RegionLevel.VILLAGE):
        a = hotspots.hotspots(user=s.a_worker, level=level, month=month)
        assert {row.code[:2] for row in a.rows} == {"52"}
        assert sum(sum(row.cases.values()) for row in a.rows) == 2
        assert sum(sum(row.victims.values()) for row in a.rows) == 2
    within = hotspots.hotspots(user=s.b_worker, level=RegionLevel.DISTRICT, month=month, within="63.71")
    assert [sum(row.cases.values()) for row in within.rows] == [1]
    assert all(row.code.startswith("63.71.") for row in within.rows)
