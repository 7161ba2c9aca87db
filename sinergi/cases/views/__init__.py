"""Case pages: list, intake, detail with every action, timeline, inboxes, overdue list, notifications, metrics.

Thin adapters: reads through sinergi.cases.selectors and the CaseView of sinergi.cases.access (need-to-know),
writes through sinergi.cases.services. A refused action (ApplicationError) re-renders the page with the user's
input kept and the service's message shown; nothing was changed. Out-of-scope cases answer 404.

One module per seam (intake_form, case_detail, flow, referrals, transfers, approvals, records, escalation); this
package re-exports the views so `sinergi.cases.views.X` keeps working for the URLconf and for others.
"""

from sinergi.cases.views._shared import may_intake
from sinergi.cases.views.approvals import approval_decide, approval_inbox, approval_request
from sinergi.cases.views.case_detail import detail, edit, index, reads, section, timeline
from sinergi.cases.views.escalation import notifications, overdue
from sinergi.cases.views.flow import close, transition
from sinergi.cases.views.intake_form import intake
from sinergi.cases.views.letters import case_summary, handover_record, referral_letter
from sinergi.cases.views.metrics import metrics
from sinergi.cases.views.records import (
    assign,
    consent,
    document_download,
    document_upload,
    note_add,
    organisation_add,
    party_add,
    route_event_add,
    share_override,
    task_complete,
    task_create,
    victim_status,
)
from sinergi.cases.views.referrals import (
    referral_accept,
    referral_agencies,
    referral_create,
    referral_decline,
    referral_done,
    referral_inbox,
    referral_revoke,
    referral_services,
)
from sinergi.cases.views.search import find_by_person
from sinergi.cases.views.transfers import transfer_accept, transfer_decline, transfer_inbox, transfer_request
from sinergi.cases.views.worklist import my_work

__all__ = [
    "approval_decide",
    "approval_inbox",
    "approval_request",
    "assign",
    "case_summary",
    "close",
    "consent",
    "detail",
    "document_download",
    "document_upload",
    "edit",
    "find_by_person",
    "handover_record",
    "index",
    "intake",
    "may_intake",
    "metrics",
    "my_work",
    "note_add",
    "notifications",
    "organisation_add",
    "overdue",
    "party_add",
    "reads",
    "referral_accept",
    "referral_agencies",
    "referral_create",
    "referral_decline",
    "referral_done",
    "referral_inbox",
    "referral_letter",
    "referral_revoke",
    "referral_services",
    "route_event_add",
    "section",
    "share_override",
    "task_complete",
    "task_create",
    "timeline",
    "transfer_accept",
    "transfer_decline",
    "transfer_inbox",
    "transfer_request",
    "transition",
    "victim_status",
]
