"""The metrics page and API: cases by stage, handling times and answer deadlines kept, by month, drawn as inline
SVG readable without colour, with numbers in the reader's locale; the same figures in the API and its schema."""

from __future__ import annotations

import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sinergi.cases import services
from sinergi.cases.models import Referral
from sinergi.conftest import sign_in


def three_referrals(cast, make_case):
    """Three referrals to UPTD PPA: answered in time (after 11.8 hours), answered late, unanswered past due."""
    now = timezone.now()
    made = []
    for need in ("SHELTER", "PSYCHOSOCIAL", "REHABILITATION"):
        case = make_case()
        made.append(
            services.referral_create(
                actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need=need, reason="Mohon."
            )
        )
    in_time, late, _unanswered = made
    for referral in (in_time, late):
        services.referral_accept(actor=cast.uptd.worker, referral=referral)
    created = now - timedelta(days=5)
    Referral.objects.filter(pk__in=[r.pk for r in made]).update(
        created_at=created, accept_by=created + timedelta(hours=72)
    )
    Referral.objects.filter(pk=in_time.pk).update(answered_at=created + timedelta(hours=11.8))
    Referral.objects.filter(pk=late.pk).update(answered_at=created + timedelta(hours=80))
    return made


def test_api_gives_the_figures_by_stage_month_and_deadline(cast, make_case):
    three_referrals(cast, make_case)
    client = sign_in(Client(), cast.uptd.supervisor)
    body = client.get("/api/v1/cases/metrics/", {"agency": cast.uptd.agency.pk}).json()
    assert body["deadlines"] == {
        "kept": 1,
        "missed_answered": 1,
        "missed_unanswered": 1,
        "waiting": 0,
        "kept_share": 0.333,
    }
    month = next(m for m in body["months"] if m["referrals_received"])
    assert month["deadlines"]["kept"] == 1 and month["referral_acceptance"]["count"] == 2
    lead = sign_in(Client(), cast.bp3mi.supervisor).get("/api/v1/cases/metrics/").json()
    assert sum(row["count"] for row in lead["by_stage"]) == lead["cases_reported"] == 3
    assert {row["stage"] for row in lead["by_stage"]} == {"reported"}


def test_the_schema_documents_the_new_figures():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    output = schema["components"]["schemas"]["MetricsOutput"]["properties"]
    assert {"by_stage", "months", "deadlines"} <= set(output)


def test_page_draws_the_charts_with_locale_numbers_and_a_table(cast, make_case):
    three_referrals(cast, make_case)
    client = sign_in(Client(), cast.uptd.supervisor)
    html = client.get(reverse("cases:metrics")).content.decode()
    charts = re.findall(r"<svg\b.*?</svg>", html, flags=re.S)
    # UPTD PPA leads no case: no stage chart, said in words; the other three are drawn.
    assert len(charts) == 3 and all('role="img"' in svg for svg in charts)
    assert "Tidak ada kasus dalam periode ini." in html
    deadlines = next(svg for svg in charts if "chart-deadlines" in svg)
    # Three patterns with their names, not three colours.
    assert all(f"url(#chart-deadlines-{kind})" in deadlines for kind in ("solid", "hatch", "dots"))
    assert "dijawab terlambat" in deadlines and "belum dijawab, lewat batas waktu" in deadlines
    # Indonesian decimal commas everywhere: the median of 11.8 and 80 hours is 45.9 hours.
    assert "45,9 jam" in html and not re.search(r"\d\.\d jam", html)
    assert 'data-testid="metric-month"' in html and "33%" in html
    lead = sign_in(Client(), cast.bp3mi.supervisor).get(reverse("cases:metrics")).content.decode()
    stages = re.search(r'<svg\b[^>]*aria-labelledby="chart-stages-title".*?</svg>', lead, flags=re.S)
    assert stages and "Laporan diterima" in stages.group(0) and ">3</text>" in stages.group(0)


def test_a_bad_period_is_told_and_draws_nothing(cast):
    client = sign_in(Client(), cast.bp3mi.supervisor)
    response = client.get(reverse("cases:metrics"), {"start": "2026-12-01", "end": "2026-01-01"})
    assert response.status_code == 400 and "<svg" not in response.content.decode()
