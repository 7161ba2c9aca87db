"""The generated need-to-know matrix: every URL and API operation, as a reader in every relation to a case.

For each reader of `core.testing.matrix.build_relations` (lead, pending addressee, accepted participant,
declined, revoked, done, former lead, outsider, the lead agency's read-only, analyst, outreach and agency
administrator staff, the platform administrator) and each route of `world.all_routes()`:

- GET: no 5xx; the body holds no secret of a field group the policy withholds from that reader (the victim's
  name, NIK and phone for IDENTITY, the narrative and notes for NARRATIVE); a reader with no relation gets no 2xx
  on a route naming a case, referral, task, document, party or person;
- on the case page and the API case, the groups the policy grants are there (the narrative for NARRATIVE, the
  victim's name for IDENTITY): the policy's answer, asserted both ways;
- POST (form and JSON) to every route naming such a record, as every reader with no relation: 403, 404 or 405,
  and nothing changed (cases, referrals, tasks, notes, documents, parties, people, notifications, transfers,
  approvals, outbox).

A new URL is in the matrix the day it is added. The counts are printed (`-s`) as the outside probe's figures.
"""

from __future__ import annotations

import pytest
from django.test import Client

from sinergi.conftest import sign_in
from sinergi.core.testing.matrix import (
    CASE_SCOPED,
    NARRATIVE,
    VICTIM_NAME,
    build_relations,
    case_records_snapshot,
    leaked,
)
from sinergi.core.testing.world import all_routes, url_for

pytestmark = pytest.mark.django_db

# Not pages or data: signing out and switching language change the session, which the next request needs.
SKIP = ("/accounts/logout/", "/i18n/setlang/")


@pytest.fixture(scope="module")
def matrix(module_world):
    """The readers are added to the module's world once, inside its transaction (rolled back with it)."""
    return module_world, build_relations(module_world)


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


# The readers in parts, so that the test runner's workers share the matrix instead of one of them walking all.
PARTS = 3


@pytest.mark.parametrize("part", range(PARTS))
def test_every_url_answers_each_relation_as_the_policy_says(matrix, part, capsys):
    world, readers = matrix
    readers = readers[part::PARTS]
    urls = sorted(
        {
            (route, url_for(route, world.ids))
            for route in all_routes()
            if not url_for(route, world.ids).endswith(SKIP)
        }
    )
    case_page = f"/cases/{world.ids['case_id']}/"
    case_pages = {case_page, f"/api/v1/cases/{world.ids['case_id']}/"}
    snapshot = case_records_snapshot()
    problems: list[str] = []
    requests = leaks = unexpected = 0
    for reader in readers:
        client = Client(raise_request_exception=False)
        sign_in(client, reader.user)
        for route, url in urls:
            # The case page with every section open: a closed section's content is not on the page at all.
            response = client.get(url + "?open=all" if url == case_page else url)
            requests += 1
            body = _body(response)
            if response.status_code >= 500:
                problems.append(f"{reader.name} GET {url}: {response.status_code}")
            found = leaked(body, reader)
            if found:
                leaks += len(found)
                problems.append(f"{reader.name} GET {url}: shows {found}")
            scoped = bool(CASE_SCOPED.search(route))
            if scoped and reader.outsider and 200 <= response.status_code < 300:
                unexpected += 1
                problems.append(f"{reader.name} GET {url}: {response.status_code} (no relation)")
            if url in case_pages and response.status_code == 200:
                problems += _granted_groups_present(reader, url, body)
            if scoped and reader.outsider:
                before = snapshot()
                for kwargs in ({}, {"content_type": "application/json"}):
                    answer = client.post(url, {}, **kwargs)
                    requests += 1
                    if answer.status_code not in (302, 403, 404, 405):
                        unexpected += 200 <= answer.status_code < 300
                        problems.append(f"{reader.name} POST {url}: {answer.status_code}")
                if snapshot() != before:
                    problems.append(f"{reader.name} POST {url}: something changed")
                sign_in(client, reader.user)
    print(f"\naccess_matrix_part: {part + 1} of {PARTS}")
    print(f"access_matrix_requests: {requests} requests")
    print(f"access_matrix_readers: {len(readers)} readers")
    print(f"access_matrix_leaks: {leaks} strings")
    print(f"access_matrix_unexpected_2xx: {unexpected} responses")
    assert problems == [], "\n".join(problems)


def _granted_groups_present(reader, url, body) -> list[str]:
    """The policy's positive answer: what it grants is shown (so the scan above is not vacuous)."""
    problems = []
    narrative_shown = "Phnom Penh" in body
    if narrative_shown != ("narrative" in reader.expect_groups):
        problems.append(
            f"{reader.name} {url}: narrative shown={narrative_shown}, policy {sorted(reader.expect_groups)}"
        )
    name_shown = VICTIM_NAME in body
    if name_shown != reader.sees_identity:
        problems.append(
            f"{reader.name} {url}: victim's name shown={name_shown}, policy {reader.sees_identity}"
        )
    return problems


def test_the_matrix_covers_every_relation_and_role(matrix):
    _world, readers = matrix
    names = {reader.name for reader in readers}
    assert {"pending", "accepted", "declined", "revoked", "done", "former_lead", "outsider", "admin"} <= names
    by_name = {reader.name: reader for reader in readers}
    assert by_name["accepted"].expect_groups and not by_name["accepted"].sees_identity
    assert not by_name["pending"].expect_groups and not by_name["admin"].expect_groups
    assert VICTIM_NAME in NARRATIVE  # the masking has a name to mask
