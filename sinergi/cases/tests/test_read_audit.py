"""Every read of case and person data is one audit entry per request (lists, searches, API pages), with the
count of records returned and a keyed hash of what was asked, never the value; the lead agency sees who in other
agencies read its case; the audit page folds repeated views so that changes stand out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import audit_record
from sinergi.cases import services
from sinergi.conftest import sign_in

pytestmark = pytest.mark.django_db


def _entries_of(request) -> list[AuditEntry]:
    """The audit entries one request wrote."""
    before = AuditEntry.objects.order_by("-id").values_list("id", flat=True).first() or 0
    request()
    return list(AuditEntry.objects.filter(id__gt=before).order_by("id"))


def _client(user) -> Client:
    return sign_in(Client(), user)


def test_a_case_list_and_a_text_search_write_one_entry_each_with_the_count_and_no_words(cast, make_case):
    make_case(narrative="Dijanjikan kerja di kebun sawit, paspor ditahan.")
    make_case(narrative="Dijanjikan kerja di restoran, gaji tidak dibayar.")
    client = _client(cast.bp3mi.worker)

    listed = _entries_of(lambda: client.get(reverse("cases:index")))
    assert [(e.action, e.object_type, e.summary) for e in listed] == [
        (AuditAction.VIEW, "cases.case", "case list viewed")
    ]
    assert listed[0].changes == {"count": 2}
    assert listed[0].agency_id == cast.bp3mi.agency.pk

    searched = _entries_of(lambda: client.post(reverse("cases:index"), {"q": "sawit"}))
    assert len(searched) == 1
    assert searched[0].changes["count"] == 1 and searched[0].changes["kinds"] == ["q"]
    assert "sawit" not in str(searched[0].changes) + searched[0].summary
    # The same words again give the same fingerprint, other words another: a search is recognisable, not readable.
    again = _entries_of(lambda: client.post(reverse("cases:index"), {"q": "sawit"}))
    other = _entries_of(lambda: client.post(reverse("cases:index"), {"q": "restoran"}))
    assert again[0].changes["query_hash"] == searched[0].changes["query_hash"]
    assert other[0].changes["query_hash"] != searched[0].changes["query_hash"]


def test_the_inboxes_and_queues_write_their_read(cast, make_case):
    case = make_case()
    services.referral_create(
        actor=cast.bp3mi.worker,
        case=case,
        to_agency=cast.uptd.agency,
        need="SHELTER",
        reason="Mohon rumah aman.",
    )
    inbox = _entries_of(lambda: _client(cast.uptd.worker).get(reverse("cases:referral_inbox")))
    assert [(e.object_type, e.summary, e.changes["count"]) for e in inbox] == [
        ("cases.referral", "referral list viewed", 1)
    ]
    overdue = _entries_of(lambda: _client(cast.bp3mi.worker).get(reverse("cases:overdue")))
    assert [(e.summary, e.changes["count"]) for e in overdue] == [("overdue list viewed", 0)]
    people = _entries_of(lambda: _client(cast.bp3mi.worker).get(reverse("people:index")))
    assert [(e.object_type, e.summary) for e in people] == [("people.list", "person list viewed")]
    assert people[0].changes["count"] >= 1


def test_an_api_list_page_is_one_entry_and_a_case_sub_list_only_the_case_read(cast, make_case):
    case = make_case()
    make_case()
    client = _client(cast.bp3mi.worker)

    listed = _entries_of(lambda: client.get("/api/v1/cases/", {"page_size": 1, "status": "OPEN"}))
    assert [(e.object_type, e.summary) for e in listed] == [("cases.case", "list read through the API")]
    assert listed[0].changes["count"] == 1 and listed[0].changes["kinds"] == ["status"]

    notes = _entries_of(lambda: client.get(f"/api/v1/cases/{case.pk}/notes/"))
    assert [(e.object_type, e.object_id) for e in notes] == [("cases.case", str(case.pk))]

    # A refused filter answers 400 and is no read.
    assert _entries_of(lambda: client.get("/api/v1/cases/", {"reported_from": "2026-13-45"})) == []


def test_the_lead_sees_who_in_other_agencies_read_its_case(cast, shelter_case):
    case = shelter_case
    reader = _client(cast.uptd.worker)
    for _ in range(3):
        assert reader.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert reader.get(reverse("cases:timeline", args=[case.pk])).status_code == 200
    _client(cast.bp3mi.supervisor).get(reverse("cases:detail", args=[case.pk]))  # the lead's own read

    # The participant does not see who read the case, and is offered no link to it.
    assert reader.get(reverse("cases:reads", args=[case.pk])).status_code == 404
    assert (
        reverse("cases:reads", args=[case.pk])
        not in reader.get(reverse("cases:detail", args=[case.pk])).content.decode()
    )

    lead = _client(cast.bp3mi.worker)
    page = lead.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert reverse("cases:reads", args=[case.pk]) in page
    response = lead.get(reverse("cases:reads", args=[case.pk]))
    groups = response.context["groups"]
    assert [(g.agency, g.user, g.count) for g in groups] == [
        (cast.uptd.agency.name, cast.uptd.worker.username, 5)
    ]
    body = response.content.decode()
    assert cast.uptd.worker.username in body and cast.bp3mi.supervisor.username not in body
    assert "Kasus dibuka (ikut menangani)" in body  # what was read, in words


def test_the_audit_page_folds_repeated_views_and_keeps_changes_apart(supervisor, case_worker):
    for _ in range(3):
        audit_record(actor=case_worker, action=AuditAction.VIEW, object_type="cases.case", object_id="7")
    audit_record(
        actor=case_worker, action=AuditAction.UPDATE, object_type="cases.case", object_id="7", summary="x"
    )
    audit_record(actor=case_worker, action=AuditAction.VIEW, object_type="cases.case", object_id="7")
    audit_record(actor=case_worker, action=AuditAction.VIEW, object_type="cases.case", object_id="8")

    response = _client(supervisor).get(reverse("audit:index"))
    shown = [(g.entry.action, g.entry.object_id, g.count) for g in response.context["groups"]]
    # Newest first: the view of 8, the view of 7 after the change, the change, then the three views as one.
    assert shown[:4] == [
        (AuditAction.VIEW, "8", 1),
        (AuditAction.VIEW, "7", 1),
        (AuditAction.UPDATE, "7", 1),
        (AuditAction.VIEW, "7", 3),
    ]
    body = response.content.decode()
    assert "3 kali" in body and "3 kali dibuka" in body
    # Nothing is hidden: the page still counts and lists every entry.
    assert (
        response.context["page"].paginator.count
        == AuditEntry.objects.filter(agency=supervisor.agency).count()
    )
