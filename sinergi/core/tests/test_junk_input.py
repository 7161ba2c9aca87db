"""No page and no API endpoint answers 500 to anything a user can type.

Every URL of the project is requested by the lead agency's case worker, by a police investigator the case was
referred to, and by the platform administrator: GET with junk in the query string; POST with every field its
page offers filled with junk (NUL characters, huge numbers, impossible dates, markup), then with nothing at
all; and for the API, POST and PATCH with JSON whose keys are the object's own fields and whose values are
junk of every type. Any answer of 500 fails the test with the list of URLs. The objects named in the URLs
exist (a case with its referral, note, task, party and document, a person, posts, a campaign), so the views
get past their 404s and the junk reaches the forms, filters, serializers and services.
"""

from __future__ import annotations

import re

import pytest
from django.test import Client

from sinergi.conftest import sign_in
from sinergi.core.testing.world import all_routes, url_for

pytestmark = pytest.mark.django_db

JUNK_QUERY = {
    "q": "\x00' OR 1=1 --<b>",
    "page": "-1",
    "page_size": "100000",
    "stage": "\x00",
    "status": "bukan-status",
    "region": "99.99.99\x00",
    "origin_region": "../../etc",
    "lead_agency": "abc",
    "destination_country": "ZZZZ",
    "reported_from": "2026-13-45",
    "reported_to": "kemarin",
    "risk": "\x00",
    "ordering": "__class__",
    "sex": "X",
    "nationality": "\x00\x00",
    "user": "x",
    "object_type": "\x00",
    "date_from": "31/02/2026",
    "next": "//evil.example/\x00",
    "field_name": "nik",
}
JUNK_VALUES = ("\x00x\x00", "99999999999999999999999", "2026-02-30", "<script>alert(1)</script>", "-1")
JSON_JUNK = ("\x00", 10**30, [{"a": None}], "2026-02-30T25:61:00" + "x" * 3000)
NAME_IN_FORM = re.compile(r'name="([^"]+)"')


@pytest.fixture
def world(module_world, django_capture_on_commit_callbacks):
    return module_world


def _json_keys(response) -> set[str]:
    if response.status_code != 200 or response.streaming or "json" not in response.get("Content-Type", ""):
        return set()
    data = response.json()
    if isinstance(data, dict) and isinstance(data.get("results"), list) and data["results"]:
        data = data["results"][0]
    return {key for key in data if isinstance(key, str)} if isinstance(data, dict) else set()


@pytest.mark.parametrize("who", ["worker", "investigator", "admin", "anonymous"])
def test_no_url_answers_500_to_junk(world, who):
    user = world.users.get(who)
    client = Client(raise_request_exception=False)
    failures = []

    def send(method, url, data, **kwargs):
        # Signed in again before every request: a junk POST may have signed the user out (logout, password).
        if user is not None:
            sign_in(client, user)
        response = getattr(client, method)(url, data, **kwargs)
        if response.status_code >= 500:
            shown = _shown_value(data)
            failures.append(f"{who} {method.upper()} {url} {shown}: {response.status_code}")
        return response

    for url in sorted({url_for(route, world.ids) for route in all_routes()}):
        page = send("get", url, JUNK_QUERY)
        html = b"" if page.streaming else page.content
        names = (
            set(NAME_IN_FORM.findall(html.decode("utf-8", "replace"))) if page.status_code == 200 else set()
        )
        names.discard("csrfmiddlewaretoken")
        # A page without a form (or one the user may not open) gets the empty POST once: with no field names,
        # every junk value would make the same empty POST again.
        for data in [{}] + ([dict.fromkeys(names, value) for value in JUNK_VALUES] if names else []):
            send("post", url, data)
        if url.startswith("/api/"):
            # The object's own field names (from its GET), each sent as junk of every type, by POST and PATCH.
            keys = _json_keys(page) | {"text", "items", "id", "version", "reason", "need", "to_agency"}
            for value in JSON_JUNK:
                for method in ("post", "patch"):
                    send(method, url, dict.fromkeys(keys, value), content_type="application/json")
    assert failures == [], "\n".join(failures)


def _shown_value(data) -> str:
    """What was sent, shortly: the first value (all fields get the same one)."""
    if isinstance(data, dict) and data:
        return repr(next(iter(data.values())))[:40]
    return "{}" if isinstance(data, dict) else repr(data)[:40]
