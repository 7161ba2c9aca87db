import datetime as dt
import uuid

import pytest
from django.db import transaction

from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.selectors import audit_chain_verify
from sinergi.audit.services import (
    GENESIS_HASH,
    HASHED_FIELDS,
    audit_record,
    chain_genesis,
    entry_digest,
)
from sinergi.core.middleware import RequestContext, _request_context

pytestmark = pytest.mark.django_db


def test_entries_form_a_chain_from_the_genesis(case_worker):
    first = audit_record(actor=case_worker, action=AuditAction.CREATE, obj=case_worker.agency)
    second = audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    assert first.prev_hash == chain_genesis(first.chain)
    assert second.chain == first.chain  # one connection keeps to its chain while it is free
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
        "chain": entry.chain + 1,
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


def test_chains_start_from_genesis_values_of_their_own():
    starts = [chain_genesis(chain) for chain in range(16)]
    assert starts[0] == GENESIS_HASH and len(set(starts)) == 16


def test_chain_0_keeps_the_digest_of_the_entries_written_before_there_were_chains():
    """A pinned digest, computed by the single-chain code: older trails still verify after the upgrade."""
    values = {
        "chain": 0,
        "prev_hash": GENESIS_HASH,
        "at": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC),
        "actor_id": 7,
        "actor_label": "caseworker",
        "agency_id": 3,
        "action": "view",
        "object_type": "cases.case",
        "object_id": "42",
        "summary": "case viewed",
        "changes": {"fields": ["stage"]},
        "ip_address": "203.0.113.9",
    }
    assert entry_digest(values) == "52762e8af7c4ac3cfd3985d2f23a38ac53e197f5318bc5e846ad27e31c4f742b"
    assert entry_digest({**values, "chain": 1}) != entry_digest(values)


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
