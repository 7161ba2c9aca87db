"""Integrated systems' credentials: scopes enforced on the API (403 outside them, 401 once expired), replay
from an offset only with events:read, and the schema naming the security scheme and each operation's scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from sinergi.agencies.choices import Role
from sinergi.agencies.models import ApiToken
from sinergi.agencies.services import api_token_create
from sinergi.core.testing.factories import AgencyFactory, UserFactory, enrol_totp


def token(admin, system, scopes):
    import pyotp

    code = pyotp.TOTP(enrol_totp(admin)).now()
    _token, raw = api_token_create(user=system, name="jembatan", actor=admin, otp_code=code, scopes=scopes)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {raw}")
    return api, _token


def test_replay_needs_events_read_and_expiry_is_401(admin, system):
    without, _t = token(admin, system, ["cases:read"])
    response = without.get("/api/v1/exchange/events/?after=0")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert "events:read" in response.json()["error"]["message"]
    with_scope, made = token(admin, system, ["events:read"])
    assert with_scope.get("/api/v1/exchange/events/?after=0").status_code == 200
    ApiToken.objects.filter(pk=made.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert with_scope.get("/api/v1/exchange/events/?after=0").status_code == 401


def test_a_read_scope_does_not_write(admin, system, carer_agency_code="x"):
    api, _t = token(admin, system, ["agreements:read"])
    assert api.get("/api/v1/exchange/agreements/").status_code == 200
    response = api.post("/api/v1/exchange/agreements/", {}, format="json")
    assert response.status_code == 403  # agreements:write is not a scope a system may hold


def test_a_system_token_made_by_a_person_names_its_scopes(admin, system, case_worker):
    import pyotp

    from sinergi.core.errors import ApplicationError

    code = pyotp.TOTP(enrol_totp(admin)).now()
    with pytest.raises(ApplicationError):
        api_token_create(user=system, name="x", actor=admin, otp_code=code)
    with pytest.raises(ApplicationError):
        api_token_create(user=system, name="x", actor=admin, otp_code=code, scopes=["everything"])
    with pytest.raises(ApplicationError):
        api_token_create(user=case_worker, name="x", scopes=["cases:read"])  # a person's token has none
    assert not ApiToken.objects.filter(user__in=[system, case_worker]).exists()


def test_the_schema_documents_the_scheme_and_the_scopes(client):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    bearer = schema["components"]["securitySchemes"]["token"]
    assert bearer["scheme"] == "bearer" and "x-required-scope" in bearer["description"]
    assert schema["paths"]["/api/v1/exchange/events/"]["get"]["x-required-scope"] == "events:read"
    assert schema["paths"]["/api/v1/cases/"]["post"]["x-required-scope"] == "cases:write"


def test_an_agreement_of_another_agency_is_a_404_on_the_api(admin, system, importer, other_agency):
    from sinergi.exchange.agreements.services import agreement_create

    outsider = UserFactory(username="kepala-lain", agency=other_agency, roles=[Role.SUPERVISOR])
    today = timezone.localdate()
    theirs = agreement_create(
        actor=outsider, receiving_agency=importer.agency, field_groups=["narrative"], purpose="statistics",
        valid_from=today, valid_until=today + timedelta(days=10),
    )  # fmt: skip
    mine = agreement_create(
        actor=importer, receiving_agency=other_agency, field_groups=["medical"], purpose="victim_care",
        valid_from=today, valid_until=today + timedelta(days=10),
    )  # fmt: skip
    api, _t = token(admin, system, ["agreements:read"])
    assert api.get(f"/api/v1/exchange/agreements/{mine.pk}/").json()["field_groups"] == ["medical"]
    assert api.get(f"/api/v1/exchange/agreements/{theirs.pk}/").status_code == 200  # received: readable
    third = UserFactory(
        username="kepala-ketiga", agency=AgencyFactory(code="ketiga"), roles=[Role.SUPERVISOR]
    )
    elsewhere = agreement_create(
        actor=third, receiving_agency=other_agency, field_groups=["medical"], purpose="victim_care",
        valid_from=today, valid_until=today + timedelta(days=10),
    )  # fmt: skip
    assert api.get(f"/api/v1/exchange/agreements/{elsewhere.pk}/").status_code == 404
