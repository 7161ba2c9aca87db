"""/api/v1/people/: same rules and messages as the pages, uniform error format, nothing changes on denial."""

from __future__ import annotations

import json
from datetime import date

import pytest

from sinergi.audit.models import AuditEntry
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot
from sinergi.people.models import Person, PersonPhone
from sinergi.people.tests.conftest import NIK_WOMAN_1990

pytestmark = pytest.mark.django_db

URL = "/api/v1/people/"


def _body(**overrides):
    body = {
        "full_name": "Siti Rahayu",
        "sex": "F",
        "birth_date": "1990-01-10",
        "nik": NIK_WOMAN_1990,
        "nationality": "ID",
        "address_region": "63.71.01.1001",
        "phones": [{"number": "0812-3456-7890", "label": "HP"}],
        "handles": [{"platform": "tiktok", "handle": "@siti90"}],
        "aliases": ["Ayu"],
    }
    body.update(overrides)
    return body


def _post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_create_matrix(client, case_worker, read_only, regions):
    for via in ("session", "token"):
        Person.objects.all().delete()
        responses = assert_permission_matrix(
            client,
            url=URL,
            method="post",
            data=_body(),
            api=True,
            via=via,
            denied=[(read_only, 403)],
            allowed=[(case_worker, 201)],
            snapshot=db_snapshot(Person, PersonPhone),
        )
        body = responses["caseworker"].json()
        assert body["nik_masked"] == "6371********0001"
        assert NIK_WOMAN_1990 not in json.dumps(body)
        assert body["phones"][0]["number_masked"].startswith("+62812")
        assert body["address_region"] == "63.71.01.1001"
        assert body["version"] == 1


def test_validation_errors_are_uniform_and_in_the_callers_language(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    response = client.post(
        URL,
        json.dumps(_body(nik="12", phones=[{"number": "abc"}], birth_date="2999-01-01")),
        content_type="application/json",
        headers={"Accept-Language": "id"},
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert {"nik", "phones.0.number", "birth_date"} <= set(error["fields"])
    assert "16 digit" in error["fields"]["nik"][0]
    response = _post(client, URL, _body(address_region="99.99"))
    assert response.status_code == 400 and "address_region" in response.json()["error"]["fields"]
    assert Person.objects.count() == 0


def test_a_bad_item_of_a_list_is_named_by_its_path(client, signed_in, case_worker, regions):
    """The service's refusal of the second phone and the first account names them as the serializer would."""
    signed_in(client, case_worker)
    body = _body(
        phones=[{"number": "0812-3456-7890"}, {"number": "12"}],
        handles=[{"platform": "tiktok", "handle": "@@@"}],
    )
    response = client.post(
        URL, json.dumps(body), content_type="application/json", headers={"Accept-Language": "id"}
    )
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {
        "phones.1.number": [
            "Nomor telepon ke-2 bukan nomor yang valid (contoh: 0812-3456-7890 atau +60 12-345 6789)."
        ],
        "handles.0.handle": ["Akun ke-1 bukan nama akun yang valid."],
    }
    assert Person.objects.count() == 0


def test_nik_mismatch_needs_confirmation(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    response = _post(client, URL, _body(sex="M"))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "nik_mismatch" and "sex" in error["fields"]
    assert Person.objects.count() == 0
    response = _post(client, URL, _body(sex="M", confirm_nik_mismatch=True))
    assert response.status_code == 201


def test_list_filters_and_scope(client, signed_in, case_worker, other_worker, make_person):
    make_person(case_worker, full_name="Siti Rahayu", nik=NIK_WOMAN_1990, phones=["081234567890"])
    make_person(case_worker, full_name="Budi Santoso")
    make_person(other_worker, full_name="Siti Aminah")
    signed_in(client, case_worker)

    def names(params):
        response = client.get(URL, params)
        assert response.status_code == 200, response.content
        return sorted(p["full_name"] for p in response.json()["results"])

    def found(body):
        response = client.post(f"{URL}search/", body, content_type="application/json")
        assert response.status_code == 200, response.content
        return sorted(p["full_name"] for p in response.json()["results"])

    assert names({}) == ["Budi Santoso", "Siti Rahayu"]
    assert found({"q": "siti"}) == ["Siti Rahayu"]
    assert found({"nik": NIK_WOMAN_1990}) == ["Siti Rahayu"]
    assert found({"nik": "6371 0150 0190 0001"}) == ["Siti Rahayu"]
    assert found({"phone": "+62 812-3456-7890"}) == ["Siti Rahayu"]
    assert found({"phone": "0812 0000 0000"}) == []
    assert names({"region": "63.71"}) == []
    # A malformed filter is refused with the parameter named, never ignored (that would answer "everyone").
    response = client.get(URL, {"region": "nonsense"})
    assert response.status_code == 400 and list(response.json()["error"]["fields"]) == ["region"]
    assert names({"sex": "F", "nationality": "id"}) == []
    response = client.post(f"{URL}search/", {"phone": "not a number"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"]["fields"]["phone"]
    response = client.post(f"{URL}search/", {"nik": "123"}, content_type="application/json")
    assert response.status_code == 400 and "nik" in response.json()["error"]["fields"]
    # Identifiers in the address are refused with the way to send them instead, never silently ignored.
    for params in ({"q": "siti"}, {"nik": NIK_WOMAN_1990}, {"phone": "081234567890"}):
        response = client.get(URL, params)
        assert response.status_code == 400 and "search/" in str(response.json()["error"]["fields"])


def test_retrieve_matrix_and_audit(client, case_worker, read_only, other_worker, make_person):
    person = make_person(case_worker)
    before = AuditEntry.objects.filter(action="view").count()
    assert_permission_matrix(
        client,
        url=f"{URL}{person.pk}/",
        api=True,
        denied=[(other_worker, 404)],
        allowed=[(case_worker, 200), (read_only, 200)],
    )
    assert AuditEntry.objects.filter(action="view").count() == before + 2


def test_update_matrix_conflict_and_patch(
    client, signed_in, case_worker, read_only, other_worker, make_person
):
    person = make_person(case_worker, full_name="Siti Rahayu")
    assert_permission_matrix(
        client,
        url=f"{URL}{person.pk}/",
        method="put",
        data=_body(nik="", full_name="Siti Rahayu Putri", version=1),
        api=True,
        denied=[(other_worker, 404), (read_only, 403)],
        allowed=[(case_worker, 200)],
        snapshot=db_snapshot(Person.objects.filter(pk=person.pk)),
    )
    person.refresh_from_db()
    assert person.full_name == "Siti Rahayu Putri" and person.version == 2
    signed_in(client, case_worker)
    stale = client.patch(
        f"{URL}{person.pk}/",
        json.dumps({"birth_place": "Barabai", "version": 1}),
        content_type="application/json",
    )
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "edit_conflict"
    patched = client.patch(
        f"{URL}{person.pk}/",
        json.dumps({"birth_place": "Barabai", "version": 2}),
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["birth_place"] == "Barabai" and patched.json()["full_name"] == "Siti Rahayu Putri"
    missing_version = client.patch(
        f"{URL}{person.pk}/", json.dumps({"birth_place": "X"}), content_type="application/json"
    )
    assert missing_version.status_code == 400


def test_delete_matrix(client, case_worker, supervisor, other_worker, make_person):
    person = make_person(case_worker)
    assert_permission_matrix(
        client,
        url=f"{URL}{person.pk}/",
        method="delete",
        api=True,
        denied=[(other_worker, 404), (case_worker, 403)],
        allowed=[(supervisor, 204)],
        snapshot=db_snapshot(Person),
    )
    assert not Person.objects.exists()


def test_reveal_matrix(client, case_worker, read_only, other_worker, make_person):
    person = make_person(
        case_worker, nik=NIK_WOMAN_1990, sex="F", birth_date=date(1990, 1, 10), phones=["081234567890"]
    )
    responses = assert_permission_matrix(
        client,
        url=f"{URL}{person.pk}/reveal/",
        method="post",
        data={"field": "nik"},
        api=True,
        denied=[(other_worker, 404), (read_only, 403)],
        allowed=[(case_worker, 200)],
    )
    assert responses["caseworker"].json() == {"field": "nik", "value": NIK_WOMAN_1990}


def test_regions_api(client, signed_in, case_worker, regions):
    assert client.get("/api/v1/regions/").status_code == 401
    signed_in(client, case_worker)
    body = client.get("/api/v1/regions/").json()
    assert body["count"] == 3 and {r["code"] for r in body["results"]} == {"63", "52", "53"}
    body = client.get("/api/v1/regions/", {"q": "banjarmasin", "level": "2"}).json()
    assert [r["code"] for r in body["results"]] == ["63.71"]
    body = client.get("/api/v1/regions/", {"parent": "63.71", "level": "3"}).json()
    assert body["count"] == 5 and all(r["parent"] == "63.71" for r in body["results"])
    assert client.get("/api/v1/regions/63.71.01/").json()["name"] == "Banjarmasin Selatan"
    assert client.get("/api/v1/regions/637101/").json()["code"] == "63.71.01"
    assert client.get("/api/v1/regions/99.99/").status_code == 404


def test_schema_lists_people_and_regions(client, signed_in, case_worker):
    signed_in(client, case_worker)
    response = client.get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = (
        json.loads(response.content)["paths"]
        if response["Content-Type"].startswith("application/json")
        else None
    )
    text = response.content.decode()
    assert "/api/v1/people/{id}/reveal/" in text and "/api/v1/regions/" in text
    if paths:
        assert "post" in paths["/api/v1/people/"]


def test_a_region_filter_naming_no_region_is_refused_in_the_list_and_the_search(
    client, signed_in, case_worker, regions
):
    signed_in(client, case_worker)
    listed = client.get(URL, {"region": "99.99"})
    searched = _post(client, URL + "search/", {"q": "Siti", "region": "99.99"})
    for response in (listed, searched):
        assert response.status_code == 400
        assert response.json()["error"]["fields"]["region"] == ["Wilayah tidak ditemukan."]
    assert client.get(URL, {"region": "6371"}).status_code == 200
    assert _post(client, URL + "search/", {"q": "Siti", "region": ""}).status_code == 200
