"""Demo data for outreach: events held over the last eighteen months and a few planned, in villages of the
demo agencies' provinces. Everything is synthetic; called by `manage.py demo_seed`."""

from __future__ import annotations

import random
from datetime import timedelta

from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.outreach.choices import PARTICIPANT_FIELDS, Audience

EVENTS_PER_SCALE = 40
TITLES = (
    "Sosialisasi migrasi aman dan prosedural",
    "Sosialisasi pencegahan TPPO bagi keluarga PMI",
    "Penyuluhan bahaya lowongan kerja di media sosial",
    "Sosialisasi bersama perangkat desa dan tokoh agama",
    "Kelas orientasi calon pekerja migran",
)
# Each outreach officer's own: two events planned, one held last week with its participants still to record.
OFFICER_EVENTS = 3
MATERIALS = ("Leaflet migrasi aman, video testimoni purna PMI", "Modul BP3MI, poster layanan pengaduan", "")


def seed(*, rng: random.Random, stdout, scale: int = 1) -> dict:
    from sinergi.agencies.models import Agency, User
    from sinergi.outreach import services
    from sinergi.regions.models import Region

    planners = list(
        User.objects.filter(
            is_active=True, agency__isnull=False, roles__role__in=[Role.OUTREACH_OFFICER, Role.SUPERVISOR]
        )
        .exclude(agency__jurisdiction__isnull=True)
        .select_related("agency")
        .distinct()
        .order_by("id")
    )
    if not planners:
        stdout.write("outreach: no outreach officer or supervisor with a jurisdiction; no demo events\n")
        return {"events": 0}
    partners = list(Agency.objects.filter(is_active=True).exclude(type="PLATFORM").order_by("code"))
    today = timezone.localdate()
    created = 0
    for index in range(EVENTS_PER_SCALE * max(1, int(scale))):
        actor = rng.choice(planners)
        province = actor.agency.jurisdiction_id[:2]
        villages = list(Region.objects.filter(level=4, code__startswith=f"{province}.").order_by("?")[:1])
        if not villages:
            continue
        planned = index % 10 == 0
        held_on = (
            today + timedelta(days=rng.randint(5, 60))
            if planned
            else today - timedelta(days=rng.randint(3, 540))
        )
        participants = (
            {} if planned else {field: rng.randint(0, 25) for field, _sex, _age in PARTICIPANT_FIELDS}
        )
        services.outreach_event_create(
            actor=actor,
            data=services.EventData(
                title=rng.choice(TITLES),
                held_on=held_on,
                region_code=villages[0].code,
                audiences=rng.sample(Audience.values, k=rng.randint(1, 3)),
                participants=participants,
                materials=rng.choice(MATERIALS),
                follow_up=""
                if planned
                else rng.choice(["Pendampingan desa migran produktif", "Kunjungan ulang 3 bulan", ""]),
                partner_agency_ids=[p.pk for p in rng.sample(partners, k=min(2, len(partners)))],
            ),
        )
        created += 1
    # Every outreach officer has work waiting: the next events of their agency, and one held last week whose
    # participants are still to be recorded.
    officers = [u for u in planners if u.has_role(Role.OUTREACH_OFFICER)]
    for officer in officers:
        province = officer.agency.jurisdiction_id[:2]
        # Villages, or districts where a small demo loaded the province only down to them.
        places = Region.objects.filter(code__startswith=f"{province}.")
        villages = list(places.filter(level=4).order_by("?")[:OFFICER_EVENTS]) or list(
            places.filter(level=3).order_by("?")[:OFFICER_EVENTS]
        )
        dates = [
            today + timedelta(days=rng.randint(3, 20)),
            today + timedelta(days=rng.randint(21, 45)),
            today - timedelta(days=rng.randint(2, 6)),
        ]
        for village, held_on in zip(villages, dates, strict=False):
            services.outreach_event_create(
                actor=officer,
                data=services.EventData(
                    title=rng.choice(TITLES),
                    held_on=held_on,
                    region_code=village.code,
                    audiences=rng.sample(Audience.values, k=rng.randint(1, 3)),
                    participants={},
                    materials=rng.choice(MATERIALS),
                    follow_up="",
                    partner_agency_ids=[p.pk for p in rng.sample(partners, k=min(2, len(partners)))],
                ),
            )
            created += 1
    stdout.write(f"outreach: {created} events\n")
    return {"events": created}
