"""The duplicate review on the platform: the run over the people table, who sees which pairs, merge and undo."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from sinergi.agencies.choices import Role
from sinergi.audit.models import AuditEntry
from sinergi.core.errors import ApplicationError, ConflictError
from sinergi.core.testing.factories import UserFactory
from sinergi.core.testing.permissions import assert_permission_matrix, db_snapshot
from sinergi.exchange.duplicates import selectors, services
from sinergi.exchange.models import CandidatePair, LinkRun
from sinergi.exchange.models.linkage import PairStatus
from sinergi.people.models import Person
from sinergi.people.nik import nik_build
from sinergi.people.services import PersonData, PhoneInput, person_create


def _person(actor, name, **extra):
    return person_create(actor=actor, data=PersonData(full_name=name, **extra))


def _pair(a, b, probability=0.8, band="review"):
    run = LinkRun.objects.create(status="done")
    a, b = sorted((a.pk, b.pk))
    return CandidatePair.objects.create(
        run=run, person_a_id=a, person_b_id=b, probability=probability, match_weight=1.0, band=band
    )


@pytest.fixture
def twins(case_worker, regions):
    nik = nik_build("637101", date(1990, 1, 5), "M", 77)
    first = _person(
        case_worker, "Muhammad Yusuf Santoso", sex="M", nik=nik, phones=[PhoneInput("0812-3456-7890")]
    )
    second = _person(case_worker, "Moh. Yusuf Santoso", sex="M", birth_date=date(1990, 1, 5))
    return first, second


@pytest.mark.django_db
def test_a_run_over_the_people_table_proposes_the_pair_and_keeps_decisions(case_worker, supervisor, twins):
    _person(case_worker, "Siti Aminah", sex="F", birth_date=date(1975, 3, 2))
    run = services.link_run_request(actor=supervisor)
    with pytest.raises(ConflictError):
        services.link_run_request(actor=supervisor)  # one run at a time
    run = services.link_run_execute(run_id=run.pk)
    assert (run.status, run.records, run.trained) == ("done", 3, False)
    pair = CandidatePair.objects.get()
    assert {pair.person_a_id, pair.person_b_id} == {twins[0].pk, twins[1].pk}
    services.pair_decide(actor=case_worker, pair_id=pair.pk, decision="merge", version=pair.version)
    # A second run replaces undecided pairs only: the decision stays.
    again = services.link_run_execute(run_id=services.link_run_request(actor=supervisor).pk)
    assert again.status == "done"
    assert CandidatePair.objects.get().status == PairStatus.MERGED


class _Killed(BaseException):
    """The worker's process dying: nothing of the service's own error handling runs."""


@pytest.mark.django_db
def test_a_run_left_running_by_a_killed_worker_finishes_once_when_its_task_runs_again(
    supervisor, twins, monkeypatch
):
    run = services.link_run_request(actor=supervisor)
    store = services._store_pairs

    def killed(*args, **kwargs):
        store(*args, **kwargs)
        raise _Killed

    # The worker dies while storing the pairs, inside the transaction that would have finished the run.
    monkeypatch.setattr(services, "_store_pairs", killed)
    with pytest.raises(_Killed):
        services.link_run_execute(run_id=run.pk)
    monkeypatch.setattr(services, "_store_pairs", store)
    assert LinkRun.objects.get(pk=run.pk).status == "running" and not CandidatePair.objects.exists()
    run = services.link_run_execute(run_id=run.pk)  # the lease expired: the worker runs the task again
    assert run.status == "done" and run.pairs == 1 and CandidatePair.objects.count() == 1
    assert services.link_run_request(actor=supervisor).status == "queued"  # no longer "already running"


@pytest.mark.django_db
def test_case_worker_cannot_start_a_run(case_worker):
    with pytest.raises(ApplicationError):
        services.link_run_request(actor=case_worker)
    assert not LinkRun.objects.exists()


@pytest.mark.django_db
def test_merge_is_audited_and_undone(case_worker, twins):
    pair = _pair(*twins)
    merged = services.pair_decide(actor=case_worker, pair_id=pair.pk, decision="merge", version=1)
    assert merged.status == PairStatus.MERGED and merged.decided_by == case_worker
    assert [p.pk for p in selectors.same_person(user=case_worker, person=twins[0])] == [twins[1].pk]
    entry = AuditEntry.objects.filter(summary="people merged").get()
    assert entry.changes["person_a"] == pair.person_a_id and "Yusuf" not in str(entry.changes)
    with pytest.raises(ConflictError):
        services.pair_undo(actor=case_worker, pair_id=pair.pk, version=1)  # stale version: nothing changes
    undone = services.pair_undo(actor=case_worker, pair_id=pair.pk, version=2)
    assert undone.status == PairStatus.PENDING
    assert selectors.same_person(user=case_worker, person=twins[0]) == []
    assert AuditEntry.objects.filter(summary="decision undone").count() == 1
    assert Person.objects.filter(pk__in=[t.pk for t in twins]).count() == 2  # no record was touched


@pytest.mark.django_db
def test_reviewer_sees_only_pairs_of_people_their_agency_may_see(case_worker, other_agency, twins):
    other_worker = UserFactory(agency=other_agency, roles=[Role.CASE_WORKER])
    foreign = _person(other_worker, "Moh Yusuf Santoso", sex="M")
    visible = _pair(*twins)
    hidden = _pair(twins[0], foreign)
    assert list(selectors.pair_list(user=case_worker)) == [visible]
    assert list(selectors.pair_list(user=other_worker)) == []
    with pytest.raises(Exception) as raised:
        services.pair_decide(actor=other_worker, pair_id=hidden.pk, decision="merge", version=1)
    assert raised.type.__name__ == "Http404"
    hidden.refresh_from_db()
    assert hidden.status == PairStatus.PENDING


@pytest.mark.django_db
def test_review_page_lists_the_unsure_pair_with_masked_nik(client, signed_in, case_worker, twins):
    pair = _pair(*twins)
    _pair(twins[1], _person(case_worker, "Yusuf S."), probability=0.99, band="match")
    signed_in(client, case_worker)
    response = client.get(reverse("exchange:duplicates"))
    body = response.content.decode()
    assert response.status_code == 200
    assert f'data-pair="{pair.pk}"' in body and body.count("data-pair=") == 1
    assert twins[0].nik not in body and twins[0].nik[:4] in body
    assert (
        client.get(reverse("exchange:duplicates") + "?queue=match").content.decode().count("data-pair=") == 1
    )


@pytest.mark.django_db
def test_decide_view_matrix(client, case_worker, other_agency, twins):
    pair = _pair(*twins)
    reader = UserFactory(agency=case_worker.agency, roles=[Role.READ_ONLY])
    stranger = UserFactory(agency=other_agency, roles=[Role.CASE_WORKER])
    assert_permission_matrix(
        client,
        url=reverse("exchange:duplicates_decide", args=[pair.pk]),
        method="post",
        data={"decision": "keep_apart", "version": "1"},
        denied=[(reader, 403), (stranger, 404)],
        allowed=[(case_worker, 302)],
        snapshot=db_snapshot(CandidatePair.objects.all()),
    )
    pair.refresh_from_db()
    assert pair.status == PairStatus.KEPT_APART


@pytest.mark.django_db
def test_junk_decision_changes_nothing(client, signed_in, case_worker, twins):
    pair = _pair(*twins)
    signed_in(client, case_worker)
    url = reverse("exchange:duplicates_decide", args=[pair.pk])
    for data in ({"decision": "delete", "version": "1"}, {"decision": "merge", "version": "x"}, {}):
        assert client.post(url, data).status_code == 302
    pair.refresh_from_db()
    assert (pair.status, pair.version) == (PairStatus.PENDING, 1)


@pytest.mark.django_db
def test_intake_warning_scores_the_visible_candidates_only(case_worker, other_agency, twins):
    other_worker = UserFactory(agency=other_agency, roles=[Role.CASE_WORKER])
    nik = twins[0].nik
    _person(other_worker, "Muhammad Yusuf Santoso", sex="M", nik=nik)  # another agency's record: not visible
    entered = PersonData(
        full_name="M. Yusuf Santoso", sex="M", nik=nik, phones=[PhoneInput("+62 812 3456 7890")]
    )
    found = selectors.intake_duplicates(user=case_worker, data=entered)
    assert [person.pk for person, _, _ in found][:1] == [twins[0].pk]
    assert all(person.owner_agency_id == case_worker.agency_id for person, _, _ in found)
    assert found[0][2] == "match"
    assert selectors.intake_duplicates(user=case_worker, data=PersonData(full_name="Rina Wati")) == []
