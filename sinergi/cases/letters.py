"""What the case letters say: the surat rujukan of a referral, the case summary and the handover record (berita
acara serah terima) of a lead transfer, as data for `sinergi/cases/typst/letter.typ`.

Reads only: everything comes through the reader's `CaseView`, so a letter holds exactly what its reader may see
on the case page. A person whose identity the reader may not see appears as a role label ("Korban 1"), and the
free texts (narrative, reasons, answers) have that person's recorded names and numbers masked (masking.py). The
letters are in Bahasa Indonesia whatever the reader's language: they are official correspondence.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sinergi.cases.access import CaseView, PartyView, mask_parties
from sinergi.cases.choices import PartyRole
from sinergi.cases.templatetags.cases import choice_labels, regency_of, stage_label
from sinergi.core.countries import country_name

TEMPLATE = "sinergi/cases/typst/letter.typ"
LETTER_LANGUAGE = "id"


def _day(value: Any) -> str:
    return date_format(timezone.localtime(value), "j F Y") if value else "—"


def _moment(value: Any) -> str:
    return date_format(timezone.localtime(value), "j F Y, H.i") if value else "—"


def _hidden_parties(view: CaseView) -> list[PartyView]:
    """The people whose identity this reader may not see. A reader without the case's details (an agency still
    deciding on a referral) sees nobody's identity: every party is masked in the texts it reads."""
    if view.can_see_details:
        return [party for party in view.parties() if not party.identity_visible]
    parties = view.case.parties.select_related("person").order_by("role", "id")
    counters: dict[str, int] = {}
    hidden = []
    for party in parties:
        counters[party.role] = counters.get(party.role, 0) + 1
        hidden.append(
            PartyView(
                party=party,
                identity_visible=False,
                label=f"{party.get_role_display()} {counters[party.role]}",
            )
        )
    return hidden


def _masked(view: CaseView, text: str) -> str:
    return mask_parties(text or "", _hidden_parties(view))


def _agency_block(agency: Any) -> dict[str, Any]:
    contact = " · ".join(
        part
        for part in (
            _("Phone %(phone)s") % {"phone": agency.phone} if agency.phone else "",
            agency.email,
        )
        if part
    )
    lines = [line.strip() for line in (agency.letterhead or "").splitlines() if line.strip()]
    return {
        "letterhead": lines or [agency.name.upper()],
        "address": [line.strip() for line in (agency.address or "").splitlines() if line.strip()],
        "contact": contact,
        "name": agency.name,
        "place": agency.letter_place,
    }


def _signatory(agency: Any, role: str) -> dict[str, str]:
    return {
        "role": role,
        "agency": agency.name,
        "title": agency.signatory_title or _("Head of %(agency)s") % {"agency": agency.name},
        "name": agency.signatory_name,
        "nip": agency.signatory_nip,
    }


def _case_facts(view: CaseView) -> list[list[str]]:
    """The case's summary as the reader may see it: the same fields and redaction as the case page's facts."""
    case = view.case
    facts = [
        [_("Case reference"), case.reference],
        [_("Reported"), _day(case.reported_at)],
        [_("Channel"), case.get_intake_channel_display()],
        [_("Stage"), stage_label(case)],
    ]
    if view.can_see_investigation and case.legal_stage:
        facts.append([_("Legal track"), stage_label(case, case.legal_stage)])
    facts.append([_("Status"), case.get_status_display()])
    facts.append([_("Lead agency"), case.lead_agency.name])
    origin = (
        (case.origin_region.path_name or case.origin_region.name)
        if view.can_see_details and case.origin_region
        else regency_of(case.origin_region)
    )
    facts.append([_("Region of origin"), origin or "—"])
    destination = country_name(case.destination_country) or "—"
    if view.can_see_details and case.destination_city:
        destination = f"{destination}, {case.destination_city}"
    facts.append([_("Destination"), destination])
    facts.append([_("Exploitation"), choice_labels(case.exploitation_types, "ExploitationType") or "—"])
    if case.labour_sector:
        facts.append([_("Sector"), case.get_labour_sector_display()])
    return facts


def _people(view: CaseView) -> list[list[str]]:
    """One row per person: who they are when the reader may see it, otherwise the role label only."""
    if not view.can_see_details:
        return [[party.label, _("identity withheld (need-to-know)")] for party in _hidden_parties(view)]
    rows = []
    for party_view in view.parties():
        party = party_view.party
        if not party_view.identity_visible:
            rows.append([party_view.label, _("identity withheld (need-to-know)")])
            continue
        person = party.person
        details = [person.full_name]
        if person.nik:
            details.append(_("NIK %(nik)s") % {"nik": person.nik})
        if person.birth_date:
            details.append(_("born %(date)s") % {"date": date_format(person.birth_date, "j F Y")})
        if party.role == PartyRole.VICTIM and party.victim_status:
            details.append(party.get_victim_status_display())
        rows.append([party_view.label, ", ".join(details)])
    return rows


def _withheld_note(view: CaseView) -> str:
    if view.can_see_details and all(party.identity_visible for party in view.parties()):
        return ""
    return _(
        "Some details are withheld in this letter: its reader's agency may not see them under need-to-know "
        "(UU 21/2007, UU 27/2022). Names and numbers of those people are masked in the texts."
    )


def _footer(view: CaseView) -> str:
    reader = view.user.get_full_name() or view.user.username
    return _(
        "Printed from Sinergi by %(reader)s on %(when)s. Confidential: for the handling of this case only."
    ) % {
        "reader": reader,
        "when": _moment(timezone.now()),
    }


def _referral_rows(view: CaseView, *, open_only: bool = False) -> list[list[str]]:
    return [
        [
            referral.get_need_display(),
            referral.to_agency.name,
            referral.get_state_display(),
            _day(referral.due_at),
        ]
        for referral in view.referrals().order_by("created_at", "id")
        if referral.is_open or not open_only
    ]


def referral_letter(*, view: CaseView, referral: Any, number: str) -> dict[str, Any]:
    """The surat rujukan: the referring agency's letter asking the addressee to take on one need."""
    with translation.override(LETTER_LANGUAGE):
        case = view.case
        sender = referral.from_agency
        data = {
            **_agency_block(sender),
            "kind": _("Referral letter"),
            "number": number,
            "date": _day(referral.created_at),
            "subject": _("Referral of case %(reference)s: %(need)s")
            % {"reference": case.reference, "need": referral.get_need_display()},
            "to": [_("To"), referral.to_agency.name],
            "opening": _(
                "With respect, %(sender)s, as the agency handling the case below, refers it to %(receiver)s "
                "for the following service."
            )
            % {"sender": sender.name, "receiver": referral.to_agency.name},
            "sections": [
                {
                    "heading": _("The referral"),
                    "rows": [
                        [_("Service needed"), referral.get_need_display()],
                        [_("Reason"), _masked(view, referral.reason)],
                        [_("Please answer by"), _moment(referral.accept_by)],
                        [_("Services due by"), _moment(referral.due_at)],
                        [_("Legal basis of the deadline"), referral.deadline_source or "—"],
                        [_("State"), referral.get_state_display()],
                    ]
                    + ([[_("Answer"), _masked(view, referral.answer_note)]] if referral.answer_note else []),
                },
                {"heading": _("The case"), "rows": _case_facts(view)},
                {"heading": _("People in the case"), "rows": _people(view)},
            ],
            "closing": _(
                "Please confirm in Sinergi whether you accept this referral. Thank you for your cooperation."
            ),
            "signatories": [_signatory(sender, _("Referring agency"))],
            "withheld": _withheld_note(view),
            "footer": _footer(view),
        }
    return data


def case_summary(*, view: CaseView, number: str) -> dict[str, Any]:
    """The case summary, on the letterhead of the reader's agency, with what that agency may see."""
    with translation.override(LETTER_LANGUAGE):
        case = view.case
        agency = view.user.agency
        sections = [{"heading": _("The case"), "rows": _case_facts(view)}]
        people = _people(view)
        if people:
            sections.append({"heading": _("People in the case"), "rows": people})
        narrative = view.narrative()
        if narrative:
            sections.append({"heading": _("What happened"), "text": narrative})
        referrals = _referral_rows(view)
        if referrals:
            sections.append(
                {
                    "heading": _("Referrals"),
                    "table": {
                        "header": [_("Need"), _("To agency"), _("State"), _("Services due by")],
                        "rows": referrals,
                    },
                }
            )
        data = {
            **_agency_block(agency),
            "kind": _("Case summary"),
            "number": number,
            "date": _day(timezone.now()),
            "subject": _("Summary of case %(reference)s") % {"reference": case.reference},
            "to": [],
            "opening": "",
            "sections": sections,
            "closing": "",
            "signatories": [_signatory(agency, _("Prepared by"))],
            "withheld": _withheld_note(view),
            "footer": _footer(view),
        }
    return data


def handover_record(*, view: CaseView, transfer: Any, number: str) -> dict[str, Any]:
    """The berita acara serah terima: the lead agency hands the case to another, both sign."""
    with translation.override(LETTER_LANGUAGE):
        case = view.case
        giver, taker = transfer.from_agency, transfer.to_agency
        rows = [
            [_("Requested"), _moment(transfer.requested_at)],
            [_("Reason"), _masked(view, transfer.reason)],
            [_("State"), transfer.get_state_display()],
        ]
        if transfer.answered_at:
            rows.append([_("Answered"), _moment(transfer.answered_at)])
        if transfer.answer_note:
            rows.append([_("Answer"), _masked(view, transfer.answer_note)])
        sections = [
            {"heading": _("The handover"), "rows": rows},
            {"heading": _("The case"), "rows": _case_facts(view)},
        ]
        people = _people(view)
        if people:
            sections.append({"heading": _("People in the case"), "rows": people})
        open_referrals = _referral_rows(view, open_only=True)
        if open_referrals:
            sections.append(
                {
                    "heading": _("Open referrals handed over"),
                    "table": {
                        "header": [_("Need"), _("To agency"), _("State"), _("Services due by")],
                        "rows": open_referrals,
                    },
                }
            )
        documents = [[d.title, _day(d.uploaded_at)] for d in view.documents().order_by("uploaded_at", "id")]
        if documents:
            sections.append(
                {
                    "heading": _("Documents in Sinergi"),
                    "table": {"header": [_("Title"), _("Uploaded")], "rows": documents},
                }
            )
        data = {
            **_agency_block(giver),
            "kind": _("Handover record"),
            "number": number,
            "date": _day(transfer.answered_at or transfer.requested_at),
            "subject": _("Handover of the lead of case %(reference)s") % {"reference": case.reference},
            "to": [],
            "opening": _(
                "On this day %(giver)s hands the lead of the case below to %(taker)s, which takes over its "
                "handling, its open referrals and its deadlines."
            )
            % {"giver": giver.name, "taker": taker.name},
            "sections": sections,
            "closing": "",
            "signatories": [_signatory(giver, _("Handed over by")), _signatory(taker, _("Received by"))],
            "withheld": _withheld_note(view),
            "footer": _footer(view),
        }
    return data
