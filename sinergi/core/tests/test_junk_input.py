"""No page and no API endpoint answers 500 to anything a user can type.

Every URL of the project is requested by the lead agency's case worker, by a police investigator the case was
referred to, and by the platform administrator: GET with junk in the query string; POST with every field its
page offers filled with junk (NUL characters, huge numbers, impossible dates, markup), then with nothing at
all; and for the API, POST and PATCH with JSON whose keys are the object's own fields and whose values are
junk of every type. Any answer of 500 fails the test with the list of URLs. The objects named in the URLs
exist (a case with its referral, note, task, party and document, a person, posts, a campaign), so the views
get past their 404s and the junk reaches the forms, filters, serializers and services.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db

JUNK_QUERY = {
    "q": "\x00' OR 1=1 --<b>",
    "page": "-1",
    "page_size": "100000",
    "stage": "\x00",
    "status": "bukan-status",
    "region": "99.99.99\x00",
    "origin_region": "../../etc",
    "lead_agency": "abc",
    "destination_country": "ZZZZ",
    "reported_from": "2026-13-45",
    "reported_to": "kemarin",
    "risk": "\x00",
    "ordering": "__class__",
    "sex": "X",
    "nationality": "\x00\x00",
    "user": "x",
    "object_type": "\x00",
    "date_from": "31/02/2026",
    "next": "//evil.example/\x00",
    "field_name": "nik",
}
JUNK_VALUES = ("\x00x\x00", "99999999999999999999999", "2026-02-30", "<script>alert(1)</script>", "-1")
JSON_JUNK = ("\x00", 10**30, [{"a": None}], "2026-02-30T25:61:00" + "x" * 3000)
NAME_IN_FORM = re.compile(r'name="([^"]+)"')


def _routes():
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


@pytest.fixture
def world(regions, django_capture_on_commit_callbacks):
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
    note = cases.note_add(actor=worker, case=case, text="Catatan awal.", sensitivity="GENERAL")
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
    ids = {
        "case_id": case.pk,
        "referral_id": referral.pk,
        "task_id": task.pk,
        "document_id": document.pk,
        "party_id": case.parties.first().pk,
        "person_id": case.parties.first().person_id,
        "user_id": bystander.pk,
        "code": bp3mi.code,
        "campaigns": post.campaign_id,
        "posts": post.pk,
        "batches": batch.pk,
        "contacts": post.contacts.first().pk if post.contacts.exists() else 1,
        "people": case.parties.first().person_id,
        "cases": case.pk,
        "agencies": bp3mi.pk,
        "users": bystander.pk,
        "notes": note.pk,
    }
    return {"users": {"worker": worker, "investigator": investigator, "admin": admin}, "ids": ids}


def _json_keys(response) -> set[str]:
    if response.status_code != 200 or response.streaming or "json" not in response.get("Content-Type", ""):
        return set()
    data = response.json()
    if isinstance(data, dict) and isinstance(data.get("results"), list) and data["results"]:
        data = data["results"][0]
    return {key for key in data if isinstance(key, str)} if isinstance(data, dict) else set()


def _url(route: str, ids: dict) -> str:
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


@pytest.mark.parametrize("who", ["worker", "investigator", "admin"])
def test_no_url_answers_500_to_junk(world, who):
    failures = []
    urls = sorted({_url(route, world["ids"]) for route in _routes()})
    for user in [world["users"][who]]:
        client = Client(raise_request_exception=False)
        for url in urls:
            sign_in(client, user)
            page = client.get(url, JUNK_QUERY)
            if page.status_code >= 500:
                failures.append(f"{user.username} GET {url}: {page.status_code}")
            html = b"" if page.streaming else page.content
            names = (
                set(NAME_IN_FORM.findall(html.decode("utf-8", "replace")))
                if page.status_code == 200
                else set()
            )
            names.discard("csrfmiddlewaretoken")
            posts = [{}] + [dict.fromkeys(names, value) for value in JUNK_VALUES]
            for data in posts:
                sign_in(client, user)
                answer = client.post(url, data)
                if answer.status_code >= 500:
                    failures.append(f"{user.username} POST {url} {sorted(data)[:6]}: {answer.status_code}")
                    break
            if url.startswith("/api/"):
                # The object's own field names (from its GET), each sent as junk of every kind, by every verb.
                keys = _json_keys(page) | {"text", "items", "id", "version", "reason", "need", "to_agency"}
                for value in JSON_JUNK:
                    body = dict.fromkeys(keys, value)
                    for method in ("post", "patch"):
                        sign_in(client, user)
                        answer = getattr(client, method)(url, body, content_type="application/json")
                        if answer.status_code >= 500:
                            failures.append(
                                f"{user.username} {method.upper()} json {url} {value!r}: {answer.status_code}"
                            )
    assert failures == [], "\n".join(failures)
