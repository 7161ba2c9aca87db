"""Demo data for analytics: a recruiter ring and a spike of cases in one regency, then the analytics tables.

Runs after the cases and detection seeders. Two recruiters share phone numbers that the detection demo's posts
carry, across about a dozen new cases from one regency in the last two months (a hotspot with a spike), and a
sponsor company links them to older cases. Everything is synthetic (0812-0000-xxxx phone block, Faker names).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role

RING_CASES_PER_SCALE = 14


def seed(*, rng: random.Random, stdout, scale: int = 1) -> dict:
    from sinergi.agencies.models import User
    from sinergi.analytics.rebuild import analytics_rebuild
    from sinergi.cases import services as cases
    from sinergi.cases.demo import settle_open_work
    from sinergi.detection.models import Contact
    from sinergi.people.services import PersonData, PhoneInput
    from sinergi.regions.models import Region

    fake = Faker("id_ID")
    fake.seed_instance(rng.randint(0, 10**9))
    worker = (
        User.objects.filter(
            is_active=True,
            agency__type=AgencyType.BP3MI,
            roles__role=Role.CASE_WORKER,
            agency__jurisdiction__isnull=False,
        )
        .select_related("agency")
        .order_by("id")
        .first()
    )
    made = 0
    if worker is not None:
        province = worker.agency.jurisdiction_id[:2]
        regency = Region.objects.filter(level=2, code__startswith=f"{province}.").order_by("code").first()
        villages = list(
            Region.objects.filter(level=4, code__startswith=f"{regency.code}.").order_by("code")[:20]
        )
        # Numbers that posts of the detection demo carry: a case and a post then meet in one phone node.
        post_phones = [c.value for c in Contact.objects.filter(kind="phone").order_by("-post_count")[:2]]
        phones = post_phones + [f"0812-0000-{9000 + i}" for i in range(2 - len(post_phones))]
        recruiters = [fake.name_male(), fake.name_male()]
        now = timezone.now()
        for index in range(RING_CASES_PER_SCALE * max(1, int(scale))):
            which = index % 2
            case = cases.case_intake(
                actor=worker,
                intake_channel="COMMUNITY",
                narrative="Direkrut calo desa untuk kerja di Kamboja, dijanjikan gaji besar (data demo).",
                reported_at=now - timedelta(days=rng.uniform(1, 50)),
                origin_region=rng.choice(villages) if villages else None,
                destination_country="KH",
                parties=[
                    {"new_person": PersonData(full_name=fake.name_female(), sex="F"), "role": "VICTIM"},
                    {
                        "new_person": PersonData(
                            full_name=recruiters[which], sex="M", phones=[PhoneInput(number=phones[which])]
                        ),
                        "role": "RECRUITER",
                    },
                ],
            )
            # Registered weeks ago and verified since (the flow's first deadline is a day): its open deadlines
            # lie ahead, as in an office that keeps them.
            cases.case_transition(actor=worker, case=case, to_stage="assessment")
            settle_open_work(case.pk, rng)
            if index % 3 == 0:
                cases.case_organisation_add(
                    actor=worker, case=case, name="PT Sinar Demo Abadi", kind="SPONSOR"
                )
            made += 1
    build = analytics_rebuild()
    stdout.write(f"analytics: {made} ring cases, {build.edges} graph links\n")
    return {"cases": made, "edges": build.edges}
