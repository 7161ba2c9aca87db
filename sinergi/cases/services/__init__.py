"""Every write to a case. Each service runs in one transaction, checks who may act (access.py) and what the
flow allows (flow.py), writes its timeline event (CaseEvent) and audit row in that same transaction, and sends
notifications after commit. Refusals raise ApplicationError with a stable code and change nothing.

Codes: permission_denied, not_found, transition_not_allowed, approval_required, outcome_required, case_closed,
conflict, not_addressee, referral_not_pending, referral_not_accepted, referral_exists, agency_not_eligible,
deadline_in_past, reason_required, closure_decision_required, transfer_exists, own_request, invalid_file, file_too_large, invalid_flow.

The services live in one module per seam (intake, flow, closure, records, referrals, transfers, approvals,
escalation); this package re-exports them so `from sinergi.cases.services import X` and
`services.X` keep working.
"""

from sinergi.cases.services.approvals import approval_decide, approval_request
from sinergi.cases.services.closure import Decision, case_close
from sinergi.cases.services.escalation import cases_escalate_overdue, notification_mark_read
from sinergi.cases.services.flow import case_transition, flow_of, flow_version_for_region, flow_version_load
from sinergi.cases.services.intake import case_intake, case_intake_in_transaction
from sinergi.cases.services.letters import letter_issue
from sinergi.cases.services.records import (
    UPDATABLE_FIELDS,
    case_assign,
    case_organisation_add,
    case_party_add,
    case_update,
    consent_record,
    document_upload,
    note_add,
    route_event_add,
    share_override,
    task_complete,
    task_create,
    victim_status_set,
)
from sinergi.cases.services.referrals import (
    referral_accept,
    referral_create,
    referral_decline,
    referral_mark_done,
    referral_report_services,
    referral_revoke,
)
from sinergi.cases.services.transfers import (
    lead_transfer_accept,
    lead_transfer_decline,
    lead_transfer_request,
)

__all__ = [
    "UPDATABLE_FIELDS",
    "Decision",
    "approval_decide",
    "approval_request",
    "case_assign",
    "case_close",
    "case_intake",
    "case_intake_in_transaction",
    "case_organisation_add",
    "case_party_add",
    "case_transition",
    "case_update",
    "cases_escalate_overdue",
    "consent_record",
    "document_upload",
    "flow_of",
    "flow_version_for_region",
    "flow_version_load",
    "lead_transfer_accept",
    "lead_transfer_decline",
    "lead_transfer_request",
    "letter_issue",
    "note_add",
    "notification_mark_read",
    "referral_accept",
    "referral_create",
    "referral_decline",
    "referral_mark_done",
    "referral_report_services",
    "referral_revoke",
    "route_event_add",
    "share_override",
    "task_complete",
    "task_create",
    "victim_status_set",
]
