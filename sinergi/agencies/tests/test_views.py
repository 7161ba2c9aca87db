"""Agency directory, agency administration and user management pages, with the permission matrix."""

import pyotp
import pytest
from django.urls import reverse
from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.agencies.models import Agency, ApiToken, RecoveryCode, User, UserRole
from sinergi.audit.models import AuditEntry
from sinergi.core.testing.factories import AgencyFactory, SystemUserFactory, UserFactory, enrol_totp
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_admin(other_agency):
    return UserFactory(username="otheradmin", agency=other_agency, roles=[Role.AGENCY_ADMIN])


@pytest.fixture
def province(db):
    from sinergi.regions.models import Region

    return Region.objects.create(
        code="63", digits="63", name="Kalimantan Selatan", name_search="kalimantan selatan", level=1
    )


@pytest.fixture
def colleague(agency):
    return UserFactory(username="colleague", agency=agency, roles=[Role.CASE_WORKER])


def user_rows(user):
    return db_snapshot(User.objects.filter(pk=user.pk), UserRole, ApiToken, RecoveryCode)


# --- the directory ---------------------------------------------------------------------------------------


def test_every_signed_in_user_reads_the_directory(client, case_worker, other_agency):
    responses = assert_permission_matrix(client, url=reverse("agencies:index"), allowed=[(case_worker, 200)])
    html = responses["caseworker"].content.decode()
    assert other_agency.name in html and case_worker.agency.name in html
    assert reverse("agencies:agency_create") not in html
    assert reverse("agencies:user_list") not in html


def test_directory_filters_by_type_and_search(client, case_worker, other_agency, signed_in):
    signed_in(client, case_worker)
    html = client.get(reverse("agencies:index"), {"type": AgencyType.POLRI}).content.decode()
    assert other_agency.name in html and case_worker.agency.name not in html
    html = client.get(reverse("agencies:index"), {"q": "kalsel", "type": "NONSENSE"}).content.decode()
    assert case_worker.agency.name in html and other_agency.name not in html


def test_the_directory_names_an_embassys_country_in_the_readers_language(client, case_worker, signed_in):
    AgencyFactory(code="kbri-riyadh", name="KBRI Riyadh", type=AgencyType.KBRI, country="SA")
    signed_in(client, case_worker)
    html = client.get(reverse("agencies:index")).content.decode()
    assert "<td>Arab Saudi</td>" in html and "<td>SA</td>" not in html
    client.cookies["django_language"] = "en"
    html = client.get(reverse("agencies:index")).content.decode()
    assert "<td>Saudi Arabia</td>" in html


# --- agencies: platform administrator only ---------------------------------------------------------------


def test_agency_create_matrix(client, case_worker, agency_admin, platform_admin, province):
    data = {"code": "dinsos-kalsel", "name": "Dinas Sosial Kalsel", "type": AgencyType.DINSOS}
    data |= {"jurisdiction": "63", "country": "id"}
    assert_permission_matrix(
        client,
        url=reverse("agencies:agency_create"),
        method="post",
        data=data,
        denied=[(case_worker, 403), (agency_admin, 403)],
        allowed=[(platform_admin, 302)],
        snapshot=db_snapshot(Agency),
    )
    created = Agency.objects.get(code="dinsos-kalsel")
    assert created.jurisdiction_id == "63" and created.country == "ID"
    assert AuditEntry.objects.filter(object_type="agencies.agency", object_id=str(created.pk)).exists()


def test_agency_form_rejects_unknown_region_and_duplicate_code(
    client, platform_admin, agency, signed_in, province
):
    signed_in(client, platform_admin)
    response = client.post(
        reverse("agencies:agency_create"),
        {"code": agency.code, "name": "X", "type": AgencyType.NGO, "jurisdiction": "99.99", "country": "ID"},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "code" in errors and "jurisdiction" in errors
    assert Agency.objects.count() == 1


def test_agency_edit_matrix(client, agency, agency_admin, platform_admin):
    url = reverse("agencies:agency_edit", args=[agency.code])
    data = {"code": agency.code, "name": "BP3MI Kalsel (baru)", "type": AgencyType.BP3MI, "country": "ID"}
    assert_permission_matrix(
        client,
        url=url,
        method="post",
        data=data,
        denied=[(agency_admin, 403)],
        allowed=[(platform_admin, 302)],
        snapshot=db_snapshot(Agency.objects.filter(pk=agency.pk)),
    )
    agency.refresh_from_db()
    assert agency.name == "BP3MI Kalsel (baru)"


# --- users: agency administrators, own agency only --------------------------------------------------------


def test_user_list_shows_only_the_admins_agency(client, agency_admin, colleague, other_admin):
    responses = assert_permission_matrix(
        client,
        url=reverse("agencies:user_list"),
        denied=[(colleague, 403)],
        allowed=[(agency_admin, 200), (other_admin, 200)],
    )
    mine = responses["agencyadmin"].content.decode()
    theirs = responses["otheradmin"].content.decode()
    assert "colleague" in mine and "otheradmin" not in mine
    assert "colleague" not in theirs and "otheradmin" in theirs


def test_user_detail_matrix(client, agency_admin, colleague, case_worker, other_admin):
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_detail", args=[colleague.pk]),
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 200)],
    )


def test_user_create_matrix(client, agency_admin, case_worker, other_admin):
    data = {
        "username": "newcw",
        "kind": UserKind.PERSON,
        "first_name": "Siti",
        "password": "Very-strong-pass-42",
        "roles": [Role.CASE_WORKER, Role.SUPERVISOR],
    }
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_create"),
        method="post",
        data=data,
        denied=[(case_worker, 403)],
        allowed=[(agency_admin, 302)],
        snapshot=db_snapshot(User, UserRole),
    )
    created = User.objects.get(username="newcw")
    assert created.agency == agency_admin.agency
    assert created.role_codes == {Role.CASE_WORKER, Role.SUPERVISOR}
    assert created.check_password("Very-strong-pass-42")


def test_user_create_with_bad_input_changes_nothing(client, agency_admin, colleague, signed_in):
    signed_in(client, agency_admin)
    before = db_snapshot(User, UserRole)()
    for data in (
        {"username": "COLLEAGUE", "kind": "PERSON", "password": "Very-strong-pass-42"},  # taken
        {"username": "weak", "kind": "PERSON", "password": "123"},
        {"username": "nomail", "kind": "PERSON"},  # neither e-mail nor password
        {"username": "bad name!", "kind": "PERSON", "password": "Very-strong-pass-42"},
        {"username": "bot", "kind": "SYSTEM", "roles": [Role.AGENCY_ADMIN]},
        {"username": "x", "kind": "ALIEN", "password": "Very-strong-pass-42"},
    ):
        response = client.post(reverse("agencies:user_create"), data)
        assert response.status_code == 200, data
        assert response.context["form"].errors, data
    assert db_snapshot(User, UserRole)() == before


def test_user_edit_changes_roles_and_audits_them(client, agency_admin, colleague, case_worker, other_admin):
    data = {"first_name": "Dewi", "last_name": "", "email": "", "phone": "", "roles": [Role.INVESTIGATOR]}
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_edit", args=[colleague.pk]),
        method="post",
        data=data,
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=user_rows(colleague),
    )
    colleague = User.objects.get(pk=colleague.pk)
    assert colleague.first_name == "Dewi" and colleague.role_codes == {Role.INVESTIGATOR}
    entry = AuditEntry.objects.get(summary__contains="roles changed")
    assert entry.changes == {"roles_added": [Role.INVESTIGATOR], "roles_removed": [Role.CASE_WORKER]}
    assert "Dewi" not in str(AuditEntry.objects.values_list("summary", "changes"))


def test_admin_cannot_remove_their_own_admin_role(client, agency_admin, signed_in):
    signed_in(client, agency_admin)
    response = client.post(
        reverse("agencies:user_edit", args=[agency_admin.pk]), {"roles": [Role.CASE_WORKER]}
    )
    assert response.status_code == 200
    assert User.objects.get(pk=agency_admin.pk).role_codes == {Role.AGENCY_ADMIN}


def test_user_disable_matrix(client, agency_admin, colleague, case_worker, other_admin):
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_disable", args=[colleague.pk]),
        method="post",
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=user_rows(colleague),
    )
    assert not User.objects.get(pk=colleague.pk).is_active


def test_user_enable_matrix(client, agency_admin, colleague, case_worker, other_admin):
    from sinergi.agencies.services import user_disable

    user_disable(actor=agency_admin, user=colleague)
    responses = assert_permission_matrix(
        client,
        url=reverse("agencies:user_enable", args=[colleague.pk]),
        method="post",
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=user_rows(colleague),
    )
    assert responses[agency_admin.username]["Location"] == reverse(
        "agencies:user_detail", args=[colleague.pk]
    )
    assert User.objects.get(pk=colleague.pk).is_active


def test_admin_cannot_disable_themselves(client, agency_admin, signed_in):
    signed_in(client, agency_admin)
    response = client.post(reverse("agencies:user_disable", args=[agency_admin.pk]), follow=True)
    assert User.objects.get(pk=agency_admin.pk).is_active
    assert "msg-error" in response.content.decode()  # the refusal is said, not a success message


def test_two_factor_reset_matrix(client, agency_admin, colleague, case_worker, other_admin):
    enrol_totp(colleague)
    RecoveryCode.objects.create(user=colleague, code_hash="x" * 64)
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_two_factor_reset", args=[colleague.pk]),
        method="post",
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=user_rows(colleague),
    )
    colleague = User.objects.get(pk=colleague.pk)
    assert not colleague.has_totp and not colleague.totp_secret
    assert not RecoveryCode.objects.filter(user=colleague).exists()


def test_platform_admin_manages_users_of_any_agency(
    client, platform_admin, colleague, other_agency, signed_in
):
    signed_in(client, platform_admin)
    assert client.get(reverse("agencies:user_detail", args=[colleague.pk])).status_code == 200
    response = client.post(
        reverse("agencies:user_create"),
        {
            "username": "polda-admin",
            "kind": "PERSON",
            "agency": other_agency.pk,
            "password": "Very-strong-pass-42",
            "roles": [Role.AGENCY_ADMIN],
        },
    )
    assert response.status_code == 302
    assert User.objects.get(username="polda-admin").agency == other_agency


# --- integrated systems and their tokens -----------------------------------------------------------------


def test_system_user_token_create_show_once_and_revoke(
    client, agency_admin, case_worker, other_admin, agency
):
    bridge = SystemUserFactory(username="simfoni-bridge", agency=agency, roles=[Role.READ_ONLY])
    url = reverse("agencies:user_token_create", args=[bridge.pk])
    secret = enrol_totp(agency_admin)
    responses = assert_permission_matrix(
        client,
        url=url,
        method="post",
        data={
            "name": "SIMFONI",
            "lifetime": "90",
            "otp_code": pyotp.TOTP(secret).now(),
            "scopes": ["cases:read"],
        },
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 200)],
        snapshot=db_snapshot(ApiToken.objects.filter(user=bridge)),
    )
    html = responses["agencyadmin"].content.decode()
    token = ApiToken.objects.get(user=bridge)
    secret = html.split('data-testid="token-secret">')[1].split("<")[0]
    assert secret.startswith(token.prefix) and secret not in str(ApiToken.objects.values_list())
    assert client.get("/api/v1/me/", headers={"Authorization": f"Bearer {secret}"}).json()["username"] == (
        "simfoni-bridge"
    )
    assert token.scopes == ["cases:read"]
    # Outside its scopes: 403, whatever its roles would allow.
    assert (
        client.get("/api/v1/exchange/events/", headers={"Authorization": f"Bearer {secret}"}).status_code
        == 403
    )
    # The detail page lists the token but never the secret again.
    from sinergi.core.testing.permissions import sign_in

    sign_in(client, agency_admin)
    detail = client.get(reverse("agencies:user_detail", args=[bridge.pk])).content.decode()
    assert token.prefix in detail and secret not in detail

    assert_permission_matrix(
        client,
        url=reverse("agencies:user_token_revoke", args=[bridge.pk, token.pk]),
        method="post",
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=db_snapshot(ApiToken.objects.filter(pk=token.pk)),
    )
    client.logout()
    response = client.get("/api/v1/me/", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "authentication_failed"


def test_tokens_are_not_created_here_for_staff(client, agency_admin, colleague, signed_in):
    signed_in(client, agency_admin)
    client.post(reverse("agencies:user_token_create", args=[colleague.pk]), {"name": "x"})
    assert not ApiToken.objects.exists()


# --- profile ----------------------------------------------------------------------------------------------


def test_profile_language_and_own_tokens(client, case_worker, signed_in):
    signed_in(client, case_worker)
    assert client.get(reverse("accounts:profile")).status_code == 200
    response = client.post(reverse("accounts:profile_language"), {"preferred_language": "en"})
    assert response.cookies["django_language"].value == "en"
    assert User.objects.get(pk=case_worker.pk).preferred_language == "en"
    client.post(reverse("accounts:profile_language"), {"preferred_language": "xx"})
    assert User.objects.get(pk=case_worker.pk).preferred_language == "en"

    totp = pyotp.TOTP(enrol_totp(case_worker))
    created = client.post(
        reverse("accounts:profile_token_create"), {"name": "script", "lifetime": "30", "otp_code": totp.now()}
    )
    assert created.status_code == 200
    token = ApiToken.objects.get(user=case_worker)
    assert timezone.timedelta(days=29) < token.expires_at - timezone.now() <= timezone.timedelta(days=30)


def test_a_user_cannot_revoke_someone_elses_token(client, case_worker, colleague, signed_in):
    from sinergi.agencies.services import api_token_create

    token, _secret = api_token_create(user=colleague, name="theirs")
    signed_in(client, case_worker)
    assert client.post(reverse("accounts:profile_token_revoke", args=[token.pk])).status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_profile_requires_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_agency_edit_page_shows_the_region_picker(client, platform_admin, agency, province, signed_in):
    agency.jurisdiction = province
    agency.save(update_fields=["jurisdiction"])
    signed_in(client, platform_admin)
    html = client.get(reverse("agencies:agency_edit", args=[agency.code])).content.decode()
    assert 'name="jurisdiction"' in html and 'value="63"' in html
    assert "region_autocomplete.js" in html


def test_list_pages_use_a_fixed_number_of_queries(
    client, agency_admin, agency, signed_in, django_assert_max_num_queries
):
    for index in range(12):
        UserFactory(username=f"staff{index}", agency=agency, roles=[Role.CASE_WORKER, Role.ANALYST])
        Agency.objects.create(code=f"kbri-{index}", name=f"KBRI {index}", type=AgencyType.KBRI, country="MY")
    signed_in(client, agency_admin)
    client.get(reverse("agencies:user_list"))  # warm the session and translation caches
    with django_assert_max_num_queries(10):
        assert "staff11" in client.get(reverse("agencies:user_list")).content.decode()
    with django_assert_max_num_queries(10):
        assert "KBRI 11" in client.get(reverse("agencies:index")).content.decode()
    with django_assert_max_num_queries(10):
        assert len(client.get("/api/v1/users/").json()["results"]) == 13


def test_unlock_matrix(client, agency_admin, colleague, case_worker, other_admin):
    from django.utils import timezone

    User.objects.filter(pk=colleague.pk).update(locked_until=timezone.now() + timezone.timedelta(minutes=10))
    assert_permission_matrix(
        client,
        url=reverse("agencies:user_unlock", args=[colleague.pk]),
        method="post",
        denied=[(case_worker, 403), (other_admin, 404)],
        allowed=[(agency_admin, 302)],
        snapshot=user_rows(colleague),
    )
    assert not User.objects.get(pk=colleague.pk).is_locked
