"""The demo seeders of outreach and analytics: events, a recruiter ring with a hotspot, the graph built."""

from __future__ import annotations

import io
import random

import pytest

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_seeders_make_events_a_ring_and_a_hotspot(regions):
    from sinergi.analytics import demo as analytics_demo
    from sinergi.analytics import selectors
    from sinergi.analytics.hotspots import hotspots, latest_month_with_cases
    from sinergi.outreach import demo as outreach_demo
    from sinergi.outreach.models import OutreachEvent

    bp3mi = AgencyFactory(code="bp3mi-demo", type=AgencyType.BP3MI, jurisdiction=regions.get(code="52"))
    worker = UserFactory(username="demo-worker", agency=bp3mi, roles=[Role.CASE_WORKER, Role.SUPERVISOR])
    UserFactory(username="demo-outreach", agency=bp3mi, roles=[Role.OUTREACH_OFFICER])
    out = io.StringIO()
    events = outreach_demo.seed(rng=random.Random(1), stdout=out)["events"]
    # The random events, and the one outreach officer's own (planned ones, one held without participants).
    assert (
        events
        == OutreachEvent.objects.count()
        == outreach_demo.EVENTS_PER_SCALE + outreach_demo.OFFICER_EVENTS
    )
    assert OutreachEvent.objects.filter(participants_total=0).exists()  # the planned ones
    result = analytics_demo.seed(rng=random.Random(2), stdout=out)
    assert result["cases"] == analytics_demo.RING_CASES_PER_SCALE and result["edges"] > 0
    groups = selectors.network_summary(worker)[1]
    # The two recruiters' rings, joined by the sponsor company: one group of the ring's cases.
    assert groups[0].group.cases == analytics_demo.RING_CASES_PER_SCALE
    table = hotspots(user=worker, level=2, month=latest_month_with_cases(worker))
    assert table.rows[0].code.startswith("52.")
