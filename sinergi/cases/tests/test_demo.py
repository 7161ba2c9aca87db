import io
import random

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases import demo
from sinergi.cases.models import Case, Referral
from sinergi.core.testing.factories import AgencyFactory, UserFactory


def test_demo_seed_makes_cases_at_every_stage_some_overdue(regions, monkeypatch):
    province = regions.get(code="63")
    for code, agency_type, country in [
        ("bp3mi-63", AgencyType.BP3MI, "ID"),
        ("polda-63", AgencyType.POLRI, "ID"),
        ("dinsos-63", AgencyType.DINSOS, "ID"),
        ("uptd-ppa-63", AgencyType.UPTD_PPA, "ID"),
        ("lpsk", AgencyType.LPSK, "ID"),
        ("imigrasi", AgencyType.IMIGRASI, "ID"),
        ("kbri-kl", AgencyType.KBRI, "MY"),
        ("kbri-pp", AgencyType.KBRI, "KH"),
    ]:
        agency = AgencyFactory(
            code=code, type=agency_type, country=country, jurisdiction=province if country == "ID" else None
        )
        if agency_type == AgencyType.UPTD_PPA:
            # A child-protection officer may not register a case: the demo once picked one and skipped the case.
            UserFactory(username=f"{code}-cp", agency=agency, roles=[Role.CHILD_PROTECTION])
            UserFactory(username=f"{code}-s", agency=agency, roles=[Role.SUPERVISOR])
            continue
        work = Role.INVESTIGATOR if agency_type == AgencyType.POLRI else Role.CASE_WORKER
        UserFactory(username=f"{code}-w", agency=agency, roles=[work])
        UserFactory(username=f"{code}-s", agency=agency, roles=[Role.SUPERVISOR, work])
    monkeypatch.setattr(demo, "CASES_PER_SCALE", 20)
    out = io.StringIO()
    result = demo.seed(rng=random.Random(7), stdout=out, scale=1)
    assert result["cases"] == 20, out.getvalue()
    stages = set(Case.objects.values_list("stage", flat=True))
    assert len(stages) >= 4 and "closed" in stages, stages
    assert Referral.objects.filter(state="ACCEPTED").exists()
    assert (
        result["referrals_unanswered"] + result["tasks"] + result["referrals_overdue"] > 0
        or Case.objects.filter(stage_due_at__isnull=False, status="OPEN").exists()
    )
    assert Case.objects.filter(
        reported_at__lt=Case.objects.order_by("-reported_at").first().reported_at
    ).exists()
