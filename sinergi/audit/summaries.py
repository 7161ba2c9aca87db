"""Audit summaries in the reader's language.

An entry's `summary` is written once, in English with codes and ids ("user 4 signed in", "referral accepted"),
and is part of the hash chain: it is never rewritten. What a person reads is its translation here, made when
the page is shown: each known form of summary has a pattern and a translated sentence; the codes in it (a need,
a state, a channel) are shown by their label, read from the choices of the model field they come from (through
Django's app registry, so the audit trail still imports no app above it). A summary no pattern knows is shown
as written. A service that writes a new form of summary adds its pattern here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Render = Callable[[dict[str, str]], str]


def choice_label(model: str, field: str, value: str) -> str:
    """The label of `value` in the choices of `model.field` ("cases.Referral", "need"), or the value."""
    try:
        choices = apps.get_model(model)._meta.get_field(field).choices or ()
    except (LookupError, ValueError):
        return value
    for code, label in choices:
        if str(code).lower() == value.lower():
            return str(label)
    return value


# Labels the audit trail cannot know itself (it sits below the apps): an app registers how to name its codes,
# e.g. cases names the stages of its flow file.
_LABELLERS: dict[str, Callable[[str], str]] = {}


def register_labeller(name: str, labeller: Callable[[str], str]) -> None:
    _LABELLERS[name] = labeller


def _stage(code: str) -> str:
    labeller = _LABELLERS.get("stage")
    label = labeller(code) if labeller is not None else ""
    return label or code.replace("_", " ")


# (pattern, sentence): the sentence is formatted with the pattern's named groups, after `_values` turned codes
# into labels. The patterns match the whole summary.
_PLAIN: list[tuple[str, Any]] = [
    # agencies
    (
        r"agency (?P<code>\S+) created \((?P<type>\w+)\)",
        gettext_lazy("Agency %(code)s registered (%(type)s)"),
    ),
    (r"agency (?P<code>\S+) updated", gettext_lazy("Agency %(code)s changed")),
    (r"user (?P<id>\d+) created \((?P<kind>\w+)\)", gettext_lazy("User %(id)s created (%(kind)s)")),
    (r"user (?P<id>\d+) updated", gettext_lazy("User %(id)s changed")),
    (r"user (?P<id>\d+) roles changed", gettext_lazy("Roles of user %(id)s changed")),
    (r"user (?P<id>\d+) disabled", gettext_lazy("User %(id)s disabled")),
    (r"user (?P<id>\d+) enabled", gettext_lazy("User %(id)s enabled")),
    (r"user (?P<id>\d+) unlocked", gettext_lazy("User %(id)s unlocked")),
    (r"user (?P<id>\d+) changed password", gettext_lazy("User %(id)s changed their password")),
    (
        r"user (?P<id>\d+) reset password by e-mail",
        gettext_lazy("User %(id)s reset their password by e-mail"),
    ),
    (r"user (?P<id>\d+) signed in", gettext_lazy("User %(id)s signed in")),
    (
        r"user (?P<id>\d+) signed in on a trusted browser",
        gettext_lazy("User %(id)s signed in on a trusted browser"),
    ),
    (r"user (?P<id>\d+) signed out", gettext_lazy("User %(id)s signed out")),
    (
        r"sign-in failed \((?P<stage>[\w-]+)\): unknown account",
        gettext_lazy("Sign-in failed: unknown account"),
    ),
    (r"sign-in refused: account locked", gettext_lazy("Sign-in refused: the account is locked")),
    (r"sign-in failed \((?P<stage>[\w-]+)\)", gettext_lazy("Sign-in failed")),
    (
        r"sign-in failed \((?P<stage>[\w-]+)\) on a trusted browser",
        gettext_lazy("Sign-in failed on a trusted browser"),
    ),
    (
        r"a trusted browser of user (?P<id>\d+) locked out after repeated failures",
        gettext_lazy("A trusted browser of user %(id)s locked out after repeated failures"),
    ),
    (
        r"user (?P<id>\d+) locked out after repeated failures",
        gettext_lazy("User %(id)s locked out after repeated failures"),
    ),
    (
        r"user (?P<id>\d+) unlocked through the e-mailed link",
        gettext_lazy("User %(id)s unlocked through the e-mailed link"),
    ),
    (r"user (?P<id>\d+) enrolled in 2FA", gettext_lazy("User %(id)s set up two-step sign-in")),
    (r"user (?P<id>\d+) used a recovery code", gettext_lazy("User %(id)s used a recovery code")),
    (r"user (?P<id>\d+) generated new recovery codes", gettext_lazy("User %(id)s made new recovery codes")),
    (r"user (?P<id>\d+) 2FA reset", gettext_lazy("Two-step sign-in of user %(id)s reset")),
    (
        r"API token (?P<token>\d+) created for user (?P<id>\d+)",
        gettext_lazy("API token %(token)s created for user %(id)s"),
    ),
    (
        r"API token (?P<token>\d+) of user (?P<id>\d+) revoked",
        gettext_lazy("API token %(token)s of user %(id)s revoked"),
    ),
    # cases
    (r"case updated", gettext_lazy("Case details changed")),
    (r"case assigned", gettext_lazy("Case worker assigned")),
    (r"party (?P<role>\w+) linked", gettext_lazy("Person linked to the case as %(role)s")),
    (r"victim status decided", gettext_lazy("Victim status decided")),
    (r"consent recorded", gettext_lazy("Consent to share recorded")),
    (r"victim identity shared without consent", gettext_lazy("Victim's identity shared without consent")),
    (r"organisation (?P<org_kind>\w+) linked", gettext_lazy("Organisation linked: %(org_kind)s")),
    (r"route event (?P<route_kind>\w+)", gettext_lazy("Route event recorded: %(route_kind)s")),
    (r"note (?P<sensitivity>\w+)", gettext_lazy("Note added (%(sensitivity)s)")),
    (r"task created", gettext_lazy("Task created")),
    (r"task completed", gettext_lazy("Task completed")),
    (r"task escalated", gettext_lazy("Overdue task escalated")),
    (r"document uploaded", gettext_lazy("Document uploaded")),
    (r"document downloaded", gettext_lazy("Document downloaded")),
    (r"case intake via (?P<channel>\w+)", gettext_lazy("Case registered, reported through %(channel)s")),
    (r"referral escalated (?P<escalation>\w+)", gettext_lazy("Overdue referral escalated")),
    (
        r"referral (?P<referral_state>accepted|declined|done|revoked)",
        gettext_lazy("Referral %(referral_state)s"),
    ),
    (r"referral (?P<need>\w+)", gettext_lazy("Referral sent: %(need)s")),
    (r"services reported", gettext_lazy("Services delivered reported")),
    (r"flow (?P<code>\S+) loaded", gettext_lazy("Case flow %(code)s loaded")),
    (r"(?P<track>care|legal) (?P<from>\w+) -> (?P<to>\w+)", gettext_lazy("%(track)s: %(from)s to %(to)s")),
    (r"lead transfer requested", gettext_lazy("Lead transfer requested")),
    (
        r"lead transfer (?P<transfer_state>accepted|declined)",
        gettext_lazy("Lead transfer %(transfer_state)s"),
    ),
    (
        r"approval (?P<approval_kind>\w+) requested",
        gettext_lazy("Supervisor's approval requested: %(approval_kind)s"),
    ),
    (
        r"approval (?P<approval_kind>\w+) (?P<approval_state>approved|rejected)",
        gettext_lazy("Supervisor's approval of %(approval_kind)s: %(approval_state)s"),
    ),
    (r"case viewed as (?P<relation>\w+)", gettext_lazy("Case viewed (%(relation)s)")),
    (r"duplicate check", gettext_lazy("Duplicate check")),
    (r"case list viewed", gettext_lazy("Case list viewed")),
    (r"case search by person", gettext_lazy("Cases searched by person")),
    (r"overdue list viewed", gettext_lazy("Overdue list viewed")),
    (r"referral list viewed", gettext_lazy("Referral list viewed")),
    (r"approval list viewed", gettext_lazy("Approval list viewed")),
    (r"transfer list viewed", gettext_lazy("Lead transfer requests viewed")),
    (r"list read through the API", gettext_lazy("List read through the API")),
    (r"worklist viewed", gettext_lazy("Worklist viewed")),
    (r"record read through the API", gettext_lazy("Record read through the API")),
    (r"case search through the API", gettext_lazy("Cases searched through the API")),
    (r"letter (?P<letter_kind>\w+) printed", gettext_lazy("Letter printed: %(letter_kind)s")),
    # people
    (r"person viewed", gettext_lazy("Person viewed")),
    (r"person search", gettext_lazy("People searched")),
    (r"person list viewed", gettext_lazy("People list viewed")),
    (r"person created", gettext_lazy("Person recorded")),
    (r"person updated", gettext_lazy("Person changed")),
    (r"person deleted", gettext_lazy("Person deleted")),
    (r"identifier revealed: (?P<identifier>\w+)", gettext_lazy("Identifier shown in full: %(identifier)s")),
    # detection
    (r"Case opened from post", gettext_lazy("Case opened from a post")),
    (r"Case opened from departure screening", gettext_lazy("Case opened from a departure screening")),
    (
        r"Departure screening: (?P<risk>\w+), (?P<departure_action>\w+)",
        gettext_lazy("Departure screening: %(risk)s risk, %(departure_action)s"),
    ),
    (r"departure screening viewed", gettext_lazy("Departure screening viewed")),
    (r"departure screening list viewed", gettext_lazy("Departure screening list viewed")),
    (r"post queue viewed", gettext_lazy("Post queue viewed")),
    (r"post viewed", gettext_lazy("Post viewed")),
    (r"contact viewed", gettext_lazy("Contact viewed")),
    (r"post list viewed", gettext_lazy("Post list viewed")),
    (r"contact list viewed", gettext_lazy("Contact list viewed")),
    (r"Campaign reviewed: (?P<decision>\w+)", gettext_lazy("Campaign reviewed: %(decision)s")),
    (r"Post reviewed: (?P<decision>\w+)", gettext_lazy("Post reviewed: %(decision)s")),
    (
        r"Stored (?P<n>\d+) screened posts \((?P<source>\w+)\)",
        gettext_lazy("%(n)s screened posts stored (%(source)s)"),
    ),
    # exchange
    (r"linkage run requested", gettext_lazy("Duplicate search requested")),
    (r"linkage run finished", gettext_lazy("Duplicate search finished")),
    (r"people merged", gettext_lazy("Records confirmed as one person")),
    (r"people kept apart", gettext_lazy("Records kept apart as two people")),
    (r"decision undone", gettext_lazy("Decision undone")),
    (r"duplicate pair list viewed", gettext_lazy("Possible duplicates viewed")),
    (r"event subscription created", gettext_lazy("Event subscription created")),
    (r"event subscription stopped", gettext_lazy("Event subscription stopped")),
    (r"anonymised HTCDS export", gettext_lazy("Anonymised HTCDS export")),
    (r"import uploaded: (?P<record_type>\w+)", gettext_lazy("Import uploaded: %(record_type)s")),
    (r"import cancelled", gettext_lazy("Import cancelled")),
    (r"import committed: (?P<record_type>\w+)", gettext_lazy("Import saved: %(record_type)s")),
    # outreach, analytics, portal, the demo
    (
        r"outreach event in (?P<region>[\d.]+) on (?P<day>[\d-]+)",
        gettext_lazy("Outreach event in region %(region)s on %(day)s"),
    ),
    (r"outreach event (?P<id>\d+) updated", gettext_lazy("Outreach event %(id)s changed")),
    (
        r"attendance list of (?P<n>\d+) imported into outreach event (?P<id>\d+)",
        gettext_lazy("Attendance list of %(n)s imported into outreach event %(id)s"),
    ),
    (
        r"monthly report (?P<month>[\d-]+) as (?P<fmt>\w+)",
        gettext_lazy("Monthly report %(month)s downloaded (%(fmt)s)"),
    ),
    (
        r"network exported as GraphML \((?P<n>\d+) nodes\)",
        gettext_lazy("Recruiter network exported as GraphML (%(n)s nodes)"),
    ),
    (r"portal intake account", gettext_lazy("Account for the public portal's reports")),
    (
        r"community report via (?P<portal_channel>\w+)",
        gettext_lazy("Community report received (%(portal_channel)s)"),
    ),
    (r"community report: information added", gettext_lazy("Community report: information added")),
    (r"community report registered as a case", gettext_lazy("Community report registered as a case")),
    (
        r"demo data: (?P<agencies>\d+) agencies, (?P<users>\d+) users, (?P<people>\d+) people created",
        gettext_lazy("Demo data: %(agencies)s agencies, %(users)s users, %(people)s people created"),
    ),
]

# Which model field's choices label a code found under each group name.
_CODE_FIELDS: dict[str, tuple[str, str]] = {
    "type": ("agencies.Agency", "type"),
    "kind": ("agencies.User", "kind"),
    "role": ("cases.CaseParty", "role"),
    "org_kind": ("cases.CaseOrganisation", "kind"),
    "route_kind": ("cases.RouteEvent", "kind"),
    "sensitivity": ("cases.Note", "sensitivity"),
    "channel": ("cases.Case", "intake_channel"),
    "need": ("cases.Referral", "need"),
    "referral_state": ("cases.Referral", "state"),
    "transfer_state": ("cases.LeadTransfer", "state"),
    "approval_kind": ("cases.Approval", "kind"),
    "approval_state": ("cases.Approval", "state"),
    "letter_kind": ("agencies.IssuedLetter", "kind"),
    "risk": ("detection.DepartureScreening", "risk_level"),
    "departure_action": ("detection.DepartureScreening", "recommended_action"),
    "decision": ("detection.Review", "decision"),
    "source": ("detection.PostBatch", "source"),
    "record_type": ("exchange.ImportBatch", "record_type"),
}


def _relation(code: str) -> str:
    labels = {
        "lead": _("lead agency"),
        "participant": _("taking part"),
        "pending": _("asked to take part"),
        "former": _("formerly taking part"),
    }
    return labels.get(code, code)


def _track(code: str) -> str:
    return _("Care track") if code == "care" else _("Legal track")


def _identifier(code: str) -> str:
    labels = {"nik": _("NIK"), "passport_number": _("passport number"), "phones": _("phone")}
    return labels.get(code, code.replace("_", " "))


def _values(groups: dict[str, str]) -> dict[str, str]:
    values = {}
    for name, value in groups.items():
        if name in _CODE_FIELDS:
            label = choice_label(*_CODE_FIELDS[name], value)
            values[name] = label.lower() if name.endswith("_state") else label
        elif name in ("from", "to"):
            values[name] = _stage(value)
        elif name == "relation":
            values[name] = _relation(value)
        elif name == "track":
            values[name] = _track(value)
        elif name == "identifier":
            values[name] = _identifier(value)
        elif name == "fmt":
            values[name] = value.upper()
        else:
            values[name] = value
    return values


_COMPILED = [(re.compile(pattern + r"\Z"), sentence) for pattern, sentence in _PLAIN]


def summary_label(summary: str) -> str:
    """The summary as a sentence in the current language (as written when no pattern knows it)."""
    for pattern, sentence in _COMPILED:
        match = pattern.match(summary or "")
        if match:
            return str(sentence) % _values(match.groupdict())
    return summary


# The keys of an entry's `changes`, as a reader names them.
CHANGE_KEYS: dict[str, Any] = {
    "fields": gettext_lazy("fields changed"),
    "sessions_ended": gettext_lazy("sessions ended"),
    "tokens_revoked": gettext_lazy("tokens revoked"),
    "is_active": gettext_lazy("active"),
    "roles": gettext_lazy("roles"),
    "roles_added": gettext_lazy("roles added"),
    "roles_removed": gettext_lazy("roles removed"),
    "superuser": gettext_lazy("platform administrator"),
    "kind": gettext_lazy("kind"),
    "prefix": gettext_lazy("token prefix"),
    "locked_seconds": gettext_lazy("locked for (seconds)"),
    "lockout_count": gettext_lazy("lock-outs"),
    "case": gettext_lazy("case"),
    "agency": gettext_lazy("agency"),
    "owner": gettext_lazy("owner"),
    "person": gettext_lazy("person"),
    "sha256": gettext_lazy("SHA-256 fingerprint"),
    "type": gettext_lazy("file type"),
    "to_agency": gettext_lazy("to agency"),
    "due_at": gettext_lazy("due by"),
    "assigned_to": gettext_lazy("case worker"),
    "consent_to_share": gettext_lazy("consent to share"),
    "victim_status": gettext_lazy("victim status"),
    "done": gettext_lazy("done"),
    "escalated": gettext_lazy("escalated"),
    "from": gettext_lazy("from"),
    "to": gettext_lazy("to"),
    "outcome": gettext_lazy("outcome"),
    "state": gettext_lazy("state"),
    "referral": gettext_lazy("referral"),
    "stage": gettext_lazy("stage"),
    "flow": gettext_lazy("flow version"),
    "lead_agency": gettext_lazy("lead agency"),
    "province": gettext_lazy("province"),
    "letter_number": gettext_lazy("letter number"),
    "issuing_agency_id": gettext_lazy("issuing agency"),
    "nik_mismatch_confirmed": gettext_lazy("NIK mismatch confirmed"),
    "revealed": gettext_lazy("shown in full"),
    "status": gettext_lazy("status"),
    "review_id": gettext_lazy("review"),
    "posts_updated": gettext_lazy("posts changed"),
    "linked_case_id": gettext_lazy("linked case"),
    "counts": gettext_lazy("counts"),
    "sheet": gettext_lazy("sheet"),
    "record_type": gettext_lazy("records"),
    "sheet_count": gettext_lazy("sheets"),
    "size": gettext_lazy("size (bytes)"),
    "records": gettext_lazy("records"),
    "pairs": gettext_lazy("pairs"),
    "trained": gettext_lazy("trained"),
    "person_a": gettext_lazy("person A"),
    "person_b": gettext_lazy("person B"),
    "probability": gettext_lazy("probability"),
    "event_types": gettext_lazy("event types"),
    "system_user": gettext_lazy("system account"),
    "k": gettext_lazy("smallest group (k)"),
    "kept": gettext_lazy("kept"),
    "suppressed": gettext_lazy("suppressed"),
    "month": gettext_lazy("month"),
    "region": gettext_lazy("region"),
    "format": gettext_lazy("format"),
    "nodes": gettext_lazy("nodes"),
    "edges": gettext_lazy("edges"),
    "photos": gettext_lazy("photos"),
    "addition": gettext_lazy("addition"),
    "attendees": gettext_lazy("attendees"),
    "participants": gettext_lazy("participants"),
    "seed": gettext_lazy("seed"),
    "people": gettext_lazy("people"),
    "scale": gettext_lazy("scale"),
    "checkpoint_type": gettext_lazy("checkpoint type"),
    "risk_level": gettext_lazy("risk"),
    "recommended_action": gettext_lazy("recommended action"),
    "indicators": gettext_lazy("indicators"),
    "new_campaigns": gettext_lazy("new campaigns"),
    "posts": gettext_lazy("posts"),
    "campaigns": gettext_lazy("campaigns"),
    "channel": gettext_lazy("channel"),
    "case_id": gettext_lazy("case"),
    "version": gettext_lazy("version"),
    "count": gettext_lazy("records returned"),
    "kinds": gettext_lazy("searched by"),
    "query_hash": gettext_lazy("search fingerprint"),
    "role": gettext_lazy("role"),
    "elsewhere": gettext_lazy("held by another agency"),
}


def change_label(key: str) -> str:
    label = CHANGE_KEYS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


# Record types the trail names that are not models: what was done rather than a row (a search, an export).
RECORD_TYPES: dict[str, Any] = {
    "cases.duplicate_check": gettext_lazy("duplicate check"),
    "people.search": gettext_lazy("people search"),
    "people.list": gettext_lazy("people list"),
    "core.worklist": gettext_lazy("worklist"),
    "cases.person_search": gettext_lazy("case search by person"),
    "exchange.htcds_export": gettext_lazy("HTCDS export"),
    "analytics.monthly_report": gettext_lazy("monthly report"),
    "analytics.network": gettext_lazy("recruiter network"),
    "system.demo": gettext_lazy("demo data"),
}
