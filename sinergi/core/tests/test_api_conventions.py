"""The API keeps its own conventions, checked from its OpenAPI schema so that a new endpoint is checked too:

- every list the schema calls paginated answers a page (count, next, previous, results) and honours page_size;
- every typed query parameter (integer, number, boolean, date, one of a list) refuses a value of the wrong
  type with 400, the one error format, the parameter named in `fields`, the message in the caller's language
  (today's failure: an impossible date silently returned everything);
- validation errors of nested items come back in the same format, one dotted path per item and field;
- every GET refuses a query parameter it does not declare (400, each unknown name in `fields`), and accepts
  exactly the ones the schema documents (plus DRF's `format`): a misspelt filter that is ignored answers
  "everything", which the caller takes for the filtered answer.
"""

from __future__ import annotations

import pytest
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from sinergi.conftest import sign_in
from sinergi.core.api.params import STANDARD_QUERY_PARAMS, DeclaredQueryParamsMixin, declared_query_params

pytestmark = pytest.mark.django_db

# A value of the wrong type for each kind of parameter the schema declares.
WRONG = {
    "integer": "abc",
    "number": "x1",
    "boolean": "mungkin",
    "date": "2026-13-45",
    "enum": "BUKAN_PILIHAN",
}
# Parameters whose wrong values the paginator decides (a page past the end is its own, documented 404).
PAGINATION = {"page", "page_size"}


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _get_paths() -> list[str]:
    """Every path of the schema with a GET, read when the tests are collected: one test each."""
    paths = SchemaGenerator().get_schema(request=None, public=True)["paths"]
    return sorted(path for path, operations in paths.items() if "get" in operations)


@pytest.fixture
def world(module_world):
    return module_world


def _list_operations(schema):
    """(path, parameters) of every GET whose answer is a page, with the path's ids filled in later."""
    for path, operations in schema["paths"].items():
        operation = operations.get("get")
        if not operation:
            continue
        body = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
        reference = body.get("schema", {}).get("$ref", "")
        yield (
            path,
            reference.rsplit("/", 1)[-1],
            [p for p in operation.get("parameters", []) if p["in"] == "query"],
        )


def _kind(parameter) -> str | None:
    declared = parameter.get("schema", {})
    if declared.get("type") == "array":  # a list (`level=3,4`) refuses a wrong item like a single value
        declared = declared.get("items", {})
    if "enum" in declared:
        return "enum"
    if declared.get("format") == "date":
        return "date"
    return declared.get("type") if declared.get("type") in WRONG else None


def _fill(path: str, world) -> str:
    """The path with the world's records in it: an `{id}` is the case's unless the segment before it names the
    world's import or export (ids must be the real ones: on PostgreSQL a case and an import never share an id)."""
    by_segment = {"imports": world.ids["batch_id"], "exports": world.ids["run_id"]}
    parts = path.split("/")
    for index, part in enumerate(parts):
        name = part[1:-1] if part.startswith("{") and part.endswith("}") else None
        if name == "id":
            parts[index] = str(by_segment.get(parts[index - 1], world.ids["case_id"]))
        elif name is not None:
            parts[index] = str({"code": "63"}.get(name, 1))
    return "/".join(parts)


def _client_for(world, url: str) -> Client | None:
    """A signed-in client of the first world user the endpoint answers 200."""
    for who in ("worker", "investigator", "admin"):
        client = Client(HTTP_ACCEPT_LANGUAGE="id")
        sign_in(client, world.users[who])
        if client.get(url).status_code == 200:
            return client
    # The event feed answers integrated systems only: the world's police system, with a token of its own.
    from sinergi.agencies.models import User
    from sinergi.agencies.services import api_token_create

    _token, raw = api_token_create(user=User.objects.get(username="sistem-polda"), name="konvensi")
    client = Client(HTTP_ACCEPT_LANGUAGE="id", HTTP_AUTHORIZATION=f"Bearer {raw}")
    return client if client.get(url).status_code == 200 else None


def test_paginated_lists_answer_pages_and_typed_filters_refuse_wrong_types(schema, world):
    problems = []
    checked_lists = checked_parameters = 0
    for path, component, parameters in _list_operations(schema):
        url = _fill(path, world)
        paginated = component.startswith("Paginated")
        typed = [(p["name"], _kind(p)) for p in parameters if p["name"] not in PAGINATION and _kind(p)]
        if not paginated and not typed:
            continue
        client = _client_for(world, url)
        if client is None:
            problems.append(f"{url}: no world user gets 200")
            continue
        if paginated:
            checked_lists += 1
            page = client.get(url, {"page_size": 1}).json()
            is_page = isinstance(page, dict) and {"count", "next", "previous", "results"} <= set(page)
            if not is_page or len(page["results"]) > 1:
                problems.append(f"{url}: the schema says paginated, the answer is not a page of one")
        for name, kind in typed:
            checked_parameters += 1
            response = client.get(url, {name: WRONG[kind]})
            error = response.json().get("error") if "json" in response.get("Content-Type", "") else None
            if response.status_code != 400 or not error or name not in (error.get("fields") or {}):
                problems.append(f"{url}?{name}={WRONG[kind]} ({kind}): {response.status_code} {error}")
            elif error["message"] != "Data yang dikirim tidak valid.":
                problems.append(f"{url}?{name}: message not in Indonesian: {error['message']}")
    assert problems == [], "\n".join(problems)
    # The walk reached the API as it is: a schema that lost its lists would pass the loop above silently.
    assert checked_lists >= 20 and checked_parameters >= 25, (checked_lists, checked_parameters)


def test_nested_validation_errors_name_the_item_and_its_field(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="id")
    sign_in(client, world.users["worker"])
    body = {
        "intake_channel": "HOTLINE",
        "parties": [
            {"person": world.ids["person_id"], "role": "VICTIM", "age_group": "ADULT"},
            {"person": world.ids["person_id"], "role": "BUKAN_PERAN", "age_group": "ADULT"},
        ],
    }
    before = client.get("/api/v1/cases/").json()["count"]
    response = client.post("/api/v1/cases/", body, content_type="application/json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert list(error["fields"]) == ["parties.1.role"]
    assert all(
        isinstance(message, str) and "{" not in message for message in error["fields"]["parties.1.role"]
    )
    assert "daftar pilihan" in error["fields"]["parties.1.role"][0]  # DRF's Indonesian wording
    assert client.get("/api/v1/cases/").json()["count"] == before


@pytest.fixture(scope="module")
def system_client(module_world, django_db_blocker):
    """The world's police system with a token of its own (the event feed answers integrated systems only)."""
    from sinergi.agencies.models import User
    from sinergi.agencies.services import api_token_create

    with django_db_blocker.unblock():
        _token, raw = api_token_create(user=User.objects.get(username="sistem-polda"), name="parameter")
    return Client(HTTP_ACCEPT_LANGUAGE="id", HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.parametrize("path", _get_paths())
def test_every_get_refuses_an_unknown_parameter_by_name(path, world, system_client):
    url = _fill(path, world)
    unknown = {"reportd_from": "2026-01-01", "zz_unknown": ""}
    clients = []
    for who in ("worker", "investigator", "admin"):
        clients.append(sign_in(Client(HTTP_ACCEPT_LANGUAGE="id"), world.users[who]))
    answers = [client.get(url, unknown) for client in [*clients, system_client]]
    # The first caller let past authentication and permissions; the check comes before any record is read,
    # so a record out of that caller's scope answers the same 400 as one in it (nothing is told).
    response = next((r for r in answers if r.status_code not in (401, 403)), answers[0])
    assert response.status_code == 400, (url, response.status_code, response.content[:300])
    assert response.json()["error"] == {
        "code": "validation_error",
        "message": "Data yang dikirim tidak valid.",
        "fields": {name: ["Parameter tidak dikenal."] for name in unknown},
    }


def test_each_get_accepts_exactly_the_parameters_its_schema_documents(schema):
    """The names a view accepts (`declared_query_params`, read from the same declarations as the schema) are
    the names the schema documents for that operation, plus DRF's `format` and the ones an action refuses
    itself with a message of its own (`q` on the case list: search by POST). Every API view takes part."""
    from drf_spectacular.generators import EndpointEnumerator

    generator = SchemaGenerator()
    problems, compared = [], 0
    for path, _regex, method, callback in EndpointEnumerator().get_api_endpoints():
        if path in ("/api/v1/schema/", "/api/v1/docs/"):
            continue  # drf-spectacular's own pages read `format` and `lang`, and are not in the schema
        if not issubclass(callback.cls, DeclaredQueryParamsMixin):
            problems.append(f"{path}: {callback.cls.__name__} does not derive from DeclaredQueryParamsMixin")
            continue
        if method != "GET":
            continue
        view = generator.create_view(callback, method, None)
        operation = schema["paths"][generator.coerce_path(path, method, view)]["get"]
        documented = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
        refused = view.refused_query_params.get(getattr(view, "action", None) or "get", frozenset())
        accepted = declared_query_params(view)
        compared += 1
        if accepted != documented | STANDARD_QUERY_PARAMS | refused:
            problems.append(f"{path}: accepts {sorted(accepted)}, documents {sorted(documented)}")
    assert problems == [], "\n".join(problems)
    assert compared >= 40, compared
