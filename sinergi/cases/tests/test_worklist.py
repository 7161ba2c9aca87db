"""The worklist home, the supervisors' approvals inbox, my tasks, and the deadlines of the week."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sinergi.cases import selectors, services
from sinergi.cases.choices import ApprovalState
from sinergi.cases.models import Approval, Referral
from sinergi.conftest import sign_in
from sinergi.core import registry


def client_for(user):
    return sign_in(Client(), user)


def counts(user) -> dict[str, int]:
    return {section.key: section.count for section in registry.worklist_for(user)}


def test_each_handler_sees_their_own_work_with_a_count_and_a_link(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman."
    )
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
    services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Hubungi keluarga korban",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=3),
    )

    addressee = counts(cast.uptd.worker)
    assert addressee["referrals"] == 1 and "approvals" not in addressee
    assert counts(cast.bp3mi.supervisor)["approvals"] == 1
    worker = counts(cast.bp3mi.worker)
    assert worker["tasks"] == 1 and worker["due_soon"] >= 1 and worker["overdue"] == 0
    # An agency with no business in the case sees none of it.
    outsider = counts(cast.lpsk.worker)
    assert outsider["referrals"] == 0 and outsider["overdue"] == 0 and outsider["due_soon"] == 0

    html = client_for(cast.uptd.worker).get(reverse("core:home")).content.decode()
    assert 'data-testid="work-referrals"' in html and case.reference in html
    assert f"{reverse('cases:referral_inbox')}#answer-{referral.pk}" in html
    html = client_for(cast.bp3mi.supervisor).get(reverse("core:home")).content.decode()
    assert f"{reverse('cases:approval_inbox')}#approval-{approval.pk}" in html


def test_late_work_is_overdue_and_this_weeks_is_due_soon(cast, make_case):
    case = make_case()
    now = timezone.now()
    late = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman."
    )
    Referral.objects.filter(pk=late.pk).update(accept_by=now - timedelta(hours=2))
    soon = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.dinsos.agency, need="REHABILITATION", reason="x"
    )
    Referral.objects.filter(pk=soon.pk).update(accept_by=now + timedelta(days=2))
    overdue = selectors.overdue_list(user=cast.bp3mi.worker, now=now)
    due_soon = selectors.due_soon_list(user=cast.bp3mi.worker, now=now)
    assert [i.referral.pk for i in overdue if i.referral] == [late.pk]
    assert soon.pk in [i.referral.pk for i in due_soon if i.referral]
    assert late.pk not in [i.referral.pk for i in due_soon if i.referral]
    page = client_for(cast.bp3mi.worker).get(reverse("cases:overdue") + "?soon=1").content.decode()
    assert "Jatuh tempo dalam tujuh hari ke depan" in page and case.reference in page


def test_supervisor_decides_from_the_inbox_and_returns_to_it(cast, make_case):
    case = make_case()
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
    client = client_for(cast.bp3mi.supervisor)
    page = client.get(reverse("cases:approval_inbox")).content.decode()
    assert case.reference in page and 'data-testid="approval-approve"' in page
    url = reverse("cases:approval_decide", args=[case.pk, approval.pk])
    response = client.post(
        url, {f"decide-{approval.pk}-decision": "approve", "next": reverse("cases:approval_inbox")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:approval_inbox")
    approval.refresh_from_db()
    assert approval.state == ApprovalState.APPROVED
    assert case.reference not in client.get(reverse("cases:approval_inbox")).content.decode()


def test_a_rejection_without_a_note_changes_nothing(cast, make_case):
    case = make_case()
    approval = services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
    response = client_for(cast.bp3mi.supervisor).post(
        reverse("cases:approval_decide", args=[case.pk, approval.pk]),
        {f"decide-{approval.pk}-decision": "reject", f"decide-{approval.pk}-note": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 400
    assert Approval.objects.get(pk=approval.pk).state == ApprovalState.PENDING


def test_the_approvals_inbox_is_for_supervisors_of_the_lead_only(cast, make_case):
    case = make_case()
    services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
    assert client_for(cast.bp3mi.worker).get(reverse("cases:approval_inbox")).status_code == 403
    # Another agency's supervisor has an inbox of its own, without this case in it.
    other = client_for(cast.polda.supervisor).get(reverse("cases:approval_inbox"))
    assert other.status_code == 200 and case.reference not in other.content.decode()


def test_my_work_lists_my_tasks_and_completing_one_returns_there(cast, make_case):
    case = make_case()
    task = services.task_create(
        actor=cast.bp3mi.worker,
        case=case,
        title="Kunjungan rumah",
        owner=cast.bp3mi.worker,
        due_at=timezone.now() + timedelta(days=2),
    )
    client = client_for(cast.bp3mi.worker)
    assert "Kunjungan rumah" in client.get(reverse("cases:my_work")).content.decode()
    response = client.post(
        reverse("cases:task_complete", args=[case.pk, task.pk]), {"next": reverse("cases:my_work")}
    )
    assert response.status_code == 302 and response["Location"] == reverse("cases:my_work")
    assert "Kunjungan rumah" not in client.get(reverse("cases:my_work")).content.decode()
    assert client_for(cast.bp3mi.supervisor).get(reverse("cases:my_work")).status_code == 200


def test_cases_assigned_without_a_first_step(cast, make_case):
    case = make_case(assigned_to=cast.bp3mi.worker)
    assert case.pk in [c.pk for c in selectors.cases_awaiting_action(user=cast.bp3mi.worker)]
    assert case.pk not in [c.pk for c in selectors.cases_awaiting_action(user=cast.bp3mi.supervisor)]
    # Sending a referral is a first handling step.
    services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Rumah aman."
    )
    assert case.pk not in [c.pk for c in selectors.cases_awaiting_action(user=cast.bp3mi.worker)]


def test_accepted_referrals_stay_on_the_addressees_worklist_until_done(cast, make_case):
    case = make_case()
    referral = services.referral_create(
        actor=cast.bp3mi.worker, case=case, to_agency=cast.polda.agency, need="INVESTIGATION", reason="Sidik."
    )
    services.referral_accept(actor=cast.polda.worker, referral=referral)
    # Investigation is due in 90 days: nothing is overdue or due this week, yet the work is listed.
    work = counts(cast.polda.worker)
    assert work["services_owed"] == 1 and work["due_soon"] == 0 and work["referrals"] == 0
    page = client_for(cast.polda.worker).get(reverse("cases:referral_inbox") + "?accepted=1")
    assert case.reference in page.content.decode()
    services.referral_report_services(actor=cast.polda.worker, referral=referral, description="Disidik.")
    services.referral_mark_done(actor=cast.bp3mi.worker, referral=referral)
    assert counts(cast.polda.worker)["services_owed"] == 0


def test_the_home_page_reads_each_section_in_one_query(cast, make_case, django_assert_max_num_queries):
    """Counts and first rows come together (registry.counted_head), so the queries do not grow with the work:
    the session, the user and the roles, then one query per section (the overdue and this week's deadlines share
    three), whatever the number of rows; and the page's one read entry in the audit trail (five queries here:
    its savepoint, the chain's lock, its head, the insert, the release)."""

    def add_work(n):
        for _ in range(n):
            case = make_case()
            services.referral_create(
                actor=cast.bp3mi.worker, case=case, to_agency=cast.uptd.agency, need="SHELTER", reason="Aman."
            )
            services.approval_request(actor=cast.bp3mi.worker, case=case, kind="ASSESSMENT")
            services.task_create(
                actor=cast.bp3mi.worker,
                case=case,
                title="Hubungi keluarga",
                owner=cast.bp3mi.worker,
                due_at=timezone.now() + timedelta(days=2),
            )

    add_work(2)
    supervisor, worker = client_for(cast.bp3mi.supervisor), client_for(cast.bp3mi.worker)
    for client in (supervisor, worker):
        client.get(reverse("core:home"))
    with django_assert_max_num_queries(25):
        assert supervisor.get(reverse("core:home")).status_code == 200
    add_work(5)
    with django_assert_max_num_queries(25):
        assert supervisor.get(reverse("core:home")).status_code == 200
    with django_assert_max_num_queries(21):
        html = worker.get(reverse("core:home")).content.decode()
    # Seven tasks: the count is of them all, the list shows the first five.
    sections = {section.key: section for section in registry.worklist_for(cast.bp3mi.worker)}
    assert sections["tasks"].count == 7 and len(sections["tasks"].items) == 5
    # The two deadline sections split one read the same way as the deadline pages' selectors.
    assert sections["due_soon"].count == len(selectors.due_soon_list(user=cast.bp3mi.worker)) >= 14
    assert sections["overdue"].count == len(selectors.overdue_list(user=cast.bp3mi.worker))
    assert 'data-testid="work-tasks"' in html
