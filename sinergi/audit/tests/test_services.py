import datetime as dt
import uuid

import pytest
from django.db import transaction

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.selectors import audit_chain_verify
from sinergi.audit.services import GENESIS_HASH, HASHED_FIELDS, audit_record, entry_digest
from sinergi.core.middleware import RequestContext, _request_context

pytestmark = pytest.mark.django_db


def test_entries_form_a_chain_from_the_genesis(case_worker):
    first = audit_record(actor=case_worker, action=AuditAction.CREATE, obj=case_worker.agency)
    second = audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    assert first.prev_hash == GENESIS_HASH
    assert second.prev_hash == first.entry_hash
    assert first.agency_id == case_worker.agency_id
    assert first.actor_label == "caseworker"
    assert (second.object_type, second.object_id) == ("agencies.user", str(case_worker.pk))
    assert audit_chain_verify().intact


def test_hash_covers_every_stored_column():
    stored = {field.attname for field in AuditEntry._meta.concrete_fields} - {"id", "entry_hash"}
    assert stored == set(HASHED_FIELDS)


@pytest.mark.parametrize("field", [f for f in HASHED_FIELDS if f != "at"])
def test_changing_any_hashed_value_changes_the_digest(case_worker, field):
    entry = audit_record(
        actor=case_worker, action=AuditAction.UPDATE, obj=case_worker, summary="fields: phone"
    )
    values = {name: getattr(entry, name) for name in HASHED_FIELDS}
    alternatives = {
        "prev_hash": "f" * 64,
        "actor_id": 999,
        "actor_label": "someone-else",
        "agency_id": 999,
        "action": AuditAction.DELETE,
        "object_type": "people.person",
        "object_id": "999",
        "summary": "fields: name",
        "changes": {"fields": ["name"]},
        "ip_address": "10.9.9.9",
    }
    assert entry_digest(values) == entry.entry_hash
    assert entry_digest({**values, field: alternatives[field]}) != entry.entry_hash


def test_values_are_stored_exactly_as_hashed(case_worker):
    entry = audit_record(
        actor=case_worker,
        action=AuditAction.UPDATE,
        object_type="people.person",
        object_id="7",
        changes={"fields": ["birth_date"], "on": dt.date(2026, 1, 2), "ref": uuid.UUID(int=5), 3: "x"},
        ip_address="2001:DB8:0:0::1",
        summary="s" * 400,
    )
    entry.refresh_from_db()
    assert entry.changes == {
        "fields": ["birth_date"],
        "on": "2026-01-02",
        "ref": "00000000-0000-0000-0000-000000000005",
        "3": "x",
    }
    assert entry.ip_address == "2001:db8::1"
    assert len(entry.summary) == 300
    assert audit_chain_verify().intact


def test_address_comes_from_the_request_and_garbage_is_dropped(case_worker):
    token = _request_context.set(RequestContext(ip_address="203.0.113.9", user_agent="test"))
    try:
        from_request = audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    finally:
        _request_context.reset(token)
    assert from_request.ip_address == "203.0.113.9"
    garbage = audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker, ip_address="1.2.3")
    assert garbage.ip_address is None
    assert audit_chain_verify().intact


def test_entry_is_kept_only_if_the_callers_transaction_commits(case_worker):
    kept = audit_record(actor=case_worker, action=AuditAction.CREATE, obj=case_worker)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=case_worker, action=AuditAction.UPDATE, obj=case_worker)
        raise RuntimeError("the service failed after writing its audit row")
    later = audit_record(actor=case_worker, action=AuditAction.UPDATE, obj=case_worker)
    assert list(AuditEntry.objects.order_by("id")) == [kept, later]
    assert later.prev_hash == kept.entry_hash
    assert audit_chain_verify().intact


def test_system_actions_have_no_actor(agency):
    entry = audit_record(actor=None, action=AuditAction.SECURITY, object_type="system", agency=agency)
    assert entry.actor_id is None and entry.actor_label == "" and entry.agency_id == agency.pk


def test_numbers_in_changes_survive_the_database_round_trip(case_worker):
    audit_record(
        actor=case_worker,
        action=AuditAction.UPDATE,
        obj=case_worker,
        changes={"big": 1e20, "whole": 1.0, "half": 0.5, "nested": [{"n": 3.0}], "text": "x"},
    )
    assert audit_chain_verify().intact
