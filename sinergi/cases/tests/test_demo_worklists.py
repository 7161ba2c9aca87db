"""The demo tells the truth: a small demo seeded by every app gives every demo login something in its worklist,
and only a minority of the open deadlines have passed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.utils import timezone

from sinergi.agencies.models import User
from sinergi.cases import demo as cases_demo
from sinergi.cases.choices import CaseStatus, ReferralState
from sinergi.cases.models import Case, Referral, Task
from sinergi.core import demo, registry
from sinergi.regions.services import regions_load


@pytest.fixture
def small_demo(regions, monkeypatch):
    regions_load(provinces=("35", "33", "32", "71", "61", "65"), max_level=3)
    monkeypatch.setattr(cases_demo, "CASES_PER_SCALE", 90)
    out = StringIO()
    demo.demo_seed(people=120, stdout=out, load_regions=False)
    return out.getvalue()


def test_every_demo_login_has_work_and_most_deadlines_are_kept(small_demo):
    empty = []
    for user in User.objects.filter(is_active=True).order_by("username"):
        if sum(section.count for section in registry.worklist_for(user)) == 0:
            empty.append(user.username)
    assert not empty, f"demo logins with an empty worklist: {empty}\n{small_demo}"

    now = timezone.now()
    open_cases = Case.objects.filter(status=CaseStatus.OPEN)
    stage_deadlines = open_cases.filter(stage_due_at__isnull=False)
    pending = Referral.objects.filter(case__status=CaseStatus.OPEN, state=ReferralState.PENDING)
    accepted = Referral.objects.filter(case__status=CaseStatus.OPEN, state=ReferralState.ACCEPTED)
    tasks = Task.objects.filter(case__status=CaseStatus.OPEN, done_at__isnull=True)
    deadlines = stage_deadlines.count() + pending.count() + accepted.count() + tasks.count()
    missed = (
        stage_deadlines.filter(stage_due_at__lt=now).count()
        + pending.filter(accept_by__lt=now).count()
        + accepted.filter(due_at__lt=now).count()
        + tasks.filter(due_at__lt=now).count()
    )
    assert deadlines > 50
    assert 0 < missed < deadlines * 0.15, (missed, deadlines)
    # A realistic spread: cases at most stages, a few closed, the open ones a majority.
    stages = set(Case.objects.values_list("stage", flat=True))
    assert len(stages) >= 5 and open_cases.count() > Case.objects.count() / 2
