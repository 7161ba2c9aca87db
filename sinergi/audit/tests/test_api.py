"""/api/v1/audit/: read-only, the same scope as the page, filters, and errors in the uniform format."""

import pytest

from sinergi.agencies.choices import Role
from sinergi.audit.choices import AuditAction
from sinergi.audit.models import AuditEntry
from sinergi.audit.services import audit_record
from sinergi.core.testing.factories import UserFactory
from sinergi.core.testing.permissions import assert_permission_matrix

pytestmark = pytest.mark.django_db
URL = "/api/v1/audit/"


@pytest.fixture
def entries(case_worker, other_agency):
    stranger = UserFactory(username="polda.officer", agency=other_agency, roles=[Role.SUPERVISOR])
    return {
        "own": audit_record(actor=case_worker, action=AuditAction.VIEW, obj=case_worker, changes={"n": 1}),
        "other": audit_record(
            actor=stranger, action=AuditAction.VIEW, object_type="people.person", object_id="9"
        ),
    }


@pytest.mark.parametrize("via", ["session", "token"])
def test_list_permission_matrix(client, via, case_worker, supervisor, platform_admin, entries):
    responses = assert_permission_matrix(
        client,
        url=URL,
        api=True,
        via=via,
        denied=[(case_worker, 403)],
        allowed=[(supervisor, 200), (platform_admin, 200)],
        # Issuing a token for the matrix is itself audited; only what the request does is compared here.
        snapshot=lambda: list(
            AuditEntry.objects.filter(action=AuditAction.VIEW).values_list("id", "entry_hash")
        ),
    )
    own_ids = {row["id"] for row in responses["supervisor"].json()["results"]}
    assert entries["own"].pk in own_ids and entries["other"].pk not in own_ids
    all_ids = {row["id"] for row in responses["platformadmin"].json()["results"]}
    assert {entries["own"].pk, entries["other"].pk} <= all_ids


def test_entry_of_another_agency_is_not_found(client, signed_in, supervisor, entries):
    signed_in(client, supervisor)
    assert client.get(f"{URL}{entries['own'].pk}/").status_code == 200
    response = client.get(f"{URL}{entries['other'].pk}/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_entry_shape(client, signed_in, supervisor, entries):
    signed_in(client, supervisor)
    body = client.get(f"{URL}{entries['own'].pk}/").json()
    assert body["user"] == "caseworker"
    assert body["agency"] == "bp3mi-kalsel"
    assert body["action"] == "view"
    assert body["changes"] == {"n": 1}
    assert body["entry_hash"] == entries["own"].entry_hash


def test_trail_cannot_be_written_through_the_api(client, signed_in, platform_admin, entries):
    signed_in(client, platform_admin)
    before = list(AuditEntry.objects.values_list("id", "entry_hash", "summary"))
    for method in ("post", "put", "patch", "delete"):
        url = URL if method == "post" else f"{URL}{entries['own'].pk}/"
        response = getattr(client, method)(url, {"summary": "x"}, content_type="application/json")
        assert response.status_code == 405
        assert response.json()["error"]["code"] == "method_not_allowed"
    assert list(AuditEntry.objects.values_list("id", "entry_hash", "summary")) == before


def test_filters_and_pagination(client, signed_in, platform_admin, entries, case_worker):
    signed_in(client, platform_admin)
    body = client.get(URL, {"object_type": "people.person", "object_id": "9"}).json()
    assert [row["id"] for row in body["results"]] == [entries["other"].pk]
    for _ in range(3):
        audit_record(actor=case_worker, action=AuditAction.EXPORT, obj=case_worker)
    page = client.get(URL, {"action": "export", "page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"]


def test_invalid_filter_is_a_400_in_the_callers_language(client, signed_in, supervisor):
    signed_in(client, supervisor)
    response = client.get(URL, {"date_from": "kemarin"}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert "date_from" in error["fields"]
    assert error["message"] == "The data sent is not valid."
