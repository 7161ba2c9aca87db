"""/api/v1/outreach/events/: filtered by region (a Kemendagri code, the regions inside it included), organising
agency and date; a filter that cannot be applied is refused with the parameter named, never ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from sinergi.conftest import sign_in
from sinergi.core.testing.factories import AgencyFactory
from sinergi.outreach import services

pytestmark = pytest.mark.django_db

URL = "/api/v1/outreach/events/"


def _event(officer, region_code, days_ago):
    return services.outreach_event_create(
        actor=officer,
        data=services.EventData(
            title=f"Sosialisasi {region_code}",
            held_on=timezone.localdate() - timedelta(days=days_ago),
            region_code=region_code,
            audiences=["PROSPECTIVE_MIGRANTS"],
            participants={"participants_f_18_39": 10},
        ),
    )


@pytest.fixture
def events(officer, district, regions):
    village = regions.filter(code__startswith=f"{district.code}.", level=4).order_by("code").first()
    elsewhere = regions.filter(level=3).exclude(code__startswith="52.").order_by("code").first()
    return {
        "district": _event(officer, district.code, 10),
        "village": _event(officer, village.code, 3),
        "elsewhere": _event(officer, elsewhere.code, 40),
    }


@pytest.fixture
def api(officer):
    return sign_in(Client(HTTP_ACCEPT_LANGUAGE="id"), officer)


def _ids(response):
    assert response.status_code == 200, response.content
    return sorted(row["id"] for row in response.json()["results"])


def test_events_by_region_agency_and_date(api, events, officer, district):
    every = sorted(event.pk for event in events.values())
    assert _ids(api.get(URL)) == every
    inside = sorted([events["district"].pk, events["village"].pk])
    assert _ids(api.get(URL, {"region": district.code})) == inside
    digits = district.code.replace(".", "")  # digits only, as in a NIK
    assert _ids(api.get(URL, {"region": digits})) == inside
    assert _ids(api.get(URL, {"region": "52"})) == inside
    assert _ids(api.get(URL, {"region": events["village"].region_id})) == [events["village"].pk]
    week_ago = (timezone.localdate() - timedelta(days=7)).isoformat()
    assert _ids(api.get(URL, {"date_from": week_ago})) == [events["village"].pk]
    assert _ids(api.get(URL, {"date_to": week_ago})) == sorted(
        [events["district"].pk, events["elsewhere"].pk]
    )
    today = timezone.localdate().isoformat()
    assert _ids(api.get(URL, {"region": district.code, "date_from": week_ago, "date_to": today})) == [
        events["village"].pk
    ]
    assert _ids(api.get(URL, {"agency": officer.agency_id})) == every
    assert _ids(api.get(URL, {"agency": AgencyFactory(code="lain").pk})) == []


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [
        ({"region": "52.99.99"}, "region", "Wilayah tidak ditemukan."),
        ({"region": "lombok"}, "region", "Masukkan kode wilayah seperti 63, 63.71 atau 6371."),
        ({"date_from": "2026-02-30"}, "date_from", None),
        ({"date_from": "2026-03-01", "date_to": "2026-02-01"}, "date_to", "Tanggal akhir sebelum tanggal"),
        ({"agency": "999999"}, "agency", "Instansi tidak dikenal."),
        ({"agency": "abc"}, "agency", None),
        ({"kind": "SOSIALISASI"}, "kind", "Parameter tidak dikenal."),
    ],
)
def test_a_filter_that_cannot_be_applied_is_refused_with_the_parameter_named(
    api, events, params, field, message
):
    response = api.get(URL, params)
    assert response.status_code == 400, response.content
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["message"] == "Data yang dikirim tidak valid."
    assert list(error["fields"]) == [field]
    if message:
        assert error["fields"][field][0].startswith(message)
