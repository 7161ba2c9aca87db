"""A small world in which every URL of the project names an object that exists, and the URLs themselves.

Used by the tests that walk the whole site (junk input, the browser tour): a BP3MI case worker (also analyst and
supervisor) leads a case with a victim, a referral to the police, a note, a task and a document; a post with
its campaign and contact; a departure screening; an outreach event; the analytics tables rebuilt; a read-only colleague; the platform
administrator.

A test module takes it from the `module_world` fixture (sinergi/conftest.py): built once for the module, each
test still starting from it as built.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory


@dataclass
class World:
    users: dict  # "worker", "investigator", "admin"
    ids: dict  # URL keyword (or the path segment before <pk>) -> the id to put there


def build_world(regions) -> World:
    from sinergi.cases import services as cases
    from sinergi.detection import services as detection
    from sinergi.people.services import PersonData

    province = regions.get(code="63")
    bp3mi = AgencyFactory(code="bp3mi-x", type=AgencyType.BP3MI, jurisdiction=province)
    polda = AgencyFactory(code="polda-x", type=AgencyType.POLRI, jurisdiction=province)
    worker = UserFactory(
        username="pekerja", agency=bp3mi, roles=[Role.CASE_WORKER, Role.ANALYST, Role.SUPERVISOR]
    )
    investigator = UserFactory(username="penyidik", agency=polda, roles=[Role.INVESTIGATOR])
    bystander = UserFactory(username="rekan", agency=bp3mi, roles=[Role.READ_ONLY])
    admin = UserFactory(username="admin-platform", agency=None, is_superuser=True, is_staff=True, roles=[])
    case = cases.case_intake(
        actor=worker,
        intake_channel="HOTLINE",
        narrative="Direkrut lewat Facebook ke Kamboja.",
        destination_country="KH",
        parties=[{"new_person": PersonData(full_name="Siti Contoh", sex="F"), "role": "VICTIM"}],
    )
    referral = cases.referral_create(
        actor=worker, case=case, to_agency=polda, need="INVESTIGATION", reason="Mohon diselidiki."
    )
    cases.note_add(actor=worker, case=case, text="Catatan awal.", sensitivity="GENERAL")
    task = cases.task_create(
        actor=worker,
        case=case,
        title="Hubungi keluarga",
        owner=worker,
        due_at=timezone.now() + timedelta(days=3),
    )
    document = cases.document_upload(
        actor=worker,
        case=case,
        title="Surat",
        uploaded_file=SimpleUploadedFile("surat.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf"),
    )
    batch = detection.post_store_batch(
        actor=worker,
        results=[{"text": "Lowker admin ke Kamboja gaji 15jt, WA 0812-0555-1234", "account": "rekrut"}],
        source="api",
    )
    post = batch.posts.first()
    screening = detection.departure_screening_create(
        actor=worker,
        checkpoint_type="airport",
        checkpoint_name="Bandara Syamsudin Noor",
        traveller_name="Rina Contoh",
        answers={
            "purpose": "tourism",
            "visa_type": "tourist",
            "job_type": "online_admin",
            "destination_country": "KH",
            "age": 24,
        },
    )
    party = case.parties.first()
    batch_id = _import_batch(worker)
    pair_id = _candidate_pair(worker, party.person_id)
    event = _outreach_event(worker, province)
    _analytics_rebuilt()
    subscription_id = _subscription(polda)
    agreement_id = _agreement(worker, polda)
    run_id = _export_run(worker)
    ids = {
        "case_id": case.pk,
        "referral_id": referral.pk,
        "task_id": task.pk,
        "document_id": document.pk,
        "party_id": party.pk,
        "person_id": party.person_id,
        "user_id": bystander.pk,
        "code": bp3mi.code,
        "campaigns": post.campaign_id,
        "posts": post.pk,
        "batches": batch.pk,
        "contacts": post.contacts.first().pk if post.contacts.exists() else 1,
        "departure": screening.pk,
        "departure-screenings": screening.pk,
        "people": party.person_id,
        "cases": case.pk,
        "agencies": bp3mi.pk,
        "users": bystander.pk,
        "referrals": referral.pk,
        "tasks": task.pk,
        "case-parties": party.pk,
        "module": "exchange",
        "batch_id": batch_id,
        "subscription_id": subscription_id,
        "agreement_id": agreement_id,
        "run_id": run_id,
        "record_type": "people",
        "fmt": "xlsx",
        "pair_id": pair_id,
        "event_id": event.pk,
        "events": event.pk,
        "rank": 1,  # the first connected group of the worker's network (analytics)
    }
    return World(users={"worker": worker, "investigator": investigator, "admin": admin}, ids=ids)


def _import_batch(worker) -> int:
    """A spreadsheet import checked and waiting for confirmation: one new row, one rejected."""
    from sinergi.exchange.imports import services as imports

    data = b"nama,nik\nAni Contoh,\nBudi Contoh,3.17E+15\n"
    batch = imports.import_upload(actor=worker, record_type="people", name="contoh.csv", data=data)
    return imports.import_start(actor=worker, batch_id=batch.pk, commit=False).pk


def _candidate_pair(worker, person_id: int) -> int:
    """A linkage run that found the case's victim twice in the agency's records: one pair to review."""
    from sinergi.exchange.models import CandidatePair, LinkRun
    from sinergi.people.services import PersonData, person_create

    twin = person_create(actor=worker, data=PersonData(full_name="Siti Contoh binti Ahmad", sex="F"))
    run = LinkRun.objects.create(requested_by=worker, status="done", records=2, pairs=1, clusters=1)
    a, b = sorted((person_id, twin.pk))
    return CandidatePair.objects.create(
        run=run, person_a_id=a, person_b_id=b, probability=0.81, match_weight=2.1, band="review"
    ).pk


def _outreach_event(actor, province):
    from sinergi.outreach import services as outreach

    village = province.children.first().children.first().children.first()
    return outreach.outreach_event_create(
        actor=actor,
        data=outreach.EventData(
            title="Sosialisasi migrasi aman",
            held_on=timezone.localdate() - timedelta(days=7),
            region_code=village.code,
            audiences=["FAMILIES"],
            participants={"participants_f_18_39": 12},
        ),
    )


def _analytics_rebuilt() -> None:
    from sinergi.analytics.rebuild import analytics_rebuild

    analytics_rebuild()


def _subscription(agency) -> int:
    """The police's integrated system subscribed to referral events (created last: nothing is sent to it)."""
    from sinergi.agencies.choices import UserKind
    from sinergi.exchange.events.services import new_secret
    from sinergi.exchange.models import Subscription

    system = UserFactory(
        username="sistem-polda", agency=agency, kind=UserKind.SYSTEM, roles=[Role.INVESTIGATOR]
    )
    return Subscription.objects.create(
        agency=agency,
        system_user=system,
        name="Sistem Polda",
        endpoint_url="http://127.0.0.1:9/hook",
        secret=new_secret(),
        event_types=["referral.sent"],
    ).pk


def _agreement(worker, receiving) -> int:
    """A draft data-sharing agreement of the worker's agency with the police (a draft grants nothing)."""
    from sinergi.exchange.agreements.services import agreement_create

    today = timezone.localdate()
    return agreement_create(
        actor=worker,
        receiving_agency=receiving,
        field_groups=["narrative"],
        purpose="investigation",
        valid_from=today,
        valid_until=today + timedelta(days=30),
    ).pk


def _export_run(worker) -> int:
    from sinergi.exchange.exports.services import export_request

    return export_request(actor=worker, kind="statistics", k=11).pk


def all_routes() -> list[str]:
    """Every URL pattern of the project as a path with <name> placeholders (the API router's too)."""

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern)

    routes = []
    for route in walk(get_resolver().url_patterns):
        if "format" in route:
            continue  # the API's ".json" suffix variants of the same views
        # The API router's regular expressions, read as paths: ^cases/(?P<pk>[^/.]+)/$ -> cases/<pk>/
        route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route).replace("^", "").replace("$", "")
        routes.append(route)
    return routes


def url_for(route: str, ids: dict) -> str:
    """The route with its placeholders filled from `ids` (an unknown one gets 1, which the view may 404)."""
    parts = route.split("/")
    out = []
    for index, part in enumerate(parts):
        match = re.fullmatch(r"<(?:(\w+):)?(\w+)>", part)
        if not match:
            out.append(part)
            continue
        name = match.group(2)
        if name == "pk":
            value = ids.get(parts[index - 1], 1) if index else 1
        else:
            value = ids.get(name, "x1" if match.group(1) in ("str", "slug") else 1)
        out.append(str(value))
    return "/" + "/".join(out)
