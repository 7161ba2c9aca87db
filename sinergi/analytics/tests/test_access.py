"""Need-to-know in analytics: a node or a count derived from a case outside the reader's access never shows."""

from __future__ import annotations

import pytest

from sinergi.analytics import dashboard, hotspots, priorities, selectors
from sinergi.analytics.periods import add_months, this_month
from sinergi.analytics.tests.conftest import PHONE
from sinergi.people.identifiers import normalise_phone, phone_index
from sinergi.regions.choices import RegionLevel

pytestmark = pytest.mark.django_db


def _phone_key():
    return "phone:" + phone_index(normalise_phone(PHONE))


def _keys(user):
    return set(selectors.network_for(user).keys)


def test_the_lead_agency_sees_its_cases_people_and_the_shared_phone_as_one_node(rebuilt):
    s = rebuilt
    keys = _keys(s.a_worker)
    assert {f"case:{s.case_a1.pk}", f"case:{s.case_a2.pk}", _phone_key(), f"post:{s.post.pk}"} <= keys
    network = selectors.network_for(s.a_worker)
    # Two recruiters' phones and the post's contact are one node with three links.
    assert network.graph.degree(network.index[_phone_key()]) == 3
    # B's case and its company are not A's: neither the case nor its organisation's link is there.
    assert f"case:{s.case_b1.pk}" not in keys
    assert not any(key.startswith("person:") and key in _keys(s.b_worker) for key in keys)


def test_another_agency_sees_nothing_of_cases_it_has_no_part_in(rebuilt):
    s = rebuilt
    assert _keys(s.c_worker) == set()  # no case of its own, no role reading posts: no node at all
    assert selectors.network_summary(s.c_worker)[1] == []


def test_the_post_links_the_two_agencies_groups_only_for_a_reader_who_sees_both(rebuilt):
    s = rebuilt
    path_for_a = selectors.network_for(s.a_worker)
    # For A the company node comes from the post only; B's case is not reachable.
    from sinergi.analytics import graph

    assert graph.shortest_path(path_for_a, f"case:{s.case_a1.pk}", f"case:{s.case_b1.pk}") is None
    # For B (police, no access to posts through a detection role? investigators view posts) the company links
    # B's case to the post, but A's cases stay out.
    keys_b = _keys(s.b_worker)
    assert f"case:{s.case_b1.pk}" in keys_b and "org:pt maju jaya" in keys_b
    assert f"case:{s.case_a1.pk}" not in keys_b


def test_an_analyst_without_a_case_role_sees_posts_but_no_case_nodes(rebuilt):
    s = rebuilt
    keys = _keys(s.a_analyst)
    assert f"post:{s.post.pk}" in keys and _phone_key() in keys
    assert not any(key.startswith(("case:", "person:")) for key in keys)


def test_an_accepted_referral_opens_the_case_nodes_and_a_revoked_one_closes_them(rebuilt):
    from sinergi.cases import services as cases

    s = rebuilt
    referral = cases.referral_create(
        actor=s.a_worker,
        case=s.case_a1,
        to_agency=s.c_worker.agency,
        need="SHELTER",
        reason="Mohon rumah aman.",
    )
    # Pending: C may read the referral but not the case's people.
    assert f"case:{s.case_a1.pk}" not in _keys(s.c_worker)
    cases.referral_accept(actor=s.c_worker, referral=referral)
    keys = _keys(s.c_worker)
    assert f"case:{s.case_a1.pk}" in keys
    # The recruiter's phone is an identity detail C may not see (no consent, not an investigator).
    assert _phone_key() not in keys
    assert f"case:{s.case_a2.pk}" not in keys
    referral.refresh_from_db()
    cases.referral_revoke(actor=s.a_worker, referral=referral, reason="Salah alamat.")
    assert f"case:{s.case_a1.pk}" not in _keys(s.c_worker)


def test_counts_only_include_the_readers_cases(rebuilt):
    s = rebuilt
    month = this_month()
    a = dashboard.dashboard(user=s.a_worker, since=add_months(month, -3), until=month)
    b = dashboard.dashboard(user=s.b_worker, since=add_months(month, -3), until=month)
    c = dashboard.dashboard(user=s.c_worker, since=add_months(month, -3), until=month)
    assert (a.cases_total, a.victims) == (2, 2)
    assert (b.cases_total, b.victims) == (1, 1)
    assert (c.cases_total, c.victims) == (0, 0)
    table_a = hotspots.hotspots(user=s.a_worker, level=RegionLevel.REGENCY, month=month)
    table_b = hotspots.hotspots(user=s.b_worker, level=RegionLevel.REGENCY, month=month)
    assert {row.code for row in table_a.rows if sum(row.cases.values())} == {"52.03"}
    assert {row.code for row in table_b.rows if sum(row.cases.values())} == {"63.71"}
    assert hotspots.hotspots(user=s.c_worker, level=RegionLevel.REGENCY, month=month).rows == []
    assert {c.code[:5] for c in priorities.priorities(user=s.a_worker)} == {"52.03"}
    assert priorities.priorities(user=s.c_worker) == []


def test_flagged_posts_naming_a_regency_count_for_readers_of_posts(rebuilt):
    s = rebuilt
    table = hotspots.hotspots(user=s.a_worker, level=RegionLevel.REGENCY, month=this_month())
    lombok = next(row for row in table.rows if row.code == "52.03")
    assert sum(lombok.posts.values()) == 1
    table_c = hotspots.hotspots(user=s.c_worker, level=RegionLevel.REGENCY, month=this_month())
    assert not table_c.posts_counted


def test_a_reader_with_no_case_and_no_post_gets_empty_pages(rebuilt, client, signed_in):
    from sinergi.agencies.choices import Role
    from sinergi.core.testing.factories import UserFactory

    officer = UserFactory(
        username="penyuluh-x", agency=rebuilt.c_worker.agency, roles=[Role.OUTREACH_OFFICER]
    )
    assert selectors.network_for(officer).graph.vcount() == 0
    signed_in(client, officer)
    for url in ("/analytics/", "/analytics/network/", "/analytics/hotspots/", "/analytics/priorities/"):
        assert client.get(url).status_code == 200


def test_the_case_nodes_are_the_cases_whose_details_the_policy_shows(rebuilt):
    from sinergi.analytics import access
    from sinergi.cases import services as cases

    s = rebuilt
    accepted = cases.referral_create(
        actor=s.a_worker, case=s.case_a1, to_agency=s.c_worker.agency, need="SHELTER", reason="Rumah aman."
    )
    cases.referral_accept(actor=s.c_worker, referral=accepted)
    cases.referral_create(
        actor=s.a_worker, case=s.case_a2, to_agency=s.b_worker.agency, need="INVESTIGATION", reason="Sidik."
    )  # pending: B sees the case, not its details
    for user in (s.a_worker, s.a_analyst, s.b_worker, s.c_worker):
        shown = {key for key in _keys(user) if key.startswith("case:")}
        detail = {f"case:{pk}" for pk in access.detail_cases(user).values_list("id", flat=True)}
        assert shown == detail, user.username
