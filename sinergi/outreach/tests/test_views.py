from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sinergi.outreach.models import OutreachEvent

pytestmark = pytest.mark.django_db


def _form(**overrides):
    values = {
        "title": "Sosialisasi di desa",
        "held_on": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "region": "52.03.01",
        "audiences": ["FAMILIES"],
        "participants_f_18_39": "10",
    }
    values.update(overrides)
    return values


def test_an_officer_records_an_event_and_imports_attendance(client, signed_in, officer, district):
    signed_in(client, officer)
    response = client.post("/outreach/events/new/", _form())
    event = OutreachEvent.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/outreach/events/{event.pk}/"
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("hadir.csv", b"nama,jenis_kelamin,umur\nSiti,P,20\nBudi,L,44\n")
    response = client.post(f"/outreach/events/{event.pk}/", {"file": upload})
    assert response.status_code == 302
    page = client.get(f"/outreach/events/{event.pk}/").content.decode()
    assert "Siti" in page and "Budi" in page


def test_unknown_region_and_future_participants_are_refused_on_the_page(client, signed_in, officer, district):
    signed_in(client, officer)
    page = client.post("/outreach/events/new/", _form(region="52.99.99.9999"))
    assert page.status_code == 200 and "tidak ada sebagai desa atau kecamatan" in page.content.decode()
    page = client.post(
        "/outreach/events/new/", _form(held_on=(timezone.localdate() + timedelta(days=5)).isoformat())
    )
    assert "belum berlangsung" in page.content.decode()
    assert OutreachEvent.objects.count() == 0


def test_coverage_data_counts_held_events_per_regency(client, signed_in, officer, district):
    from sinergi.outreach import services

    services.outreach_event_create(
        actor=officer,
        data=services.EventData(
            title="A",
            held_on=timezone.localdate() - timedelta(days=1),
            region_code="52.03.01",
            audiences=[],
            participants={"participants_m_40p": 5},
        ),
    )
    signed_in(client, officer)
    data = client.get("/outreach/coverage/data.json").json()
    assert data["regions"]["52.03"]["events"] == 1 and data["regions"]["52.03"]["participants"] == 5
    assert client.get("/outreach/coverage/").status_code == 200


def test_api_creates_and_lists_events_and_refuses_bad_region(client, signed_in, officer, district):
    signed_in(client, officer)
    body = {
        "title": "API",
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "region": "52.03.01",
    }
    created = client.post("/api/v1/outreach/events/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    bad = client.post(
        "/api/v1/outreach/events/", {**body, "region": "00.00"}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "unknown_region"
    assert client.get("/api/v1/outreach/events/").json()["results"][0]["title"] == "API"
