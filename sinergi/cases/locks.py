"""Row locks for case writes, always taken in primary-key order so two services can never deadlock."""

from __future__ import annotations

from sinergi.cases.models import Case, LeadTransfer, Referral, Task


def case_lock(case_id: int) -> Case:
    """The case row, locked until the end of the transaction (SELECT ... FOR UPDATE; a no-op on SQLite)."""
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("lead_agency", "flow_version")
        .get(pk=case_id)
    )


def referral_lock(referral_id: int) -> tuple[Case, Referral]:
    """The referral and its case, case first (the order every service uses)."""
    case_id = Referral.objects.values_list("case_id", flat=True).get(pk=referral_id)
    case = case_lock(case_id)
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("to_agency", "from_agency")
        .get(pk=referral_id)
    )
    return case, referral


def transfer_lock(transfer_id: int) -> tuple[Case, LeadTransfer]:
    case_id = LeadTransfer.objects.values_list("case_id", flat=True).get(pk=transfer_id)
    case = case_lock(case_id)
    return case, LeadTransfer.objects.select_for_update(of=("self",)).get(pk=transfer_id)


def task_lock(task_id: int) -> tuple[Case, Task]:
    case_id = Task.objects.values_list("case_id", flat=True).get(pk=task_id)
    case = case_lock(case_id)
    return case, Task.objects.select_for_update(of=("self",)).get(pk=task_id)
