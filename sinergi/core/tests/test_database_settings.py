"""What DATABASE_URL turns into: one reading for the server, the worker and the tests."""

from __future__ import annotations

import pytest
from django.db import connection

from config.database import database_settings
from sinergi.agencies.models import Agency


def test_postgresql_binds_parameters_on_the_server_and_prepares_repeated_statements(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    options = database_settings("postgres://app@db.internal:5432/sinergi", conn_max_age=60)["OPTIONS"]
    assert options == {"server_side_binding": True, "prepare_threshold": 5}


def test_prepared_statements_turn_off_for_a_pooler_in_transaction_mode(monkeypatch):
    monkeypatch.setenv("DATABASE_PREPARED_STATEMENTS", "false")
    database = database_settings("postgres://app@db.internal:5432/sinergi", conn_max_age=60)
    assert database["OPTIONS"] == {} and database["CONN_MAX_AGE"] == 60


def test_sqlite_waits_its_turn_to_write_and_keeps_no_connection(tmp_path):
    database = database_settings(f"sqlite:///{tmp_path / 'demo.sqlite3'}", conn_max_age=60)
    assert database["CONN_MAX_AGE"] == 0
    assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_a_query_run_again_and_again_on_one_connection_is_planned_once():
    for code in ["a", "b", "c", "d", "e", "f"]:
        list(Agency.objects.filter(code=code).values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%agencies_agency%"]
        )
        assert cursor.fetchone()[0] >= 1


def test_postgresql_is_served_by_the_backend_that_batches_within_the_parameter_limit(monkeypatch):
    monkeypatch.delenv("DATABASE_PREPARED_STATEMENTS", raising=False)
    assert (
        database_settings("postgres://app@db/sinergi", conn_max_age=0)["ENGINE"] == "sinergi.core.postgresql"
    )


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the bound-parameter limit is PostgreSQL's")
def test_bulk_writes_and_reads_past_the_protocols_parameter_count_succeed():
    from django.utils import timezone

    from sinergi.detection.choices import ContactKind
    from sinergi.detection.models import Contact

    now = timezone.now()
    # Seven columns each: 70,000 parameters in one statement would be refused by the server.
    contacts = [
        Contact(
            kind=ContactKind.PHONE,
            value=f"+6281{i:08d}",
            value_index=f"{i:064d}",
            first_seen=now,
            last_seen=now,
        )
        for i in range(10_000)
    ]
    Contact.objects.bulk_create(contacts)
    for contact in contacts:
        contact.post_count = 3
    Contact.objects.bulk_update(contacts, ["post_count", "first_seen", "last_seen"])
    ids = [contact.pk for contact in contacts] + list(range(10**9, 10**9 + 60_000))
    assert len(Contact.objects.in_bulk(ids)) == 10_000
    assert set(Contact.objects.values_list("post_count", flat=True)) == {3}
    Contact.objects.filter(pk__in=ids[:10_000]).delete()
    assert not Contact.objects.exists()
