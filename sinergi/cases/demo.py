"""Demo cases: a few hundred synthetic cases at every stage of the default flow, across the demo agencies, with
referrals (accepted, pending, declined, done), the legal track, notes, tasks and approvals.

Called by `manage.py demo_seed` after agencies, users and regions exist. Every case is made through the real
services, then its timestamps are moved back to a report date in the past year (all of them by the same amount,
so the timeline order and the metrics stay consistent). An open case's current work is then put where a
healthy office has it (`settle_open_work`): the stage entered recently and its deadline ahead, pending referrals
sent within their answer window, services and tasks due in the coming days, and only a few deadlines
(`LATE_SHARE`) missed by a few days, so a newcomer sees an office that mostly keeps its deadlines. Some requests
for a supervisor's approval are left waiting, and notifications older than a few days are read.
Everything is synthetic (Faker id_ID).
"""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from faker import Faker

from sinergi.agencies.choices import AgencyType, Role

CASES_PER_SCALE = 300
KALSEL = "63"
GIVEN_NAME_SPELLINGS = ["Muhammad", "Muhamad", "Mohammad", "Moh.", "M.", "Achmad", "Ahmad"]
# The share of open deadlines the demo lets pass (by a few days): a minority, as in an office that works.
LATE_SHARE = 0.04
# Notifications older than this are read, as a user who signs in every day would have them.
UNREAD_FOR = timedelta(days=3)
# The approval a case waits for before its next stage, left pending in some open cases for the supervisors.
PENDING_APPROVAL = {"assessment": "ASSESSMENT", "referral": "CASE_PLAN", "monitoring": "CLOSURE"}
STAGE_PATH = ["reported", "assessment", "referral", "services", "reintegration", "monitoring", "closed"]
APPROVAL_BEFORE = {"referral": "ASSESSMENT", "services": "CASE_PLAN", "closed": "CLOSURE"}
DESTINATIONS = [
    ("MY", "Kuala Lumpur", "DOMESTIC_WORK", ["FORCED_LABOUR"], "KBRI"),
    ("MY", "Kota Kinabalu", "AGRICULTURE", ["FORCED_LABOUR"], "KBRI"),
    ("KH", "Sihanoukville", "ONLINE_SCAM", ["FORCED_CRIMINALITY"], "KBRI"),
    ("KH", "Phnom Penh", "ONLINE_SCAM", ["FORCED_CRIMINALITY", "FORCED_LABOUR"], "KBRI"),
    ("MM", "Myawaddy", "ONLINE_SCAM", ["FORCED_CRIMINALITY"], "KBRI"),
    ("SA", "Riyadh", "DOMESTIC_WORK", ["FORCED_LABOUR"], "KBRI"),
    ("HK", "Hong Kong", "DOMESTIC_WORK", ["FORCED_LABOUR"], "KBRI"),
    ("TW", "Kaohsiung", "FISHING", ["FORCED_LABOUR"], "KBRI"),
    ("ID", "Batam", "HOSPITALITY", ["SEXUAL_EXPLOITATION"], None),
]
JOBS = {
    "DOMESTIC_WORK": ["asisten rumah tangga", "pengasuh lansia", "pengasuh anak"],
    "AGRICULTURE": ["pekerja kebun sawit", "pemetik buah"],
    "ONLINE_SCAM": ["customer service", "admin marketing online", "operator game"],
    "FISHING": ["anak buah kapal"],
    "HOSPITALITY": ["pelayan restoran", "terapis spa"],
}
NARRATIVES = [
    "{relation} melaporkan bahwa korban berangkat ke {city} setelah ditawari kerja sebagai {job} oleh seorang "
    "{recruiter} melalui {app}. Korban dijanjikan gaji {salary}, berangkat memakai visa {visa}. Setibanya di sana "
    "{harm}.",
    "Korban direkrut {recruiter} di desanya untuk bekerja sebagai {job} di {city}. Biaya keberangkatan "
    "Rp{fee} dipotong dari gaji. {harm_cap}. Keluarga kehilangan kontak selama beberapa minggu.",
    "Laporan masuk tentang pekerja migran nonprosedural di {city}: bekerja sebagai {job}, direkrut lewat {app}. "
    "{harm_cap}; korban meminta dipulangkan.",
]
HARMS = [
    "paspor ditahan majikan dan gaji tidak dibayar selama berbulan-bulan",
    "korban dipaksa bekerja lebih dari 16 jam sehari dan dilarang keluar mes",
    "korban dipaksa menipu orang lewat internet dengan target harian dan diancam dipukul",
    "korban dijual ke perusahaan lain dan dibebani utang yang terus bertambah",
]
NOTES = {
    "GENERAL": [
        "Keluarga korban sudah dihubungi dan diberi informasi perkembangan kasus.",
        "Koordinasi dengan pemerintah desa asal untuk persiapan penerimaan kembali.",
        "Korban meminta informasi status pemulangan dan barang-barangnya.",
    ],
    "INVESTIGATION": [
        "Perekrut diduga bagian dari jaringan yang sama dengan kasus lain di kabupaten ini.",
        "Bukti transfer biaya keberangkatan dan percakapan WhatsApp diserahkan ke penyidik.",
    ],
    "CARE": [
        "Korban mengalami gangguan tidur dan kecemasan; dijadwalkan konseling psikolog.",
        "Pemeriksaan kesehatan menemukan luka lama di lengan; perlu kontrol rutin.",
    ],
}


def _staff(agency, roles):
    from sinergi.agencies.models import User

    return list(
        User.objects.filter(agency=agency, is_active=True, kind="PERSON", roles__role__in=roles)
        .distinct()
        .order_by("id")
    )


def _agencies(types):
    from sinergi.agencies.models import Agency

    return list(
        Agency.objects.filter(type__in=types, is_active=True).select_related("jurisdiction").order_by("code")
    )


def _person(fake, rng, owner, *, child=False, sex=None):
    from sinergi.people.identifiers import nik_index
    from sinergi.people.models import Person
    from sinergi.people.names import normalise_name

    sex = sex or rng.choice(["F", "F", "M"])
    name = fake.name_female() if sex == "F" else fake.name_male()
    if sex == "M" and rng.random() < 0.3:
        # Records spell these given names every way: the person search finds them all (people.names).
        name = f"{rng.choice(GIVEN_NAME_SPELLINGS)} {fake.last_name()}"
    today = timezone.localdate()
    age = rng.randint(14, 17) if child else rng.randint(19, 45)
    birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
    normalised = normalise_name(name)
    fields = {
        "full_name": name,
        "name_normalised": normalised,
        "sex": sex,
        "birth_date": birth,
        "owner_agency": owner,
    }
    if rng.random() < 0.6:
        # A NIK-shaped number: region of the owner, birth date (+40 for women), serial.
        region = (owner.jurisdiction.digits if owner.jurisdiction else "6371")[:4] + "01"
        day = birth.day + (40 if sex == "F" else 0)
        nik = f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"
        fields.update(nik=nik, nik_index=nik_index(nik))
    if any(f.name == "search_names" for f in Person._meta.get_fields()):
        fields["search_names"] = " " + normalised
    return Person.objects.create(**fields)


def _need_reason(need: str) -> str:
    """The reason of a demo referral, in Indonesian words ("Hasil asesmen: korban membutuhkan rumah aman.")."""
    from django.utils import translation

    from sinergi.cases.choices import ReferralNeed

    with translation.override("id"):
        label = str(ReferralNeed(need).label).lower()
    return f"Hasil asesmen: korban membutuhkan layanan {label}."


def _villages(province_code, limit=200):
    from sinergi.regions.models import Region

    return list(Region.objects.filter(level=4, code__startswith=f"{province_code}.").order_by("?")[:limit])


def _shift_case(case_id, delta):
    """Moves every timestamp of one case back by `delta` (same amount everywhere: deadlines stay consistent)."""
    from sinergi.cases.models import Approval, Case, CaseEvent, Note, Notification, Referral, Task

    def shift(model, fields, **lookup):
        updates = {}
        for field in fields:
            updates[field] = F(field) - delta
        model.objects.filter(**lookup).update(**updates)
        # NULLs stay NULL: F(x) - delta on NULL is NULL.

    shift(
        Case,
        [
            "reported_at",
            "created_at",
            "updated_at",
            "stage_entered_at",
            "stage_due_at",
            "first_action_at",
            "repatriated_at",
            "closed_at",
        ],
        pk=case_id,
    )
    shift(CaseEvent, ["at"], case_id=case_id)
    shift(Referral, ["created_at", "accept_by", "due_at", "answered_at", "closed_at"], case_id=case_id)
    shift(Task, ["created_at", "due_at", "done_at"], case_id=case_id)
    shift(Note, ["created_at"], case_id=case_id)
    shift(Approval, ["requested_at", "decided_at"], case_id=case_id)
    shift(Notification, ["created_at"], case_id=case_id)


def _spread_metrics(case_id, rng):
    """Gives the handling-time metrics realistic spreads (the services ran within seconds of each other)."""
    from sinergi.cases.models import Case, Referral

    case = Case.objects.get(pk=case_id)
    now = timezone.now()
    updates = {}
    if case.first_action_at:
        updates["first_action_at"] = min(case.reported_at + timedelta(hours=rng.uniform(1, 60)), now)
    if case.repatriated_at:
        updates["repatriated_at"] = min(case.reported_at + timedelta(days=rng.uniform(5, 45)), now)
    if updates:
        Case.objects.filter(pk=case_id).update(**updates)
    for referral in Referral.objects.filter(case_id=case_id, answered_at__isnull=False):
        # Most answers come within the agreed 72 hours; one in ten is late.
        hours = rng.uniform(2, 60) if rng.random() > 0.1 else rng.uniform(73, 120)
        answered = min(referral.created_at + timedelta(hours=hours), now)
        Referral.objects.filter(pk=referral.pk).update(answered_at=answered)


def _late(rng: random.Random, case) -> bool:
    """Whether one open deadline of this case is let pass: rarely, and never in a case reported this week."""
    return case.reported_at < timezone.now() - timedelta(days=8) and rng.random() < LATE_SHARE


def settle_open_work(case_id: int, rng: random.Random) -> None:
    """Puts the open work of an open case where a healthy office has it (see the module docstring): after the
    case was moved back by its age, every open deadline would otherwise lie months in the past."""
    from sinergi.cases.choices import CaseEventKind, CaseStatus, ReferralState
    from sinergi.cases.models import Approval, Case, CaseEvent, Referral, Task

    case = Case.objects.get(pk=case_id)
    if case.status != CaseStatus.OPEN:
        return
    now = timezone.now()
    start = case.reported_at
    latest = start
    for referral in Referral.objects.filter(
        case_id=case_id, state__in=[ReferralState.PENDING, ReferralState.ACCEPTED]
    ):
        answer_window = referral.accept_by - referral.created_at
        service_window = referral.due_at - referral.created_at
        if referral.state == ReferralState.PENDING:
            created = now - answer_window * rng.uniform(0.05, 0.8)
            if _late(rng, case):
                created = now - answer_window - timedelta(hours=rng.uniform(6, 96))
            answered = None
        else:
            created = now - service_window * rng.uniform(0.1, 0.85)
            if _late(rng, case):
                created = now - service_window - timedelta(days=rng.uniform(1, 6))
            answered = min(created + timedelta(hours=rng.uniform(2, 48)), now)
        created = max(created, start)
        moved = created - referral.created_at
        Referral.objects.filter(pk=referral.pk).update(
            created_at=created,
            accept_by=created + answer_window,
            due_at=created + service_window,
            answered_at=answered,
        )
        CaseEvent.objects.filter(case_id=case_id, referral_id=referral.pk).update(at=F("at") + moved)
        latest = max(latest, answered or created)
    for approval in Approval.objects.filter(case_id=case_id, state="PENDING"):
        requested = max(now - timedelta(hours=rng.uniform(1, 60)), latest)
        Approval.objects.filter(pk=approval.pk).update(requested_at=requested)
    for task in Task.objects.filter(case_id=case_id, done_at__isnull=True):
        window = task.due_at - task.created_at
        due = (
            now - timedelta(days=rng.uniform(1, 5))
            if _late(rng, case)
            else now + timedelta(days=rng.uniform(0.5, 12))
        )
        Task.objects.filter(pk=task.pk).update(due_at=due, created_at=max(due - window, start))
    if case.stage_due_at is not None:
        window = case.stage_due_at - case.stage_entered_at
        if window <= timedelta(0):
            # Registered with a report date in the past: the first stage's deadline runs from the report.
            window = case.stage_due_at - case.reported_at
        entered = now - window * rng.uniform(0.05, 0.85)
        if _late(rng, case):
            entered = now - window - timedelta(hours=rng.uniform(6, 72))
        entered = max(entered, latest)
        due = entered + window
    else:
        # A stage without a deadline (services, monitoring) was entered after its referrals were answered.
        entered = latest + (now - latest) * rng.uniform(0.2, 0.9)
        due = None
    last = (
        CaseEvent.objects.filter(case_id=case_id, kind=CaseEventKind.TRANSITION)
        .order_by("-at", "-id")
        .first()
    )
    if last is not None:
        CaseEvent.objects.filter(pk=last.pk).update(at=entered)
    Case.objects.filter(pk=case_id).update(stage_entered_at=entered, stage_due_at=due)


def _top_up_referrals(rng: random.Random, agencies: list, minimum: int = 3) -> int:
    """Gives every agency with case handlers at least `minimum` open referrals on open cases (some waiting for
    its answer, some accepted with services due), so that every demo login has casework to do, whichever
    agencies the random cases happened to need."""
    from sinergi.cases import services
    from sinergi.cases.choices import CaseStatus, ReferralState
    from sinergi.cases.models import Case, Referral
    from sinergi.core.errors import ApplicationError

    open_cases = list(
        Case.objects.filter(status=CaseStatus.OPEN, stage__in=["referral", "services", "reintegration"])
        .select_related("lead_agency", "flow_version")
        .order_by("id")
    )
    made = 0
    for agency in agencies:
        have = Referral.objects.filter(
            to_agency=agency, state__in=[ReferralState.PENDING, ReferralState.ACCEPTED], case__status="OPEN"
        ).count()
        answerers = _staff(agency, [Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR])
        for case in rng.sample(open_cases, k=len(open_cases)):
            if have >= minimum or not answerers:
                break
            if case.lead_agency_id == agency.pk:
                continue
            needs = [
                n for n, rule in services.flow_of(case).needs.items() if agency.type in rule.agency_types
            ]
            senders = _staff(case.lead_agency, [Role.CASE_WORKER, Role.INVESTIGATOR])
            if not needs or not senders:
                continue
            need = rng.choice(needs)
            try:
                referral = services.referral_create(
                    actor=senders[0], case=case, to_agency=agency, need=need, reason=_need_reason(need)
                )
                if have % 2:
                    services.referral_accept(actor=answerers[0], referral=referral)
            except ApplicationError:
                continue  # this case already has such a referral: try the next one
            settle_open_work(case.pk, rng)
            have += 1
            made += 1
    return made


def _read_old_notifications() -> int:
    """Marks read what a user who signs in every day would have read: everything older than UNREAD_FOR."""
    from sinergi.cases.models import Notification

    now = timezone.now()
    return Notification.objects.filter(read_at__isnull=True, created_at__lt=now - UNREAD_FOR).update(
        read_at=now
    )


def seed(*, rng: random.Random, stdout, scale: int = 1) -> dict:
    """Creates about 300 × scale cases across the demo agencies, at every stage, some overdue."""
    from sinergi.cases import services
    from sinergi.cases.choices import ReferralState
    from sinergi.cases.models import Referral

    fake = Faker("id_ID")
    fake.seed_instance(rng.randint(0, 10**9))
    scale = max(1, int(scale))
    handler_roles = [Role.CASE_WORKER, Role.SUPERVISOR, Role.INVESTIGATOR, Role.CHILD_PROTECTION]

    def team(agency):
        # Those who may register and manage a case (access.MANAGE_ROLES): a child-protection officer alone may not.
        workers = _staff(agency, [Role.CASE_WORKER, Role.INVESTIGATOR])
        supervisors = _staff(agency, [Role.SUPERVISOR])
        return workers, supervisors

    leads = [a for a in _agencies([AgencyType.BP3MI, AgencyType.POLRI, AgencyType.UPTD_PPA]) if team(a)[0]]
    if not leads:
        stdout.write("cases: no BP3MI/Polda/UPTD PPA agency with case workers; no demo cases\n")
        return {"cases": 0}
    by_type: dict[str, list] = {}
    for agency in _agencies([t for t in AgencyType.values if t != AgencyType.PLATFORM]):
        if _staff(agency, handler_roles):
            by_type.setdefault(agency.type, []).append(agency)

    def same_province(agency_type, province):
        candidates = by_type.get(agency_type, [])
        local = [a for a in candidates if a.jurisdiction_id and a.jurisdiction_id[:2] == province]
        return rng.choice(local or candidates) if (local or candidates) else None

    def embassy(country):
        candidates = [a for a in by_type.get(AgencyType.KBRI, []) if a.country == country]
        return (candidates or [None])[0]

    villages: dict[str, list] = {}
    created = 0
    total = CASES_PER_SCALE * scale
    for index in range(total):
        lead = rng.choices(leads, weights=[6 if a.type == AgencyType.BP3MI else 2 for a in leads])[0]
        workers, supervisors = team(lead)
        worker = rng.choice(workers)
        approver = next((s for s in supervisors if s.pk != worker.pk), None)
        province = lead.jurisdiction_id[:2] if lead.jurisdiction_id else "63"
        if province not in villages:
            villages[province] = _villages(province)
        country, city, sector, exploitation, _kind = rng.choice(DESTINATIONS)
        child = lead.type == AgencyType.UPTD_PPA or rng.random() < 0.1
        job = rng.choice(JOBS.get(sector, ["pekerja pabrik"]))
        app = rng.choice(["facebook", "tiktok", "whatsapp", "telegram", "instagram"])
        narrative = rng.choice(NARRATIVES).format(
            relation=rng.choice(["Ibu", "Kakak", "Suami", "Tetangga", "Kepala desa"]),
            city=city,
            job=job,
            recruiter=rng.choice(["calo", "sponsor", "kenalan", "perusahaan tanpa izin"]),
            app=app.capitalize(),
            salary=rng.choice(["Rp8 juta", "Rp12 juta", "RM 2.000", "USD 800", "SAR 1.500"]),
            visa=rng.choice(["turis", "kunjungan", "ziarah", "kerja"]),
            fee=f"{rng.randint(3, 25)}.000.000",
            harm=rng.choice(HARMS),
            harm_cap=rng.choice(HARMS).capitalize(),
        )
        # The target stage: spread over every stage, more cases in the early and middle stages.
        target = rng.choices(STAGE_PATH, weights=[8, 10, 18, 18, 10, 10, 26])[0]
        age_days = rng.uniform(0.2, 365)
        if target == "reported":
            # Verified within a day of the report (the flow's deadline): a case still at this stage is new.
            age_days = rng.uniform(0.02, 0.9)
        elif target == "assessment":
            age_days = rng.uniform(0.05, 20)
        parties = [
            {
                "person": _person(fake, rng, lead, child=child and i == 0),
                "role": "VICTIM",
                "age_group": "CHILD" if child and i == 0 else "ADULT",
            }
            for i in range(rng.choice([1, 1, 1, 2, 3]))
        ]
        if rng.random() < 0.5:
            parties.append(
                {"person": _person(fake, rng, lead, sex="M"), "role": "RECRUITER", "age_group": "ADULT"}
            )
        try:
            case = services.case_intake(
                actor=worker,
                intake_channel=rng.choice(
                    [
                        "HOTLINE",
                        "WALK_IN",
                        "COMMUNITY",
                        "POLICE_REPORT",
                        "AIRPORT",
                        "SEAPORT",
                        "LAND_BORDER",
                        "EMBASSY",
                        "EARLY_DETECTION",
                        "MEDIA",
                    ]
                ),
                narrative=narrative,
                parties=parties,
                origin_region=rng.choice(villages[province]) if villages[province] else None,
                destination_country=country,
                destination_city=city,
                victim_abroad=country != "ID" and target in ("reported", "assessment", "referral"),
                recruitment_channel=rng.choice(
                    ["SOCIAL_MEDIA", "MESSAGING_APP", "SPONSOR", "PERSONAL_CONTACT"]
                ),
                recruitment_app=app,
                promised_job=job,
                fees_paid=rng.choice([None, rng.randint(2, 30) * 1_000_000]),
                visa_type=rng.choice(["TOURIST", "VISIT", "UMRAH", "WORK", "NONE"])
                if country != "ID"
                else "",
                documents_used=rng.sample(["PASSPORT", "ID_CARD", "NO_PASSPORT", "CROSSING_PASS"], k=1),
                exploitation_types=exploitation,
                labour_sector=sector,
                means_of_control=rng.sample(
                    [
                        "DEBT_BONDAGE",
                        "TAKES_EARNINGS",
                        "THREATS",
                        "RESTRICTS_MOVEMENT",
                        "WITHHOLDS_DOCUMENTS",
                        "FALSE_PROMISES",
                        "EXCESSIVE_WORKING_HOURS",
                        "PHYSICAL_ABUSE",
                    ],
                    k=rng.randint(1, 4),
                ),
            )
            if rng.random() < 0.8:
                services.case_assign(actor=worker, case=case, assignee=worker)
            for party in case.parties.filter(role="VICTIM"):
                if rng.random() < 0.7:
                    services.consent_record(actor=worker, party=party, consent="GIVEN")
            stage_index = STAGE_PATH.index(target)
            referrals = []
            for step in STAGE_PATH[1 : stage_index + 1]:
                kind = APPROVAL_BEFORE.get(step)
                if kind:
                    if approver is None:
                        break
                    approval = services.approval_request(actor=worker, case=case, kind=kind)
                    services.approval_decide(actor=approver, approval=approval, approve=True)
                if step == "closed":
                    # A closed case leaves no referral open: what is still accepted is reported and done.
                    for referral in Referral.objects.filter(case=case, state=ReferralState.ACCEPTED):
                        answerer = _staff(
                            referral.to_agency, [Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR]
                        )[0]
                        services.referral_report_services(
                            actor=answerer, referral=referral, description="Layanan diberikan sesuai rujukan."
                        )
                        services.referral_mark_done(actor=worker, referral=referral)
                outcome = (
                    rng.choice(["REINTEGRATED", "SERVICES_COMPLETED", "VICTIM_DECLINED", "NOT_A_VICTIM"])
                    if step == "closed"
                    else ""
                )
                if step == "closed":
                    # Closing settles what is open and gives each victim a final status (services.case_close).
                    services.case_close(
                        actor=worker, case=case, outcome=outcome, **_closure_decisions(case, outcome)
                    )
                else:
                    services.case_transition(actor=worker, case=case, to_stage=step)
                if step == "referral":
                    needs = [
                        ("INVESTIGATION", AgencyType.POLRI),
                        ("SHELTER", AgencyType.UPTD_PPA if child else AgencyType.DINSOS),
                    ]
                    if country != "ID":
                        needs.append(("REPATRIATION", None))
                    if rng.random() < 0.3:
                        needs.append(("WITNESS_PROTECTION", AgencyType.LPSK))
                    if rng.random() < 0.2:
                        needs.append(("DOCUMENTS", AgencyType.IMIGRASI))
                    if province == KALSEL:
                        # The province's health office, labour office and NGO take their part of its cases.
                        if rng.random() < 0.4:
                            needs.append(("MEDICAL", AgencyType.DINKES))
                        if rng.random() < 0.35:
                            needs.append(("REINTEGRATION", AgencyType.DISNAKER))
                        if rng.random() < 0.35:
                            needs.append(("LEGAL_AID", AgencyType.NGO))
                    for need, agency_type in needs:
                        to_agency = (
                            embassy(country)
                            if need == "REPATRIATION"
                            else same_province(agency_type, province)
                        )
                        if to_agency is None or to_agency.pk == lead.pk:
                            continue
                        referrals.append(
                            services.referral_create(
                                actor=worker,
                                case=case,
                                to_agency=to_agency,
                                need=need,
                                reason=_need_reason(need),
                            )
                        )
                    # Answers: most accept; a recent case may still wait; a few decline.
                    for referral in referrals:
                        answerers = _staff(
                            referral.to_agency, [Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR]
                        )
                        roll = rng.random()
                        if target == "referral" and roll < 0.3:
                            continue  # still pending: sent within the answer window (settle_open_work)
                        if roll < 0.4 and target == "referral":
                            services.referral_decline(
                                actor=answerers[0],
                                referral=referral,
                                reason="Di luar kewenangan wilayah kami.",
                            )
                            continue
                        services.referral_accept(actor=answerers[0], referral=referral)
                        if referral.need == "INVESTIGATION":
                            investigators = _staff(referral.to_agency, [Role.INVESTIGATOR, Role.SUPERVISOR])
                            if investigators:
                                for legal in ["police_report", "investigation", "prosecution"][
                                    : rng.randint(0, 3)
                                ]:
                                    services.case_transition(
                                        actor=investigators[0], case=case, to_stage=legal
                                    )
                if step == "reintegration":
                    for referral in Referral.objects.filter(case=case, state=ReferralState.ACCEPTED).exclude(
                        need="INVESTIGATION"
                    ):
                        answerer = _staff(
                            referral.to_agency, [Role.CASE_WORKER, Role.INVESTIGATOR, Role.SUPERVISOR]
                        )[0]
                        services.referral_report_services(
                            actor=answerer, referral=referral, description="Layanan diberikan sesuai rujukan."
                        )
                        services.referral_mark_done(actor=worker, referral=referral)
            case.refresh_from_db()
            waiting_for = PENDING_APPROVAL.get(target)
            if case.status == "OPEN" and waiting_for and approver is not None and rng.random() < 0.4:
                services.approval_request(actor=worker, case=case, kind=waiting_for)
            for sensitivity, texts in NOTES.items():
                if rng.random() < 0.6 and case.status == "OPEN":
                    services.note_add(
                        actor=worker, case=case, text=rng.choice(texts), sensitivity=sensitivity
                    )
            if case.status == "OPEN" and rng.random() < 0.5:
                services.task_create(
                    actor=worker,
                    case=case,
                    title=rng.choice(
                        [
                            "Hubungi keluarga korban",
                            "Siapkan surat rujukan",
                            "Kunjungan rumah",
                            "Lengkapi dokumen kepulangan",
                        ]
                    ),
                    owner=worker,
                    due_at=timezone.now() + timedelta(days=rng.randint(2, 14)),
                )
        except Exception as exc:
            stdout.write(
                f"cases: demo case {index} skipped ({exc.__class__.__name__}: {getattr(exc, 'code', exc)})\n"
            )
            continue
        with transaction.atomic():
            _shift_case(case.pk, timedelta(days=age_days))
            _spread_metrics(case.pk, rng)
            settle_open_work(case.pk, rng)
        created += 1
    topped_up = _top_up_referrals(rng, [a for agencies in by_type.values() for a in agencies])
    escalated = services.cases_escalate_overdue()
    _read_old_notifications()
    stdout.write(
        f"cases: {created} demo cases, {topped_up} more referrals; escalated {escalated['referrals_unanswered']} unanswered and "
        f"{escalated['referrals_overdue']} overdue referrals, {escalated['tasks']} tasks\n"
    )
    return {"cases": created, **escalated}


def _closure_decisions(case, outcome: str) -> dict:
    """What a demo closure decides: accepted referrals done, pending ones revoked, tasks done, victims'
    status from the outcome."""
    from sinergi.cases import services
    from sinergi.cases.access import OPEN_REFERRAL_STATES

    status = "NOT_VICTIM" if outcome == "NOT_A_VICTIM" else "CONFIRMED"
    return {
        "referral_decisions": {
            r.pk: services.Decision("DONE" if r.state == "ACCEPTED" else "REVOKE", "Kasus ditutup")
            for r in case.referrals.filter(state__in=OPEN_REFERRAL_STATES)
        },
        "task_decisions": {
            t.pk: services.Decision("DONE")
            if t.owner_agency_id == case.lead_agency_id
            else services.Decision("CANCEL", "Kasus ditutup")
            for t in case.tasks.filter(done_at__isnull=True)
        },
        "victim_statuses": {p.pk: status for p in case.parties.filter(role="VICTIM")},
    }
