"""The people and region pages speak Indonesian by default."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_in_indonesian(client, signed_in, case_worker, make_person):
    person = make_person(case_worker)
    signed_in(client, case_worker)
    assert "Catat orang" in client.get(reverse("people:index")).content.decode()
    html = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert "Tanggal lahir" in html


def test_region_pages_are_in_indonesian(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    html = client.get(reverse("regions:index"), {"q": "banjarmasin"}).content.decode()
    assert "Tingkat" in html and "Kabupaten/kota" in html
    html = client.get(reverse("regions:autocomplete"), {"q": "zzzz"}).content.decode()
    assert "Tidak ada wilayah yang cocok" in html


def test_service_messages_are_in_indonesian(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    response = client.post(
        reverse("people:create"),
        {
            "full_name": "X",
            "sex": "U",
            "nationality": "ID",
            "nik": "0000",
            "phones-TOTAL_FORMS": "0",
            "phones-INITIAL_FORMS": "0",
            "handles-TOTAL_FORMS": "0",
            "handles-INITIAL_FORMS": "0",
        },
    )
    assert "NIK terdiri dari tepat 16 digit" in response.content.decode()
