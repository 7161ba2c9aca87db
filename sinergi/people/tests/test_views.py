"""The people pages: who gets what, what a user sees, and that refusals change nothing."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sinergi.audit.models import AuditEntry
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot
from sinergi.people.models import Person, PersonPhone
from sinergi.people.tests.conftest import NIK_WOMAN_1990

pytestmark = pytest.mark.django_db


def _post_data(**overrides):
    data = {
        "full_name": "Siti Rahayu",
        "aliases": "Ayu\nSiti R.",
        "sex": "F",
        "birth_date": "1990-01-10",
        "birth_place": "Banjarmasin",
        "nik": NIK_WOMAN_1990,
        "passport_number": "",
        "nationality": "ID",
        "address_region": "63.71.01.1001",
        "address_detail": "Jl. Contoh RT 01",
        "phones-TOTAL_FORMS": "2",
        "phones-INITIAL_FORMS": "0",
        "phones-0-number": "0812-3456-7890",
        "phones-0-label": "HP",
        "phones-1-number": "",
        "phones-1-label": "",
        "handles-TOTAL_FORMS": "1",
        "handles-INITIAL_FORMS": "0",
        "handles-0-platform": "facebook",
        "handles-0-handle": "siti.rahayu",
    }
    data.update(overrides)
    return data


def test_list_permission_matrix(client, case_worker, read_only, regions):
    assert_permission_matrix(
        client, url=reverse("people:index"), allowed=[(case_worker, 200), (read_only, 200)]
    )


def test_list_shows_only_own_agency_and_masks_nik(client, signed_in, case_worker, other_worker, make_person):
    make_person(
        case_worker, full_name="Siti Rahayu", nik=NIK_WOMAN_1990, sex="F", birth_date=date(1990, 1, 10)
    )
    make_person(other_worker, full_name="Siti Aminah")
    signed_in(client, case_worker)
    html = client.get(reverse("people:index")).content.decode()
    assert "Siti Rahayu" in html and "Siti Aminah" not in html
    assert "6371********0001" in html and NIK_WOMAN_1990 not in html


def test_search_by_name_nik_and_phone(client, signed_in, case_worker, make_person):
    make_person(case_worker, full_name="Siti Rahayu", nik=NIK_WOMAN_1990, phones=["0812-3456-7890"])
    make_person(case_worker, full_name="Budi Santoso")
    signed_in(client, case_worker)
    for query in (
        "siti rah",
        "RAHAYU",
        "rahayu siti",
        NIK_WOMAN_1990,
        "6371 0150 0190 0001",
        "+62 812 3456 7890",
    ):
        html = client.post(
            reverse("people:index"), {"q": query}, headers={"HX-Request": "true"}
        ).content.decode()
        assert "Siti Rahayu" in html, query
        assert "Budi Santoso" not in html, query
        assert "<html" not in html  # the HTMX fragment only
    html = client.post(
        reverse("people:index"), {"q": "0812-0000-0000"}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "person-row" not in html and "empty-state" in html


def test_a_search_in_the_address_is_not_a_search(client, signed_in, case_worker, make_person):
    make_person(case_worker, full_name="Siti Rahayu", nik=NIK_WOMAN_1990)
    make_person(case_worker, full_name="Budi Santoso")
    signed_in(client, case_worker)
    # Identifiers typed in a query string would sit in access logs and browser history: they are not read.
    html = client.get(reverse("people:index"), {"q": NIK_WOMAN_1990}).content.decode()
    assert "Budi Santoso" in html and "Siti Rahayu" in html


def test_each_search_writes_one_audit_entry_without_what_was_typed(
    client, signed_in, case_worker, make_person
):
    from sinergi.audit.models import AuditEntry

    make_person(case_worker, full_name="Siti Rahayu", nik=NIK_WOMAN_1990)
    signed_in(client, case_worker)
    client.get(reverse("people:index"))  # a plain list is not a search
    assert not AuditEntry.objects.filter(object_type="people.search").exists()
    for query in (NIK_WOMAN_1990, "6371 0150 0190 0001", "siti"):
        client.post(reverse("people:index"), {"q": query}, headers={"HX-Request": "true"})
    entries = list(AuditEntry.objects.filter(object_type="people.search").order_by("id"))
    assert [e.changes["count"] for e in entries] == [1, 1, 1]
    assert [e.changes["kinds"] for e in entries] == [["nik"], ["nik"], ["name"]]
    assert (
        entries[0].changes["query_hash"]
        == entries[1].changes["query_hash"]
        != entries[2].changes["query_hash"]
    )
    assert not any(NIK_WOMAN_1990 in str(e.changes) or "siti" in str(e.changes).lower() for e in entries)


def test_odd_search_input_never_fails(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    for params in (
        {"q": "%_\\'"},
        {"q": "x" * 1000},
        {"page": "abc"},
        {"page": "-3"},
        {"region": "zz"},
        {"sex": "Q"},
    ):
        assert client.get(reverse("people:index"), params).status_code == 200
        assert client.post(reverse("people:index"), params).status_code == 200


def test_pagination_without_count(client, signed_in, case_worker, make_person):
    for i in range(27):
        make_person(case_worker, full_name=f"Orang Nomor {i:02d}")
    signed_in(client, case_worker)
    first = client.get(reverse("people:index")).content.decode()
    assert "Orang Nomor 00" in first and "Orang Nomor 26" not in first and 'rel="next"' in first
    second = client.get(reverse("people:index"), {"page": 2}).content.decode()
    assert "Orang Nomor 26" in second and 'rel="next"' not in second


def test_create_page_matrix(client, case_worker, read_only, regions):
    assert_permission_matrix(
        client,
        url=reverse("people:create"),
        method="post",
        data=_post_data(),
        denied=[(read_only, 403)],
        allowed=[(case_worker, 302)],
        snapshot=db_snapshot(Person, PersonPhone),
    )
    person = Person.objects.get()
    assert person.owner_agency == case_worker.agency
    assert person.address_region_id == "63.71.01.1001"
    assert [p.number for p in person.phones.all()] == ["+6281234567890"]
    assert person.aliases == ["Ayu", "Siti R."]


def test_create_with_bad_input_shows_messages_and_saves_nothing(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    response = client.post(
        reverse("people:create"),
        _post_data(nik="63710150019000", **{"phones-0-number": "bukan nomor"}, birth_date="2999-01-01"),
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "16 digit" in html  # Indonesian by default
    assert Person.objects.count() == 0 and AuditEntry.objects.count() == 0


def test_create_with_nik_mismatch_warns_then_saves_on_confirmation(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    response = client.post(reverse("people:create"), _post_data(sex="M"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="nik-warning"' in html
    assert 'type="checkbox" name="confirm_nik_mismatch"' in html
    assert 'value="Siti Rahayu"' in html  # what was typed is kept
    assert Person.objects.count() == 0
    response = client.post(reverse("people:create"), _post_data(sex="M", confirm_nik_mismatch="on"))
    assert response.status_code == 302
    assert Person.objects.get().sex == "M"


def test_detail_matrix_and_view_audit(client, case_worker, read_only, other_worker, make_person):
    person = make_person(case_worker, nik=NIK_WOMAN_1990, sex="F", birth_date=date(1990, 1, 10))
    url = reverse("people:detail", args=[person.pk])
    responses = assert_permission_matrix(
        client, url=url, denied=[(other_worker, 404)], allowed=[(case_worker, 200), (read_only, 200)]
    )
    html = responses["caseworker"].content.decode()
    assert "6371********0001" in html and NIK_WOMAN_1990 not in html
    assert 'data-testid="reveal-nik"' in html
    assert 'data-testid="reveal-nik"' not in responses["readonly"].content.decode()
    assert AuditEntry.objects.filter(action="view", object_id=str(person.pk), changes={}).count() == 2


def test_reveal_matrix(client, case_worker, read_only, other_worker, make_person):
    person = make_person(case_worker, nik=NIK_WOMAN_1990, sex="F", birth_date=date(1990, 1, 10))
    responses = assert_permission_matrix(
        client,
        url=reverse("people:reveal", args=[person.pk, "nik"]),
        method="post",
        denied=[(other_worker, 404), (read_only, 403)],
        allowed=[(case_worker, 200)],
    )
    assert NIK_WOMAN_1990 in responses["caseworker"].content.decode()
    assert AuditEntry.objects.filter(action="view", changes={"revealed": ["nik"]}).count() == 1


def test_edit_matrix_and_saves(client, case_worker, read_only, other_worker, make_person):
    person = make_person(case_worker, full_name="Siti Rahayu")
    data = _post_data(nik="", full_name="Siti Rahayu Putri", version=str(person.version))
    assert_permission_matrix(
        client,
        url=reverse("people:edit", args=[person.pk]),
        method="post",
        data=data,
        denied=[(other_worker, 404), (read_only, 403)],
        allowed=[(case_worker, 302)],
        snapshot=db_snapshot(Person.objects.filter(pk=person.pk), PersonPhone),
    )
    person.refresh_from_db()
    assert person.full_name == "Siti Rahayu Putri" and person.version == 2


def test_edit_form_is_prefilled(client, signed_in, case_worker, make_person):
    person = make_person(case_worker, full_name="Siti Rahayu", phones=["081234567890"])
    signed_in(client, case_worker)
    html = client.get(reverse("people:edit", args=[person.pk])).content.decode()
    assert 'value="Siti Rahayu"' in html and 'value="+6281234567890"' in html
    assert f'name="version" value="{person.version}"' in html


def test_stale_edit_keeps_the_users_input_and_says_so(
    client, signed_in, case_worker, supervisor, make_person
):
    person = make_person(case_worker, full_name="Siti Rahayu")
    signed_in(client, supervisor)
    client.post(
        reverse("people:edit", args=[person.pk]), _post_data(nik="", birth_place="Martapura", version="1")
    )
    signed_in(client, case_worker)
    response = client.post(
        reverse("people:edit", args=[person.pk]), _post_data(nik="", birth_place="Barabai", version="1")
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert 'data-testid="edit-conflict"' in html
    assert 'value="Barabai"' in html and 'name="version" value="2"' in html
    person.refresh_from_db()
    assert person.birth_place == "Martapura"


def test_delete_matrix(client, case_worker, supervisor, other_worker, make_person):
    person = make_person(case_worker)
    assert_permission_matrix(
        client,
        url=reverse("people:delete", args=[person.pk]),
        method="post",
        denied=[(other_worker, 404), (case_worker, 403)],
        allowed=[(supervisor, 302)],
        snapshot=db_snapshot(Person),
    )
    assert not Person.objects.exists()


def test_list_query_count_does_not_grow_with_rows(
    client, signed_in, case_worker, make_person, django_assert_max_num_queries
):
    for i in range(3):
        make_person(case_worker, full_name=f"Orang {i}")
    signed_in(client, case_worker)
    client.get(reverse("people:index"))  # warm caches (session, roles)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("people:index"))
    for i in range(3, 20):
        make_person(case_worker, full_name=f"Orang {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("people:index"))


def test_region_filter_includes_everything_inside(client, signed_in, case_worker, make_person, regions):
    make_person(case_worker, full_name="Siti Rahayu", address_region=regions.get(code="63.71.01.1001"))
    make_person(case_worker, full_name="Budi Santoso", address_region=regions.get(code="63.71"))
    make_person(case_worker, full_name="Ani Lestari", address_region=regions.get(code="52.01"))
    make_person(case_worker, full_name="Tanpa Alamat")
    signed_in(client, case_worker)
    for code, expected in (
        ("63.71", {"Siti Rahayu", "Budi Santoso"}),
        ("63.71.01.1001", {"Siti Rahayu"}),
        ("52", {"Ani Lestari"}),
    ):
        response = client.post(reverse("people:index"), {"region": code}, headers={"HX-Request": "true"})
        assert response.status_code == 200
        html = response.content.decode()
        shown = {
            name for name in ("Siti Rahayu", "Budi Santoso", "Ani Lestari", "Tanpa Alamat") if name in html
        }
        assert shown == expected, code
