"""The need-to-know matrix, generated: readers in every relation to the world's case, and what the policy says
each of them may see. `sinergi/core/tests/test_access_matrix.py` walks every URL of `world.all_routes()` with
each reader, so a new URL is in the matrix the day it is added.

On top of `core.testing.world.build_world` (whose BP3MI case worker leads the case and whose police investigator
holds a PENDING referral), `build_relations` adds one reader per relation and role:

- accepted: a UPTD PPA case worker whose referral was ACCEPTED (sees the narrative, not the victim: no consent);
- declined, revoked, done: agencies whose referral ended that way;
- former_lead: an agency that led the case and handed the lead back;
- outsider: a case worker of an agency that never touched the case;
- read_only, analyst, outreach, agency_admin: the lead agency's staff in each non-case-handling role;
- admin: the platform administrator.

The victim gets a name no other record bears, a NIK and a phone number, and the narrative names her, so the
scan has something to find; so do the reason of the pending referral and of a pending lead transfer to the same
agency (free text written to an addressee, which it must read masked).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils import timezone

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases.policy import (
    Action,
    FieldGroup,
    Kind,
    PartyFacts,
    Reader,
    Relation,
    decide,
    identity_visible,
)
from sinergi.core.testing.factories import AgencyFactory, UserFactory
from sinergi.core.testing.world import World

VICTIM_NAME = "Ratna Kusumawardani"  # no other record of the world bears it, so finding it is a leak
VICTIM_NIK = "6371015203950004"
VICTIM_PHONE = "+6281205559876"
NARRATIVE = (
    f"{VICTIM_NAME} dihubungi lewat 0812-0555-9876 oleh perekrut bernama Bang Jago; "
    "dijanjikan kerja admin di Phnom Penh, paspor ditahan."
)
REASON = f"Mohon diselidiki: {VICTIM_NAME} (NIK {VICTIM_NIK}, HP 0812-0555-9876) minta pendampingan."
# What the scan looks for, per field group (the NIK and phone as typed anywhere, with or without separators).
SECRETS: dict[FieldGroup, tuple[str, ...]] = {
    FieldGroup.IDENTITY: (VICTIM_NAME, VICTIM_NIK, "81205559876", "0812-0555-9876"),
    FieldGroup.NARRATIVE: ("Phnom Penh", "Bang Jago", "Catatan awal."),
}
# Routes naming a record that holds case or person data: a reader with no relation must not get a 2xx there.
CASE_SCOPED = re.compile(
    r"<(?:int:)?(?:case_id|referral_id|task_id|document_id|party_id|person_id|transfer_id|approval_id)>"
    r"|^api/v1/(?:cases|referrals|tasks|case-parties|people|documents|transfers|approvals)/<pk>"
)


@dataclass
class MatrixReader:
    name: str
    user: object
    relation: Relation
    expect_groups: frozenset[FieldGroup] = field(default=frozenset())
    sees_identity: bool = False

    @property
    def outsider(self) -> bool:
        return not self.expect_groups and self.relation in (Relation.NONE, Relation.FORMER)


def _policy_answer(user, relation: Relation) -> tuple[frozenset[FieldGroup], bool]:
    agency = user.agency if user.agency_id else None
    reader = Reader(
        relation=relation,
        roles=frozenset(user.role_codes),
        agency_type=agency.type if agency else None,
        platform_admin=user.is_superuser,
    )
    decision = decide(Kind.CASE, Action.VIEW, reader)
    victim = PartyFacts(is_victim=True, is_child=False, consent_given=False, override_for_reader=False)
    groups = decision.groups if decision else frozenset()
    return groups, bool(decision) and identity_visible(reader, victim)


def build_relations(world: World) -> list[MatrixReader]:
    """Adds the readers to `world` (its case, its victim) and returns them with the policy's answer for each."""
    from sinergi.cases import services as cases
    from sinergi.cases.models import Case
    from sinergi.people.identifiers import nik_index, phone_index
    from sinergi.people.models import PersonPhone

    case = Case.objects.get(pk=world.ids["case_id"])
    worker = world.users["worker"]
    lead = worker.agency
    from sinergi.people.names import normalise_name

    person = case.parties.get(role="VICTIM").person
    person.nik, person.nik_index = VICTIM_NIK, nik_index(VICTIM_NIK)
    person.full_name, person.name_normalised = VICTIM_NAME, normalise_name(VICTIM_NAME)
    person.search_names = " " + person.name_normalised
    person.save(update_fields=["nik", "nik_index", "full_name", "name_normalised", "search_names"])
    PersonPhone.objects.create(person=person, number=VICTIM_PHONE, number_index=phone_index(VICTIM_PHONE))
    case = cases.case_update(actor=worker, case=case, expected_version=case.version, narrative=NARRATIVE)

    def agency_user(code, agency_type, roles=(Role.CASE_WORKER,)):
        agency = AgencyFactory(code=code, type=agency_type, jurisdiction=lead.jurisdiction)
        return UserFactory(username=f"m-{code}", agency=agency, roles=list(roles))

    def referred(user, need):
        return cases.referral_create(
            actor=worker, case=case, to_agency=user.agency, need=need, reason="Mohon."
        )

    accepted = agency_user("m-uptd", AgencyType.UPTD_PPA)
    cases.referral_accept(actor=accepted, referral=referred(accepted, "SHELTER"))
    declined = agency_user("m-dinsos", AgencyType.DINSOS)
    cases.referral_decline(actor=declined, referral=referred(declined, "REHABILITATION"), reason="Penuh.")
    revoked = agency_user("m-lpsk", AgencyType.LPSK)
    cases.referral_revoke(actor=worker, referral=referred(revoked, "WITNESS_PROTECTION"), reason="Salah.")
    done = agency_user("m-dinkes", AgencyType.DINKES)
    referral = referred(done, "MEDICAL")
    cases.referral_accept(actor=done, referral=referral)
    cases.referral_mark_done(actor=worker, referral=referral)
    # A former lead: the case goes to a KBRI and comes back.
    former = agency_user("m-kbri", AgencyType.KBRI)
    transfer = cases.lead_transfer_request(actor=worker, case=case, to_agency=former.agency, reason="Pindah.")
    cases.lead_transfer_accept(actor=former, transfer=transfer)
    case.refresh_from_db()
    back = cases.lead_transfer_request(actor=former, case=case, to_agency=lead, reason="Kembali.")
    cases.lead_transfer_accept(actor=worker, transfer=back)
    # Free text written to the pending addressee names the victim: its inbox, worklist and the case summary
    # must show her masked (it has not accepted, and she has not consented).
    pending_agency = world.users["investigator"].agency
    case.refresh_from_db()
    case.referrals.filter(to_agency=pending_agency).update(reason=REASON)
    cases.lead_transfer_request(actor=worker, case=case, to_agency=pending_agency, reason=REASON)
    outsider = agency_user("m-disnaker", AgencyType.DISNAKER)

    staff = {
        role_name: UserFactory(username=f"m-{role_name}", agency=lead, roles=[role])
        for role_name, role in (
            ("read_only", Role.READ_ONLY),
            ("analyst", Role.ANALYST),
            ("outreach", Role.OUTREACH_OFFICER),
            ("agency_admin", Role.AGENCY_ADMIN),
        )
    }
    readers = [
        ("lead", worker, Relation.LEAD),
        ("pending", world.users["investigator"], Relation.PENDING),
        ("accepted", accepted, Relation.PARTICIPANT),
        ("declined", declined, Relation.FORMER),
        ("revoked", revoked, Relation.FORMER),
        ("done", done, Relation.FORMER),
        ("former_lead", former, Relation.FORMER),
        ("outsider", outsider, Relation.NONE),
        *((name, user, Relation.LEAD) for name, user in staff.items()),
        ("admin", world.users["admin"], Relation.NONE),
    ]
    out = []
    for name, user, relation in readers:
        groups, sees_identity = _policy_answer(user, relation)
        out.append(MatrixReader(name, user, relation, groups, sees_identity))
    world.ids.setdefault("matrix_at", timezone.now().isoformat())
    return out


def leaked(body: str, reader: MatrixReader) -> list[str]:
    """The secrets of the groups this reader may not see that appear in `body`."""
    found = []
    for group, secrets in SECRETS.items():
        allowed = reader.sees_identity if group == FieldGroup.IDENTITY else group in reader.expect_groups
        if allowed:
            continue
        found += [secret for secret in secrets if secret in body]
    return found


def case_records_snapshot():
    """A callable giving the state a denied write must leave unchanged (the case records, people, outbox)."""
    from sinergi.cases.models import (
        Approval,
        Case,
        CaseParty,
        Document,
        LeadTransfer,
        Note,
        Notification,
        Referral,
        Task,
    )
    from sinergi.core.testing.permissions import db_snapshot
    from sinergi.people.models import Person

    return db_snapshot(
        Case.objects.all(),
        Referral.objects.all(),
        Task.objects.all(),
        CaseParty.objects.all(),
        LeadTransfer.objects.all(),
        Approval.objects.all(),
        Person.objects.all(),
        Note,
        Document,
        Notification,
        audit=False,
    )
