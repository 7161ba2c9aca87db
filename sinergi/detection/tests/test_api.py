"""The detection API: screening without storing, storing, queue lists, reviews and departure screenings."""

from __future__ import annotations

import pytest

from sinergi.agencies.choices import AgencyType, Role
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot
from sinergi.detection import services
from sinergi.detection.choices import PostSource
from sinergi.detection.models import Campaign, DepartureScreening, PostBatch, Review, ScreenedPost
from sinergi.detection.tests.conftest import RISKY, SAFE
from sinergi.detection.tests.test_views import HIGH_RISK_ANSWERS

pytestmark = pytest.mark.django_db

SCREEN = "/api/v1/detection/screen/"
POSTS = "/api/v1/detection/posts/"
CAMPAIGNS = "/api/v1/detection/campaigns/"
DEPARTURES = "/api/v1/detection/departure-screenings/"


def api_answers() -> dict:
    answers = {k: v for k, v in HIGH_RISK_ANSWERS.items() if k != "checkpoint"}
    answers["age"] = 17
    answers["fee_paid_idr"] = 0
    return answers


@pytest.fixture
def stored(analyst):
    services.post_store_batch(
        actor=analyst,
        results=[{"text": RISKY, "account": "a"}, {"text": RISKY + " !", "account": "b"}, {"text": SAFE}],
        source=PostSource.API,
    )
    return Campaign.objects.order_by("-post_count").first()


def test_screen_one_text_stores_nothing(client, signed_in, case_worker):
    response = signed_in(client, case_worker).post(SCREEN, {"text": RISKY}, content_type="application/json")
    assert response.status_code == 200
    (result,) = response.json()["results"]
    assert result["risk_level"] in ("tinggi", "sedang", "rendah")
    assert result["indicators"] and {"code", "span_start", "span_end", "explanation", "basis"} <= set(
        result["indicators"][0]
    )
    assert "phones" in result["extracted"]
    assert not ScreenedPost.objects.exists()


def test_screen_a_batch_keeps_ids(client, signed_in, analyst):
    body = {"items": [{"id": "a", "text": RISKY}, {"id": "b", "text": SAFE}]}
    response = signed_in(client, analyst).post(SCREEN, body, content_type="application/json")
    assert [r["id"] for r in response.json()["results"]] == ["a", "b"]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"text": ""},
        {"text": "x" * 20_001},
        {"text": RISKY, "items": [{"text": SAFE}]},
        {"items": []},
        {"items": [{"id": "1"}]},
        {"items": "not a list"},
    ],
)
def test_screen_bad_input_is_a_uniform_400(client, signed_in, analyst, body):
    response = signed_in(client, analyst).post(SCREEN, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_error"


def test_screen_refuses_anonymous_and_broken_json(client, signed_in, analyst):
    assert client.post(SCREEN, {"text": RISKY}, content_type="application/json").status_code == 401
    response = signed_in(client, analyst).post(SCREEN, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "parse_error"


def test_store_matrix(client, analyst, case_worker, read_only, other_analyst):
    body = {"items": [{"text": RISKY, "account": "x"}, {"text": SAFE}]}
    responses = assert_permission_matrix(
        client,
        url=POSTS,
        method="post",
        data=body,
        api=True,
        denied=[(case_worker, 403), (read_only, 403)],
        allowed=[(other_analyst, 201)],
        snapshot=db_snapshot(ScreenedPost, PostBatch, Campaign),
    )
    batch = responses[other_analyst.username].json()
    assert batch["stored_count"] == 2 and batch["source"] == "api"


def test_store_with_invalid_items_stores_nothing_and_names_them(client, signed_in, analyst):
    body = {"items": [{"text": RISKY}, {"text": ""}, {"text": SAFE, "posted_at": "besok pagi"}]}
    response = signed_in(client, analyst).post(POSTS, body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid_lines"
    assert [line.split(":")[0] for line in error["fields"]["lines"]] == ["2", "3"]
    assert not ScreenedPost.objects.exists()


def test_store_with_a_token(client, analyst):
    responses = assert_permission_matrix(
        client,
        url=POSTS,
        method="post",
        data={"items": [{"text": RISKY}]},
        api=True,
        via="token",
        allowed=[(analyst, 201)],
    )
    assert responses["analyst"].json()["stored_count"] == 1


def test_lists_and_details_matrix(client, stored, analyst, read_only, case_worker, other_analyst):
    post = stored.posts.first()
    for url in (POSTS, CAMPAIGNS, "/api/v1/detection/batches/"):
        assert_permission_matrix(
            client,
            url=url,
            api=True,
            denied=[(case_worker, 403)],
            allowed=[(read_only, 200), (other_analyst, 200)],
        )
    for url in (f"{POSTS}{post.pk}/", f"{CAMPAIGNS}{stored.pk}/"):
        assert_permission_matrix(
            client, url=url, api=True, denied=[(case_worker, 403)], allowed=[(read_only, 200)]
        )


def test_campaign_list_filters_and_order(client, signed_in, analyst, stored):
    client = signed_in(client, analyst)
    results = client.get(CAMPAIGNS).json()["results"]
    ranks = {"tinggi": 3, "sedang": 2, "rendah": 1}
    assert [ranks[r["highest_risk"]] for r in results] == sorted(
        (ranks[r["highest_risk"]] for r in results), reverse=True
    )
    assert results[0]["post_count"] == 2
    flagged = client.get(CAMPAIGNS, {"risk": "flagged"}).json()["results"]
    assert all(r["highest_risk"] in ("tinggi", "sedang") for r in flagged)
    assert client.get(CAMPAIGNS, {"risk": "nonsense"}).status_code == 400


def test_post_list_filtered_by_campaign(client, signed_in, analyst, stored):
    results = signed_in(client, analyst).get(POSTS, {"campaign": stored.pk}).json()["results"]
    assert {r["account"] for r in results} == {"a", "b"}


def test_campaign_review_matrix(client, stored, analyst, read_only, case_worker):
    url = f"{CAMPAIGNS}{stored.pk}/review/"
    responses = assert_permission_matrix(
        client,
        url=url,
        method="post",
        data={"decision": "confirm", "reason": "modus Kamboja"},
        api=True,
        denied=[(case_worker, 403), (read_only, 404)],
        allowed=[(analyst, 201)],
        snapshot=db_snapshot(Review, Campaign, ScreenedPost),
    )
    assert responses["analyst"].json()["decision"] == "confirm"
    again = assert_permission_matrix(
        client,
        url=url,
        method="post",
        data={"decision": "dismiss", "reason": "x"},
        api=True,
        anonymous=False,
        allowed=[(analyst, 409)],
    )
    assert again["analyst"].json()["error"]["code"] == "already_reviewed"


def test_post_review_validation(client, signed_in, analyst, stored):
    post = stored.posts.first()
    response = signed_in(client, analyst).post(
        f"{POSTS}{post.pk}/review/", {"decision": "maybe", "reason": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"decision", "reason"}
    assert not Review.objects.exists()


def test_departure_create_and_visibility(client, officer, imigrasi, provinces, other_agency, read_only):
    body = {"checkpoint_type": "plbn", "checkpoint_name": "PLBN Motaain (Belu)", "answers": api_answers()}
    police_ntt = UserFactory(
        username="polda-ntt",
        agency=AgencyFactory(code="polda-ntt", type=AgencyType.POLRI, jurisdiction=provinces["53"]),
        roles=[Role.INVESTIGATOR],
    )
    dinsos = UserFactory(
        username="dinsos",
        agency=AgencyFactory(code="dinsos-ntt", type=AgencyType.DINSOS, jurisdiction=provinces["53"]),
        roles=[Role.CASE_WORKER],
    )
    responses = assert_permission_matrix(
        client,
        url=DEPARTURES,
        method="post",
        data=body,
        api=True,
        denied=[(read_only, 403), (dinsos, 403)],
        allowed=[(officer, 201)],
        snapshot=db_snapshot(DepartureScreening),
    )
    created = responses["officer"].json()
    assert created["risk_level"] == "tinggi" and created["recommended_action"] == "refer_police"
    assert created["province_code"] == "53"
    url = f"{DEPARTURES}{created['id']}/"
    other = UserFactory(username="other-police", agency=other_agency, roles=[Role.INVESTIGATOR])
    assert_permission_matrix(
        client,
        url=url,
        api=True,
        denied=[(other, 404), (dinsos, 404)],
        allowed=[(police_ntt, 200), (officer, 200)],
    )


def test_departure_bad_answers(client, signed_in, officer):
    body = {
        "checkpoint_type": "plbn",
        "checkpoint_name": "PLBN Entikong",
        "answers": {"purpose": "smuggling"},
    }
    response = signed_in(client, officer).post(DEPARTURES, body, content_type="application/json")
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "purpose" in fields and "age" in fields
    assert not DepartureScreening.objects.exists()


def test_screen_says_the_verdict_its_questions_and_the_parts_of_the_score(client, signed_in, case_worker):
    client = signed_in(client, case_worker)
    vague = {"text": "Ada lowongan kerja di luar negeri, gajinya lumayan. Berminat?"}
    (result,) = client.post(SCREEN, vague, content_type="application/json").json()["results"]
    assert result["verdict"] == "kurang_informasi" and result["questions"]
    assert "verdict" not in result["extracted"]
    (risky,) = client.post(SCREEN, {"text": RISKY}, content_type="application/json").json()["results"]
    assert risky["verdict"] in ("tinggi", "sedang") and "aman" not in risky["verdict_text"].lower()
    assert sum(p["delta"] for p in risky["score_parts"]) == pytest.approx(risky["score"], abs=1e-3)


@pytest.mark.parametrize(
    ("url", "start", "end"),
    [
        (POSTS, "received_from", "received_to"),
        (CAMPAIGNS, "seen_from", "seen_to"),
        (DEPARTURES, "screened_from", "screened_to"),
    ],
)
def test_a_reversed_date_range_is_refused_not_answered_empty(
    client, signed_in, analyst, stored, url, start, end
):
    client = signed_in(client, analyst)
    response = client.get(url, {start: "2026-05-02", end: "2026-05-01"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert error["fields"] == {end: ["Tanggal akhir sebelum tanggal awal."]}
    assert client.get(url, {start: "2026-05-01", end: "2026-05-01"}).status_code == 200


@pytest.mark.parametrize("name", ["campaign", "batch"])
def test_post_list_refuses_an_id_that_is_not_a_whole_number(client, signed_in, analyst, stored, name):
    response = signed_in(client, analyst).get(POSTS, {name: "1.5"}, HTTP_ACCEPT_LANGUAGE="id")
    assert response.status_code == 400
    assert list(response.json()["error"]["fields"]) == [name]
    assert signed_in(client, analyst).get(POSTS, {name: str(stored.pk)}).status_code == 200


def test_post_list_ids_are_integers_in_the_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    parameters = {p["name"]: p["schema"] for p in schema["paths"][POSTS]["get"]["parameters"]}
    assert parameters["campaign"]["type"] == parameters["batch"]["type"] == "integer"
