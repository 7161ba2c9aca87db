"""The audit page: who may read it, the agency scope, the filters and bad input."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.choices import Role
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import audit_record
from sinergi.core.testing.factories import UserFactory
from sinergi.core.testing.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db
URL = reverse("audit:index")


@pytest.fixture
def other_supervisor(other_agency):
    return UserFactory(username="polda.supervisor", agency=other_agency, roles=[Role.SUPERVISOR])


@pytest.fixture
def entries(case_worker, other_supervisor):
    return {
        "own_view": audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker),
        "own_update": audit_record(
            actor=case_worker, action=AuditAction.UPDATE, object_type="people.person", object_id="41"
        ),
        "other": audit_record(
            actor=other_supervisor, action=AuditAction.VIEW, object_type="people.person", object_id="77"
        ),
    }


def shown_ids(response) -> set[int]:
    return {entry.pk for entry in response.context["page"].object_list}


def test_permission_matrix(client, case_worker, supervisor, agency_admin, platform_admin, entries):
    analyst = UserFactory(agency=case_worker.agency, roles=[Role.ANALYST])
    responses = assert_permission_matrix(
        client,
        url=URL,
        denied=[(case_worker, 403), (analyst, 403)],
        allowed=[(supervisor, 200), (agency_admin, 200), (platform_admin, 200)],
    )
    own = {entries["own_view"].pk, entries["own_update"].pk}
    assert shown_ids(responses["supervisor"]) == own
    assert shown_ids(responses["agencyadmin"]) == own
    assert shown_ids(responses["platformadmin"]) >= own | {entries["other"].pk}


def test_supervisor_never_sees_another_agency_even_when_filtering_for_it(
    client, signed_in, supervisor, entries, other_agency
):
    signed_in(client, supervisor)
    response = client.get(URL, {"user": "polda.supervisor", "agency": other_agency.pk})
    assert response.status_code == 200
    assert shown_ids(response) == set()
    assert "polda.supervisor" not in response.content.decode().split('id="results"')[1]


def test_filters_by_user_record_action_and_dates(client, signed_in, supervisor, entries):
    signed_in(client, supervisor)
    assert shown_ids(client.get(URL, {"user": "CASEWORKER"})) == {
        entries["own_view"].pk,
        entries["own_update"].pk,
    }
    assert shown_ids(client.get(URL, {"object_type": "people.person", "object_id": "41"})) == {
        entries["own_update"].pk
    }
    assert shown_ids(client.get(URL, {"action": AuditAction.VIEW})) == {entries["own_view"].pk}
    today = timezone.localdate()
    assert len(shown_ids(client.get(URL, {"date_from": today, "date_to": today}))) == 2
    assert shown_ids(client.get(URL, {"date_to": today - dt.timedelta(days=1)})) == set()
    assert shown_ids(client.get(URL, {"date_from": today + dt.timedelta(days=1)})) == set()


def test_platform_admin_filters_by_agency(client, signed_in, platform_admin, entries, other_agency):
    signed_in(client, platform_admin)
    assert shown_ids(client.get(URL, {"agency": other_agency.pk})) == {entries["other"].pk}


def test_record_types_and_actions_are_shown_readably(client, signed_in, supervisor, entries):
    signed_in(client, supervisor)
    html = client.get(URL, headers={"Accept-Language": "en"}).content.decode()
    assert "Updated" in html and "#41" in html


@pytest.mark.parametrize(
    "params",
    [
        {"date_from": "2026-13-45"},
        {"date_from": "2026-05-02", "date_to": "2026-05-01"},
        {"action": "drop_table"},
        {"object_type": "<script>"},
        {"page": "999999"},
        {"page": "abc"},
        {"object_id": "x" * 500},
    ],
)
def test_bad_filters_answer_with_a_message_not_an_error(client, signed_in, supervisor, entries, params):
    signed_in(client, supervisor)
    before = AuditEntry.objects.count()
    response = client.get(URL, params)
    assert response.status_code == 200
    if "page" not in params:
        assert response.context["form"].errors
        assert shown_ids(response) == set()
        assert 'role="alert"' in response.content.decode()
    assert AuditEntry.objects.count() == before


def test_end_date_before_start_is_explained_in_indonesian(client, signed_in, supervisor):
    signed_in(client, supervisor)
    response = client.get(URL, {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert "Tanggal akhir sebelum tanggal awal." in response.content.decode()


def test_htmx_request_gets_only_the_results(client, signed_in, supervisor, entries):
    signed_in(client, supervisor)
    response = client.get(URL, {"action": AuditAction.UPDATE}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert shown_ids(response) == {entries["own_update"].pk}


def test_list_is_paginated_with_the_filters_kept(client, signed_in, supervisor, case_worker):
    for _ in range(55):
        audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    signed_in(client, supervisor)
    first = client.get(URL, {"action": AuditAction.VIEW})
    assert len(first.context["page"].object_list) == 50
    assert "?action=view&amp;page=2" in first.content.decode()
    second = client.get(URL, {"action": AuditAction.VIEW, "page": 2})
    assert len(second.context["page"].object_list) == 5


def test_query_count_does_not_grow_with_the_page(
    client, signed_in, supervisor, case_worker, django_assert_max_num_queries
):
    for _ in range(30):
        audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker)
    signed_in(client, supervisor)
    with django_assert_max_num_queries(12):
        client.get(URL)


def test_changes_are_listed_under_the_summary(client, signed_in, supervisor, case_worker):
    audit_record(
        actor=case_worker,
        action=AuditAction.UPDATE,
        object_type="people.person",
        object_id="5",
        changes={"fields": ["phone", "birth_date"], "version": 3},
    )
    signed_in(client, supervisor)
    html = client.get(URL).content.decode()
    # The keys by their name in the reader's language, the recorded values as written.
    assert "<dt>kolom yang diubah</dt><dd><code>phone, birth_date</code></dd>" in html
    assert "<dt>versi</dt><dd><code>3</code></dd>" in html


def test_a_summary_is_shown_in_the_readers_language_and_kept_as_written(
    client, signed_in, supervisor, case_worker
):
    entry = audit_record(
        actor=case_worker,
        action=AuditAction.LOGIN,
        obj=case_worker,
        summary=f"user {case_worker.pk} signed in",
    )
    audit_record(
        actor=case_worker,
        action=AuditAction.UPDATE,
        object_type="cases.case",
        summary="approval CLOSURE approved",
    )
    signed_in(client, supervisor)
    html = client.get(URL).content.decode()
    assert f"Pengguna {case_worker.pk} masuk" in html and "signed in" not in html
    assert "Pengesahan atasan atas Penutupan: disahkan" in html and "CLOSURE" not in html
    entry.refresh_from_db()
    assert entry.summary == f"user {case_worker.pk} signed in"  # the chain keeps what was written
