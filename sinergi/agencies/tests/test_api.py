"""/api/v1/me/, /api/v1/agencies/, /api/v1/users/: the UI's rules through the session and through tokens."""

import pytest
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.agencies.models import Agency, ApiToken, User, UserRole
from sinergi.agencies.services import api_token_create, api_token_revoke
from sinergi.core.testing.factories import SystemUserFactory, UserFactory
from sinergi.core.testing.openapi import assert_matches_schema
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_admin(other_agency):
    return UserFactory(username="otheradmin", agency=other_agency, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def colleague(agency):
    return UserFactory(username="colleague", agency=agency, roles=[Role.CASE_WORKER])


def bearer(user, **kwargs):
    _token, raw = api_token_create(user=user, name="test", **kwargs)
    return {"Authorization": f"Bearer {raw}"}


def test_me(client, case_worker):
    responses = assert_permission_matrix(client, url="/api/v1/me/", api=True, allowed=[(case_worker, 200)])
    body = responses["caseworker"].json()
    assert body["username"] == "caseworker" and body["agency"]["code"] == "bp3mi-kalsel"
    assert body["roles"] == [Role.CASE_WORKER] and body["is_platform_admin"] is False


def test_agency_directory_is_readable_by_everyone_signed_in(client, case_worker, other_agency):
    for via in ("session", "token"):
        responses = assert_permission_matrix(
            client, url="/api/v1/agencies/?type=POLRI", api=True, via=via, allowed=[(case_worker, 200)]
        )
        results = responses["caseworker"].json()["results"]
        assert [a["code"] for a in results] == ["polda-ntb"]


def test_agency_writes_are_for_the_platform_admin_only(client, case_worker, agency_admin, platform_admin):
    data = {"code": "lpsk", "name": "LPSK", "type": AgencyType.LPSK}
    for via in ("session", "token"):
        assert_permission_matrix(
            client,
            url="/api/v1/agencies/",
            method="post",
            data=data,
            api=True,
            via=via,
            denied=[(case_worker, 403), (agency_admin, 403)],
            snapshot=db_snapshot(Agency),
        )
    assert_permission_matrix(
        client, url="/api/v1/agencies/", method="post", data=data, api=True, allowed=[(platform_admin, 201)]
    )
    assert Agency.objects.get(code="lpsk").country == "ID"


def test_agency_create_validation_is_a_uniform_400(client, platform_admin, agency):
    sign_in(client, platform_admin)
    response = client.post(
        "/api/v1/agencies/",
        {"code": agency.code, "name": "", "type": "NOPE", "jurisdiction": "99"},
        content_type="application/json",
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert set(error["fields"]) == {"code", "name", "type", "jurisdiction"}


def test_users_list_is_scoped_to_the_callers_agency(client, case_worker, colleague, other_admin):
    for via in ("session", "token"):
        responses = assert_permission_matrix(
            client, url="/api/v1/users/", api=True, via=via, allowed=[(case_worker, 200), (other_admin, 200)]
        )
        mine = {u["username"] for u in responses["caseworker"].json()["results"]}
        theirs = {u["username"] for u in responses["otheradmin"].json()["results"]}
        assert mine == {"caseworker", "colleague"}
        assert theirs == {"otheradmin"}


@pytest.mark.parametrize("url", ["/api/v1/users/", "/api/v1/agencies/"])
def test_an_over_long_search_is_refused_not_cut(client, case_worker, colleague, url):
    sign_in(client, case_worker)
    # Cut to 100 characters it would be another search, answered as if it were the one sent.
    search = "colleague" + "x" * 92
    response = client.get(url, {"q": search}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"] == "Data yang dikirim tidak valid."
    assert list(error["fields"]) == ["q"]
    found = client.get("/api/v1/users/", {"q": "colleague"}).json()["results"]
    assert [u["username"] for u in found] == ["colleague"]


def test_another_agencys_user_is_404_and_unchanged(client, agency_admin, colleague, case_worker, other_admin):
    url = f"/api/v1/users/{colleague.pk}/"
    for via in ("session", "token"):
        assert_permission_matrix(
            client,
            url=url,
            method="patch",
            data={"first_name": "Budi", "roles": [Role.AGENCY_ADMIN], "is_active": False},
            api=True,
            via=via,
            denied=[(case_worker, 403), (other_admin, 404)],
            snapshot=db_snapshot(User.objects.filter(pk=colleague.pk), UserRole),
        )
        assert_permission_matrix(client, url=url, api=True, via=via, denied=[(other_admin, 404)])
    assert_permission_matrix(
        client,
        url=url,
        method="patch",
        data={"roles": [Role.SUPERVISOR], "is_active": False},
        api=True,
        via="token",
        allowed=[(agency_admin, 200)],
    )
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.role_codes == {Role.SUPERVISOR} and not colleague.is_active


def test_user_create_through_the_api(client, agency_admin, case_worker, other_agency):
    data = {"username": "analis1", "roles": [Role.ANALYST], "email": "analis1@example.go.id"}
    assert_permission_matrix(
        client,
        url="/api/v1/users/",
        method="post",
        data=data,
        api=True,
        via="token",
        denied=[(case_worker, 403)],
        allowed=[(agency_admin, 201)],
        snapshot=db_snapshot(User),
    )
    assert User.objects.get(username="analis1").agency == agency_admin.agency
    # An agency administrator cannot plant a user in another agency.
    sign_in(client, agency_admin)
    response = client.post(
        "/api/v1/users/", {"username": "spy", "agency": other_agency.code}, content_type="application/json"
    )
    assert response.status_code == 403
    assert not User.objects.filter(username="spy").exists()


def test_revoked_expired_and_unknown_tokens_get_the_same_401(case_worker, client):
    token, raw = api_token_create(user=case_worker, name="t")
    api_token_revoke(actor=case_worker, token=token)
    expired, expired_raw = api_token_create(user=case_worker, name="old")
    ApiToken.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timezone.timedelta(days=1))
    bodies = []
    for secret in (raw, expired_raw, "sng_not-a-real-token"):
        response = client.get("/api/v1/me/", headers={"Authorization": f"Bearer {secret}"})
        assert response.status_code == 401
        assert response["WWW-Authenticate"]
        bodies.append(response.json())
    assert bodies[0] == bodies[1] == bodies[2]
    assert bodies[0]["error"]["code"] == "authentication_failed"


def test_a_disabled_users_token_stops_working(client, case_worker):
    headers = bearer(case_worker)
    assert client.get("/api/v1/me/", headers=headers).status_code == 200
    User.objects.filter(pk=case_worker.pk).update(is_active=False)
    assert client.get("/api/v1/me/", headers=headers).status_code == 401


def test_system_token_has_its_roles_and_agency_nothing_more(client, agency, colleague, other_admin):
    bridge = SystemUserFactory(username="bridge", agency=agency, roles=[Role.READ_ONLY])
    headers = bearer(bridge)
    assert client.get(f"/api/v1/users/{colleague.pk}/", headers=headers).status_code == 200
    assert client.get(f"/api/v1/users/{other_admin.pk}/", headers=headers).status_code == 404
    patch = client.patch(
        f"/api/v1/users/{colleague.pk}/",
        {"first_name": "X"},
        content_type="application/json",
        headers=headers,
    )
    assert patch.status_code == 403
    assert User.objects.get(pk=colleague.pk).first_name != "X"
    assert ApiToken.objects.get(user=bridge).last_used_at is not None


def test_schema_is_valid(client, case_worker):
    sign_in(client, case_worker)
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/users/{id}/" in response.content and b"/api/v1/me/" in response.content


# --- responses match the published OpenAPI schema ---------------------------------------------------------


def test_responses_match_the_schema(client, agency_admin, colleague, platform_admin, other_agency):
    sign_in(client, agency_admin)
    assert_matches_schema(client.get("/api/v1/me/"), "/api/v1/me/")
    assert_matches_schema(client.get("/api/v1/users/"), "/api/v1/users/")
    assert_matches_schema(client.get(f"/api/v1/users/{colleague.pk}/"), "/api/v1/users/{id}/")
    patched = client.patch(
        f"/api/v1/users/{colleague.pk}/", {"roles": [Role.ANALYST]}, content_type="application/json"
    )
    assert_matches_schema(patched, "/api/v1/users/{id}/", "patch")
    created = client.post(
        "/api/v1/users/", {"username": "baru", "email": "b@example.go.id"}, content_type="application/json"
    )
    assert_matches_schema(created, "/api/v1/users/", "post")
    assert_matches_schema(client.get("/api/v1/agencies/"), "/api/v1/agencies/")
    sign_in(client, platform_admin)
    new = client.post(
        "/api/v1/agencies/",
        {"code": "kbri-kl", "name": "KBRI Kuala Lumpur", "type": "KBRI", "country": "my"},
        content_type="application/json",
    )
    assert_matches_schema(new, "/api/v1/agencies/", "post")
    assert new.json()["country"] == "MY" and new.json()["jurisdiction"] is None
    assert_matches_schema(client.get(f"/api/v1/agencies/{other_agency.pk}/"), "/api/v1/agencies/{id}/")
