"""The permission matrix of the cases API: anonymous, wrong role, wrong agency, permitted; on denial nothing
changes (no row, no event, no notification, no e-mail, no audit entry)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.audit.models import AuditEntry
from sinergi.cases import services
from sinergi.cases.models import Case, CaseEvent, Document, Note, Notification, Referral, Task
from sinergi.conftest import sign_in
from sinergi.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _state():
    return (
        Case.objects.count(),
        [(c.version, c.stage, c.legal_stage) for c in Case.objects.order_by("pk")],
        CaseEvent.objects.count(),
        Referral.objects.count(),
        Note.objects.count(),
        Task.objects.count(),
        Document.objects.count(),
        Notification.objects.count(),
        AuditEntry.objects.count(),
        len(mail.outbox),
    )


def check_matrix(*, request, permitted, wrong_role, wrong_agency, ok_status):
    """Calls `request(client)` as anonymous, a user without the role, a user of another agency and a permitted
    user. Denials must change nothing; the permitted call must return `ok_status`."""
    before = _state()
    anonymous = request(Client())
    assert anonymous.status_code in (401, 403), anonymous.content
    assert anonymous.json()["error"]["code"] in ("not_authenticated", "authentication_failed")
    role = request(sign_in(Client(), wrong_role))
    assert role.status_code in (403, 404), role.content
    agency = request(sign_in(Client(), wrong_agency))
    assert agency.status_code == 404, agency.content
    assert agency.json()["error"]["code"] == "not_found"
    assert _state() == before
    response = request(sign_in(Client(), permitted))
    assert response.status_code == ok_status, response.content
    return response


@pytest.fixture
def case(make_case):
    return make_case()


@pytest.fixture
def analyst(cast):
    return UserFactory(username="analyst", agency=cast.bp3mi.agency, roles=[Role.ANALYST])


def test_case_read_endpoints(case, cast, analyst):
    for path in ("", "timeline/", "notes/", "referrals/", "tasks/", "documents/"):
        check_matrix(
            request=lambda c, path=path: c.get(f"/api/v1/cases/{case.pk}/{path}"),
            permitted=cast.bp3mi.reader,
            wrong_role=analyst,
            wrong_agency=cast.polda.worker,
            ok_status=200,
        )


def test_list_shows_only_cases_in_scope(case, cast, analyst, make_case):
    make_case(actor=cast.dinsos.worker)
    for user, expected in ((cast.bp3mi.worker, [case.pk]), (cast.polda.worker, []), (analyst, [])):
        body = sign_in(Client(), user).get("/api/v1/cases/").json()
        assert [row["id"] for row in body["results"]] == expected
    assert Client().get("/api/v1/cases/").status_code in (401, 403)


def test_intake(cast, analyst):
    body = {"intake_channel": "HOTLINE", "narrative": "Laporan hotline"}
    before = _state()
    assert Client().post("/api/v1/cases/", body, content_type="application/json").status_code in (401, 403)
    response = sign_in(Client(), analyst).post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 403
    bad = sign_in(Client(), cast.bp3mi.worker).post(
        "/api/v1/cases/", {"intake_channel": "CARRIER_PIGEON"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "intake_channel" in bad.json()["error"]["fields"]
    assert _state() == before
    created = sign_in(Client(), cast.bp3mi.worker).post(
        "/api/v1/cases/", body, content_type="application/json"
    )
    assert created.status_code == 201


def test_write_endpoints(case, cast):
    services.case_transition(actor=cast.bp3mi.worker, case=case, to_stage="assessment")
    case.refresh_from_db()
    writes = [
        (f"/api/v1/cases/{case.pk}/notes/", {"text": "Catatan"}, 201),
        (
            f"/api/v1/cases/{case.pk}/tasks/",
            {
                "title": "Telepon keluarga",
                "owner": cast.bp3mi.worker.pk,
                "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
            },
            201,
        ),
        (
            f"/api/v1/cases/{case.pk}/referrals/",
            {"to_agency": cast.polda.agency.pk, "need": "INVESTIGATION", "reason": "Ada dugaan TPPO"},
            201,
        ),
        (f"/api/v1/cases/{case.pk}/approvals/", {"kind": "ASSESSMENT"}, 201),
        (f"/api/v1/cases/{case.pk}/", {"version": case.version, "destination_city": "Penang"}, 200),
    ]
    for path, body, status in writes:
        method = "patch" if path.endswith(f"{case.pk}/") else "post"
        check_matrix(
            request=lambda c, path=path, body=body, method=method: getattr(c, method)(
                path, body, content_type="application/json"
            ),
            permitted=cast.bp3mi.worker,
            wrong_role=cast.bp3mi.reader,
            wrong_agency=cast.kbri.worker,
            ok_status=status,
        )


def test_document_upload_and_download(case, cast):
    response = check_matrix(
        request=lambda c: c.post(
            f"/api/v1/cases/{case.pk}/documents/", {"file": SimpleUploadedFile("a.txt", b"surat pernyataan")}
        ),
        permitted=cast.bp3mi.worker,
        wrong_role=cast.bp3mi.reader,
        wrong_agency=cast.kbri.worker,
        ok_status=201,
    )
    document_id = response.json()["id"]
    download = check_matrix(
        request=lambda c: c.get(f"/api/v1/documents/{document_id}/download/"),
        permitted=cast.bp3mi.reader,
        wrong_role=UserFactory(username="outreach", agency=cast.bp3mi.agency, roles=[Role.OUTREACH_OFFICER]),
        wrong_agency=cast.polda.worker,
        ok_status=200,
    )
    assert b"".join(download.streaming_content) == b"surat pernyataan"
    assert "attachment" in download["Content-Disposition"]
    bad = sign_in(Client(), cast.bp3mi.worker).post(
        f"/api/v1/cases/{case.pk}/documents/",
        {"file": SimpleUploadedFile("x.exe", b"MZ\x90\x00\x03\x00\x00\x00\x04")},
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "invalid_file"


def test_referral_answers(case, cast):
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    check_matrix(
        request=lambda c: c.post(
            f"/api/v1/referrals/{referral.pk}/accept/", {}, content_type="application/json"
        ),
        permitted=cast.polda.worker,
        wrong_role=cast.polda.reader,
        wrong_agency=cast.uptd.worker,
        ok_status=200,
    )
    inbox = sign_in(Client(), cast.uptd.worker).get("/api/v1/referrals/").json()
    assert inbox["results"] == []


def test_overdue_and_notifications(case, cast):
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="x"
    )
    # Three days later, still unanswered:
    Referral.objects.filter(pk=referral.pk).update(accept_by=timezone.now() - timedelta(hours=1))
    services.cases_escalate_overdue()
    client = sign_in(Client(), cast.polda.supervisor)
    items = client.get("/api/v1/cases/overdue/", {}).json()["results"]
    assert [i["kind"] for i in items] == ["referral_answer"] and items[0]["escalated"]
    notes = client.get("/api/v1/notifications/").json()["results"]
    assert {n["kind"] for n in notes} == {"ESCALATION", "REFERRAL"}
    marked = client.post(
        "/api/v1/notifications/read/", {"ids": [n["id"] for n in notes]}, content_type="application/json"
    )
    assert marked.json()["marked"] == 2
    other = sign_in(Client(), cast.uptd.worker).post(
        "/api/v1/notifications/read/", {"ids": [n["id"] for n in notes]}, content_type="application/json"
    )
    assert other.json()["marked"] == 0


def test_list_filters(cast, make_case, regions):
    village = regions.filter(level=4, code__startswith="63.71").first()
    scam = make_case(
        destination_country="KH", exploitation_types=["FORCED_CRIMINALITY"], origin_region=village
    )
    make_case(destination_country="MY", exploitation_types=["FORCED_LABOUR"])
    client = sign_in(Client(), cast.bp3mi.worker)

    def ids(**params):
        return [row["id"] for row in client.get("/api/v1/cases/", params).json()["results"]]

    assert ids(destination_country="kh") == [scam.pk]
    assert ids(exploitation_type="FORCED_CRIMINALITY") == [scam.pk]
    assert ids(origin_region="63.71") == [scam.pk]
    assert ids(origin_region="63") == [scam.pk]
    assert ids(origin_region="6371") == [scam.pk]  # digits only, as the regions API takes it
    assert len(ids(stage="reported")) == 2
    assert ids(stage="closed") == []
    assert (
        len(ids(reported_from=timezone.localdate().isoformat(), lead_agency=str(cast.bp3mi.agency.pk))) == 2
    )
    # Malformed filters are refused, each named, rather than ignored (which would answer every case).
    refused = client.get(
        "/api/v1/cases/", {"reported_from": "2026-13-45", "lead_agency": "x", "origin_region": "99.99"}
    ).json()["error"]
    assert refused["code"] == "validation_error" and set(refused["fields"]) == {
        "reported_from",
        "lead_agency",
        "origin_region",  # well formed, but no such region: a typo, not "no cases there"
    }
    assert refused["fields"]["origin_region"] == ["Wilayah tidak ditemukan."]
    assert ids(overdue="1") == []
    assert len(ids(overdue="1")) == 0

    def found(words):
        response = client.post("/api/v1/cases/search/", {"q": words}, content_type="application/json")
        return [row["id"] for row in response.json()["results"]]

    assert found("restoran") and found("tidakadakatainisamasekali") == []


def test_schema_is_valid():
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.validation import validate_schema

    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    assert "/api/v1/cases/{id}/transition/" in schema["paths"]


def test_route_events_and_organisations(case, cast):
    lead = sign_in(Client(), cast.bp3mi.worker)
    route = lead.post(
        f"/api/v1/cases/{case.pk}/route-events/",
        {"kind": "TRANSIT", "country": "my", "place": "Pelabuhan Pasir Gudang", "occurred_on": "2026-03-02"},
        content_type="application/json",
    )
    assert route.status_code == 201 and route.json()["country"] == "MY"
    bad = lead.post(
        f"/api/v1/cases/{case.pk}/route-events/", {"kind": "TELEPORT"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()["error"]["fields"]
    org = lead.post(
        f"/api/v1/cases/{case.pk}/organisations/",
        {"name": "PT Maju Jaya Sentosa", "kind": "UNLICENSED_AGENCY"},
        content_type="application/json",
    )
    assert org.status_code == 201
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="x"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=referral)
    carer = sign_in(Client(), cast.uptd.worker).get(f"/api/v1/cases/{case.pk}/").json()
    assert carer["organisations"] == [] and len(carer["route_events"]) == 1
    assert [o["name"] for o in lead.get(f"/api/v1/cases/{case.pk}/").json()["organisations"]] == [
        "PT Maju Jaya Sentosa"
    ]


def test_a_province_flow_from_settings_is_used_for_its_cases(cast, make_case, regions, settings, tmp_path):
    from sinergi.cases.flow import DEFAULT_FLOW_FILE

    province_file = tmp_path / "kalsel.yaml"
    province_file.write_text(DEFAULT_FLOW_FILE.read_text().replace("hours: 72", "hours: 36"))
    settings.SINERGI_CASE_FLOW_FILES = {"63": str(province_file)}
    village = regions.filter(level=4, code__startswith="63.").first()
    kalsel = make_case(origin_region=village)
    elsewhere = make_case()
    assert kalsel.flow_version.province_id == "63" and kalsel.flow_version.source == str(province_file)
    assert elsewhere.flow_version.province_id is None


def test_list_count_stops_at_the_cap(cast, make_case, monkeypatch):
    from sinergi.cases import pagination

    for _ in range(3):
        make_case()
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 2)
    body = sign_in(Client(), cast.bp3mi.worker).get("/api/v1/cases/", {"page_size": 1}).json()
    assert body["count"] == 2 and body["count_capped"] is True and len(body["results"]) == 1
    assert body["next"] and "page=2" in body["next"]
    last = sign_in(Client(), cast.bp3mi.worker).get("/api/v1/cases/", {"page_size": 1, "page": 2}).json()
    assert last["next"] is None  # beyond the cap: narrow the filters


def test_api_refusals_speak_the_users_language(cast):
    client = sign_in(Client(), cast.bp3mi.worker)
    body = client.get("/api/v1/cases/metrics/", {"start": "kemarin"}).json()
    assert (
        body["error"]["code"] == "validation_error"
        and "Data yang dikirim tidak valid" in body["error"]["message"]
    )
    assert "Format tanggal salah" in body["error"]["fields"]["start"][0]  # DRF's Indonesian, beside "start"
    english = client.get(
        "/api/v1/cases/metrics/", {"start": "kemarin"}, headers={"Accept-Language": "en"}
    ).json()
    assert (
        "not valid" in english["error"]["message"] and "YYYY-MM-DD" in english["error"]["fields"]["start"][0]
    )


# --- closing through the API ---------------------------------------------------------------------------------------


def _closable(cast, make_case):
    """A case with an accepted referral, a pending one, a task of another agency, and the closure approved."""
    case = make_case()
    accepted = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman"
    )
    services.referral_accept(actor=cast.uptd.worker, referral=accepted)
    pending = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="Calo"
    )
    task = services.task_create(
        actor=cast.uptd.worker,
        case=case,
        title="Pendampingan psikologis",
        owner=cast.uptd.worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind="CLOSURE")
    services.approval_decide(actor=cast.bp3mi.supervisor, approval=approval, approve=True)
    case.refresh_from_db()
    return case, accepted, pending, task


def test_close_endpoint_settles_everything_in_one_call(cast, make_case):
    from sinergi.cases.choices import CaseStatus, ReferralState, VictimStatus
    from sinergi.core.testing.openapi import assert_matches_schema

    case, accepted, pending, task = _closable(cast, make_case)
    victim = case.parties.get(role="VICTIM")
    body = {
        "outcome": "SERVICES_COMPLETED",
        "version": case.version,
        "referrals": [
            {"referral": accepted.pk, "action": "DONE"},
            {"referral": pending.pk, "action": "REVOKE", "reason": "Tidak diperlukan"},
        ],
        # Another agency's task: the lead may mark it done at closure, as the closing page offers.
        "tasks": [{"task": task.pk, "action": "DONE"}],
        "victims": [{"party": victim.pk, "status": VictimStatus.CONFIRMED}],
    }
    response = check_matrix(
        request=lambda c: c.post(f"/api/v1/cases/{case.pk}/close/", body, content_type="application/json"),
        permitted=cast.bp3mi.worker,
        wrong_role=cast.bp3mi.reader,
        wrong_agency=cast.kbri.worker,
        ok_status=200,
    )
    assert_matches_schema(response, "/api/v1/cases/{id}/close/", "post")
    assert response.json()["summary"]["status"] == CaseStatus.CLOSED
    assert Referral.objects.get(pk=accepted.pk).state == ReferralState.DONE
    assert Referral.objects.get(pk=pending.pk).state == ReferralState.REVOKED
    task.refresh_from_db()
    assert task.done_at is not None and task.cancel_reason == "" and task.done_by == cast.bp3mi.worker
    victim.refresh_from_db()
    assert victim.victim_status == VictimStatus.CONFIRMED
    assert Notification.objects.filter(
        recipient=cast.uptd.worker, case=case, message__contains="menutup"
    ).exists()


def test_close_endpoint_refuses_an_undecided_referral_naming_it_and_changes_nothing(cast, make_case):
    case, accepted, pending, task = _closable(cast, make_case)
    victim = case.parties.get(role="VICTIM")
    before = _state()
    refused = sign_in(Client(), cast.bp3mi.worker).post(
        f"/api/v1/cases/{case.pk}/close/",
        {
            "outcome": "SERVICES_COMPLETED",
            "referrals": [{"referral": accepted.pk, "action": "DONE"}],
            "tasks": [{"task": task.pk, "action": "CANCEL"}],
            "victims": [{"party": victim.pk, "status": "CONFIRMED"}],
        },
        content_type="application/json",
    )
    assert refused.status_code == 400, refused.content
    error = refused.json()["error"]
    assert error["code"] == "closure_decision_required"
    assert "rujukan Penyidikan ke Subdit TPPO Polda Kalsel" in error["message"], error["message"]
    assert set(error["fields"]) == {f"referral-{pending.pk}", f"task-{task.pk}"}
    assert _state() == before
    # A participant agency (the shelter that accepted) may read the case but not close it.
    participant = sign_in(Client(), cast.uptd.worker).post(
        f"/api/v1/cases/{case.pk}/close/", {"outcome": "OTHER"}, content_type="application/json"
    )
    assert participant.status_code == 403, participant.content
    # A malformed body is a validation error, not a 500.
    malformed = sign_in(Client(), cast.bp3mi.worker).post(
        f"/api/v1/cases/{case.pk}/close/",
        {"outcome": "OTHER", "tasks": [{"task": "x", "action": "LATER"}]},
        content_type="application/json",
    )
    assert malformed.status_code == 400 and malformed.json()["error"]["code"] == "validation_error"
    assert _state() == before


def test_words_are_searched_in_the_body_and_refused_in_the_address(cast, make_case):
    from sinergi.core.testing.factories import SystemUserFactory, enrol_totp
    from sinergi.exchange.tests.test_credentials import token

    sawit = make_case(narrative="Dijanjikan kerja di kebun sawit.")
    make_case(narrative="Kapal ikan di perairan Somalia.")
    client = sign_in(Client(), cast.bp3mi.worker)
    refused = client.get("/api/v1/cases/", {"q": "sawit"})
    assert refused.status_code == 400
    assert "POST /api/v1/cases/search/" in refused.json()["error"]["fields"]["q"][0]
    found = client.post(
        "/api/v1/cases/search/", {"q": "sawit", "status": "OPEN"}, content_type="application/json"
    )
    assert found.status_code == 200 and [c["id"] for c in found.json()["results"]] == [sawit.pk]
    assert client.post("/api/v1/cases/search/", {"q": ""}, content_type="application/json").status_code == 400
    # A search only reads: an integrated system's read-only token may search.
    bridge = SystemUserFactory(username="bridge", agency=cast.bp3mi.agency)
    enrol_totp(cast.bp3mi.supervisor)
    reader, _token = token(cast.bp3mi.supervisor, bridge, ["cases:read"])
    assert reader.post("/api/v1/cases/search/", {"q": "sawit"}, format="json").status_code == 200
