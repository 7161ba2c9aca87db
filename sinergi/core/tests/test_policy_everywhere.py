"""The apps that read case-adjacent records decide nothing themselves: detection and the audit trail ask the
policy through the registry, analytics reads the policy's field groups, and event payloads pass its redaction.
Each test turns the policy's answer and shows the reader's result turning with it."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.cases import policy
from sinergi.core import registry
from sinergi.core.testing.factories import AgencyFactory, UserFactory

pytestmark = pytest.mark.django_db


def _deny_everything(monkeypatch):
    monkeypatch.setattr(registry, "_policy", [lambda kind, action, user, relation: False])


def test_detection_asks_the_policy_for_posts_contacts_and_departure_screenings(monkeypatch, regions):
    from sinergi.detection import services as detection
    from sinergi.detection.models import (
        Contact,
        DepartureScreening,
        ScreenedPost,
        can_create_departure_screening,
        can_review_posts,
        can_view_posts,
    )

    imigrasi = AgencyFactory(type=AgencyType.IMIGRASI, jurisdiction=regions.get(code="63"))
    analyst = UserFactory(agency=imigrasi, roles=[Role.ANALYST, Role.CASE_WORKER])
    detection.post_store_batch(
        actor=analyst, results=[{"text": "Lowker admin ke Kamboja, WA 0812-0555-1234"}], source="api"
    )
    detection.departure_screening_create(
        actor=analyst,
        checkpoint_type="airport",
        checkpoint_name="Bandara Syamsudin Noor",
        answers={
            "purpose": "tourism",
            "visa_type": "tourist",
            "job_type": "online_admin",
            "destination_country": "KH",
            "age": 24,
        },
    )
    assert can_view_posts(analyst) and can_review_posts(analyst) and can_create_departure_screening(analyst)
    for model in (ScreenedPost, Contact, DepartureScreening):
        assert model.objects.restrict(analyst, "view").exists(), model
    _deny_everything(monkeypatch)
    assert not (
        can_view_posts(analyst) or can_review_posts(analyst) or can_create_departure_screening(analyst)
    )
    for model in (ScreenedPost, Contact, DepartureScreening):
        assert not model.objects.restrict(analyst, "view").exists(), model


def test_the_audit_trail_asks_the_policy_who_reads_it(monkeypatch):
    from sinergi.audit.models import AuditEntry, can_read_audit

    agency = AgencyFactory(type=AgencyType.BP3MI)
    supervisor = UserFactory(agency=agency, roles=[Role.SUPERVISOR])
    worker = UserFactory(agency=agency, roles=[Role.CASE_WORKER])
    assert can_read_audit(supervisor) and not can_read_audit(worker)
    assert not AuditEntry.objects.restrict(supervisor).query.is_empty()
    assert AuditEntry.objects.restrict(worker).query.is_empty()
    _deny_everything(monkeypatch)
    assert not can_read_audit(supervisor) and AuditEntry.objects.restrict(supervisor).query.is_empty()


def test_analytics_counts_a_detail_only_where_the_policy_gives_its_field_group(monkeypatch):
    from sinergi.analytics import access as analytics
    from sinergi.cases import services

    lead = UserFactory(agency=AgencyFactory(type=AgencyType.BP3MI), roles=[Role.CASE_WORKER])
    police = UserFactory(agency=AgencyFactory(type=AgencyType.POLRI), roles=[Role.INVESTIGATOR])
    case = services.case_intake(actor=lead, intake_channel="HOTLINE", destination_country="KH")
    referral = services.referral_create(
        actor=lead, case=case, to_agency=police.agency, need="INVESTIGATION", reason="Mohon."
    )
    assert list(analytics.detail_cases(police)) == []  # pending: no detail yet
    services.referral_accept(actor=police, referral=referral)
    assert list(analytics.detail_cases(police)) == [case]
    assert list(analytics.investigation_cases(police)) == [case]
    # The policy, not analytics, says which agency types read the investigation.
    monkeypatch.setattr(policy, "INVESTIGATION_AGENCY_TYPES", frozenset())
    assert list(analytics.investigation_cases(police)) == []
    assert list(analytics.detail_cases(police)) == [case]


def _event(**fields):
    base = {
        "event_id": "evt_1",
        "pk": 1,
        "event_type": "x",
        "occurred_at": datetime(2026, 1, 1, tzinfo=UTC),
        "data": {},
        "case_id": None,
        "object_type": "",
        "object_id": "",
    }
    return SimpleNamespace(**{**base, **fields})


def test_event_payloads_pass_the_policys_redaction(monkeypatch):
    from sinergi.cases import services
    from sinergi.exchange.events.payloads import event_payload

    lead = UserFactory(agency=AgencyFactory(type=AgencyType.BP3MI), roles=[Role.CASE_WORKER])
    police = AgencyFactory(type=AgencyType.POLRI)
    system = UserFactory(agency=police, kind=UserKind.SYSTEM, roles=[Role.INVESTIGATOR])
    case = services.case_intake(actor=lead, intake_channel="HOTLINE", destination_country="KH")
    services.referral_create(actor=lead, case=case, to_agency=police, need="INVESTIGATION", reason="Mohon.")
    event = _event(case_id=case.pk, object_type="cases.case", object_id=str(case.pk), data={"stage": "x"})
    assert event_payload(event, system)["case"]["destination_country"] == "KH"
    # Were the destination a narrative detail, a pending addressee's system would not be told it.
    monkeypatch.setitem(
        policy.FIELD_GROUPS[policy.Kind.CASE], "destination_country", policy.FieldGroup.NARRATIVE
    )
    monkeypatch.setitem(policy.FIELD_GROUPS[policy.Kind.CASE], "stage", policy.FieldGroup.NARRATIVE)
    body = event_payload(event, system)
    assert body["case"]["destination_country"] is None and body["data"]["stage"] is None
    assert body["case"]["reference"] == case.reference


def test_a_post_event_reaches_only_a_receiver_that_may_read_posts():
    from sinergi.detection import services as detection
    from sinergi.exchange.events.payloads import event_payload

    analyst = UserFactory(agency=AgencyFactory(type=AgencyType.BP3MI), roles=[Role.ANALYST])
    batch = detection.post_store_batch(actor=analyst, results=[{"text": "Lowker ke Kamboja"}], source="api")
    post = batch.posts.first()
    event = _event(object_type="detection.screenedpost", object_id=str(post.pk))
    reader = UserFactory(agency=AgencyFactory(), kind=UserKind.SYSTEM, roles=[Role.ANALYST])
    outsider = UserFactory(agency=AgencyFactory(), kind=UserKind.SYSTEM, roles=[Role.CASE_WORKER])
    assert event_payload(event, reader)["post"] == {"id": post.pk}
    assert event_payload(event, outsider) is None
