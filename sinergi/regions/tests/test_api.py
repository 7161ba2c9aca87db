"""/api/v1/regions/: the search refuses a filter it cannot apply instead of answering every region."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/regions/"


@pytest.fixture
def api(client, signed_in, case_worker, regions):
    signed_in(client, case_worker)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "id"
    return client


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "abc"}, "level"),
        ({"level": "9"}, "level"),
        ({"level": "3,9"}, "level"),
        ({"level": "9", "parent": "63"}, "level"),
        ({"parent": "banjarmasin"}, "parent"),
        ({"parent": "63.7"}, "parent"),
        ({"q": "x" * 101}, "q"),
    ],
)
def test_a_filter_that_cannot_be_applied_is_refused_with_the_parameter_named(api, params, field):
    response = api.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Data yang dikirim tidak valid."
    assert list(error["fields"]) == [field]


def test_a_bad_parent_is_explained_in_indonesian(api):
    error = api.get(URL, {"parent": "banjarmasin"}).json()["error"]
    assert error["fields"]["parent"] == ["Masukkan kode wilayah seperti 63, 63.71 atau 6371."]


def test_levels_and_parent_narrow_the_search(api):
    body = api.get(URL, {"parent": "6371", "level": "3,4"}).json()
    assert body["count"] > 5 and {r["level"] for r in body["results"]} <= {3, 4}
    assert all(r["code"].startswith("63.71.") for r in body["results"])
    body = api.get(URL, {"parent": "63", "level": ["2", "3"]}).json()
    assert body["count"] > 0 and {r["level"] for r in body["results"]} <= {2, 3}
    assert api.get(URL, {"level": "1"}).json()["count"] == 3


@pytest.mark.parametrize("parent", ["63.99", "6399", "63.71.99.9999"])
def test_a_well_formed_parent_of_no_region_is_refused_not_answered_empty(api, parent):
    response = api.get(URL, {"parent": parent, "level": "3"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {"parent": ["Wilayah tidak ditemukan."]}


def test_an_unknown_parameter_is_named_not_ignored(api):
    # `parents` for `parent`: ignored, it would have answered the provinces as if no filter had been given.
    response = api.get(URL, {"parents": "63"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"parents": ["Parameter tidak dikenal."]}
