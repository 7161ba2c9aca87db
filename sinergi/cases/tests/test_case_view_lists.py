"""A case page's lists (CaseView, `access.within_case`) ask the need-to-know rules of the one case they show;
the models' restrict() asks the same rules over every case. Both must keep exactly the same records, for every
relation an agency can have to a case: this test fails the day one of the two drifts from the other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from sinergi.cases import services
from sinergi.cases.access import case_view
from sinergi.cases.choices import Sensitivity
from sinergi.cases.models import Approval, CaseEvent, LeadTransfer, Note, Referral, Task

pytestmark = pytest.mark.django_db

LISTS = {
    "notes": Note,
    "events": CaseEvent,
    "referrals": Referral,
    "transfers": LeadTransfer,
    "approvals": Approval,
    "tasks": Task,
}


@pytest.fixture
def busy_case(cast, make_case):
    """A case with every kind of record: referrals accepted (police, UPTD) and pending (KBRI), a transfer asked
    of Dinsos, notes of each sensitivity by the lead and the participants, tasks of three agencies, an approval."""
    case = make_case()
    lead = cast.bp3mi.worker
    accepted = []
    for staff, need in ((cast.polda, "INVESTIGATION"), (cast.uptd, "SHELTER")):
        referral = services.referral_create(
            actor=lead, case=case, to_agency=staff.agency, need=need, reason="Mohon ditangani."
        )
        accepted.append(services.referral_accept(actor=staff.worker, referral=referral))
    services.referral_create(
        actor=lead, case=case, to_agency=cast.kbri.agency, need="REPATRIATION", reason="Mohon bantuan."
    )
    services.lead_transfer_request(
        actor=cast.bp3mi.supervisor,
        case=case,
        to_agency=cast.dinsos.agency,
        reason="Korban pindah ke wilayah.",
    )
    general, investigation, care = Sensitivity.GENERAL, Sensitivity.INVESTIGATION, Sensitivity.CARE
    writers = [(lead, (general, investigation, care)), (cast.polda.worker, (general, investigation))]
    writers.append((cast.uptd.worker, (general, care)))
    for author, sensitivities in writers:
        for sensitivity in sensitivities:
            services.note_add(
                actor=author, case=case, text=f"Catatan {sensitivity}.", sensitivity=sensitivity
            )
    for owner in (lead, cast.polda.worker, cast.uptd.worker):
        services.task_create(
            actor=owner,
            case=case,
            title="Tindak lanjut",
            owner=owner,
            due_at=timezone.now() + timedelta(days=2),
        )
    services.approval_request(actor=lead, case=case, kind="ASSESSMENT")
    case.refresh_from_db()
    return case


def test_every_list_of_the_case_page_keeps_what_restrict_keeps(cast, busy_case):
    readers = [
        cast.bp3mi.worker,  # lead
        cast.bp3mi.reader,  # lead, read-only
        cast.polda.worker,  # participant, investigation
        cast.uptd.worker,  # participant, care
        cast.kbri.worker,  # pending referral
        cast.dinsos.worker,  # pending transfer
        cast.lpsk.worker,  # nothing to do with the case
    ]
    seen_some = set()
    for user in readers:
        view = case_view(user, busy_case)
        for name, model in LISTS.items():
            expected = set(
                model.objects.restrict(user, "view").filter(case_id=busy_case.pk).values_list("pk", flat=True)
            )
            got = set(getattr(view, name)().values_list("pk", flat=True)) if view is not None else set()
            assert got == expected, f"{user.username}: {name}"
            if got:
                seen_some.add((user.username, name))
    # The comparison means something only if the readers do see different things.
    assert ("polda-kalsel-worker", "notes") in seen_some and (
        "kbri-kuala-lumpur-worker",
        "referrals",
    ) in seen_some
    polda = set(case_view(cast.polda.worker, busy_case).notes().values_list("sensitivity", flat=True))
    uptd = set(case_view(cast.uptd.worker, busy_case).notes().values_list("sensitivity", flat=True))
    assert Sensitivity.INVESTIGATION in polda and Sensitivity.CARE not in polda
    assert Sensitivity.CARE in uptd and Sensitivity.INVESTIGATION not in uptd
    assert not case_view(cast.kbri.worker, busy_case).notes().exists()


def test_the_hidden_parties_the_search_excludes_are_exactly_those_in_scope_it_may_not_see(
    cast, busy_case, make_case
):
    from sinergi.cases.access import party_identity_hidden_q, party_identity_q
    from sinergi.cases.models import Case, CaseParty

    child_case = make_case(child=True, victims=2)
    services.referral_create(
        actor=cast.bp3mi.worker, case=child_case, to_agency=cast.uptd.agency, need="SHELTER", reason="Mohon."
    )
    readers = [cast.bp3mi.worker, cast.bp3mi.reader, cast.polda.worker, cast.uptd.worker, cast.kbri.worker]
    readers += [cast.dinsos.worker, cast.lpsk.worker]
    hidden_somewhere = 0
    for user in readers:
        in_scope = CaseParty.objects.filter(case__in=Case.objects.restrict(user, "view"))
        visible = party_identity_q(user)
        expected = set(
            (in_scope.exclude(visible) if visible is not None else in_scope).values_list("pk", flat=True)
        )
        hidden = party_identity_hidden_q(user)
        got = (
            set(CaseParty.objects.filter(hidden).values_list("pk", flat=True))
            if hidden is not None
            else set()
        )
        assert got == expected, user.username
        hidden_somewhere += len(got)
    # The read-only staff of the lead agency may not see the child; the pending agencies no victim.
    reader_hidden = CaseParty.objects.filter(party_identity_hidden_q(cast.bp3mi.reader))
    assert reader_hidden.filter(case=child_case, age_group="CHILD").exists()
    assert hidden_somewhere > 0
