"""The need-to-know table of policy.py, read alone: no database, no request."""

from __future__ import annotations

import pytest

from sinergi.agencies.choices import AgencyType, Role
from sinergi.cases.masking import MaskTarget, mask_text
from sinergi.cases.policy import (
    Action,
    DuplicateAnswer,
    FieldGroup,
    Grant,
    Kind,
    PartyFacts,
    Reader,
    Relation,
    decide,
    duplicate_answer,
    identity_visible,
    redact,
    sensitivity_visible,
)

WORKER = frozenset({Role.CASE_WORKER})
ADULT_VICTIM = PartyFacts(is_victim=True, is_child=False, consent_given=False, override_for_reader=False)
CHILD_VICTIM = PartyFacts(is_victim=True, is_child=True, consent_given=True, override_for_reader=False)
SUSPECT = PartyFacts(is_victim=False, is_child=False, consent_given=False, override_for_reader=False)


def reader(relation, roles=WORKER, agency_type=AgencyType.BP3MI, **kwargs):
    return Reader(relation=relation, roles=frozenset(roles), agency_type=agency_type, **kwargs)


@pytest.mark.parametrize("relation", [Relation.FORMER, Relation.NONE])
@pytest.mark.parametrize(
    ("kind", "action"),
    # Creating a departure screening reads no record: it is asked with no relation (below).
    [(k, a) for k in Kind for a in Action if (k, a) != (Kind.DEPARTURE_SCREENING, Action.ADD)],
)
def test_no_relation_means_nothing_of_any_kind(relation, kind, action):
    assert not decide(kind, action, reader(relation))


ANALYST = frozenset({Role.ANALYST})


@pytest.mark.parametrize("kind", [Kind.POST, Kind.CONTACT])
def test_posts_and_contacts_are_one_queue_shared_across_agencies(kind):
    for agency_type in (AgencyType.BP3MI, AgencyType.POLRI, AgencyType.NGO):
        assert decide(kind, Action.VIEW, reader(Relation.NONE, ANALYST, agency_type))
        assert decide(kind, Action.CHANGE, reader(Relation.NONE, ANALYST, agency_type))
    read_only = reader(Relation.NONE, {Role.READ_ONLY})
    assert decide(kind, Action.VIEW, read_only) and not decide(kind, Action.CHANGE, read_only)
    # Case workers, outreach officers and agency administrators do not screen posts.
    for roles in (WORKER, {Role.OUTREACH_OFFICER}, {Role.AGENCY_ADMIN}):
        assert not decide(kind, Action.VIEW, reader(Relation.NONE, roles))
    admin = Reader(relation=Relation.NONE, platform_admin=True)
    assert decide(kind, Action.VIEW, admin) and not decide(kind, Action.CHANGE, admin)
    assert not decide(kind, Action.VIEW, reader(Relation.NONE, ANALYST, agency_type=None))


def test_a_departure_screening_is_its_agencys_and_its_province_follow_up_units():
    screening = Kind.DEPARTURE_SCREENING
    officer = reader(Relation.OWN_AGENCY, WORKER, AgencyType.IMIGRASI)
    assert decide(screening, Action.VIEW, officer) and decide(screening, Action.CHANGE, officer)
    read_only = reader(Relation.OWN_AGENCY, {Role.READ_ONLY}, AgencyType.IMIGRASI)
    assert decide(screening, Action.VIEW, read_only) and not decide(screening, Action.CHANGE, read_only)
    # BP3MI and police of the checkpoint's province follow a hold up; another agency type of the province not.
    assert decide(screening, Action.VIEW, reader(Relation.FOLLOW_UP, WORKER, AgencyType.BP3MI))
    assert decide(screening, Action.VIEW, reader(Relation.FOLLOW_UP, {Role.INVESTIGATOR}, AgencyType.POLRI))
    assert not decide(screening, Action.VIEW, reader(Relation.FOLLOW_UP, WORKER, AgencyType.DINSOS))
    assert not decide(screening, Action.VIEW, reader(Relation.NONE, WORKER, AgencyType.BP3MI))
    # Creating one: officers of the agencies at the checkpoints.
    assert decide(screening, Action.ADD, reader(Relation.NONE, WORKER, AgencyType.IMIGRASI))
    assert not decide(screening, Action.ADD, reader(Relation.NONE, WORKER, AgencyType.DINSOS))
    assert not decide(screening, Action.ADD, reader(Relation.NONE, {Role.READ_ONLY}, AgencyType.IMIGRASI))
    admin = Reader(relation=Relation.NONE, platform_admin=True)
    assert not decide(screening, Action.VIEW, admin) and not decide(screening, Action.ADD, admin)


def test_an_agencys_audit_trail_is_read_by_its_supervisors_and_administrators():
    entry = Kind.AUDIT_ENTRY
    for roles in ({Role.SUPERVISOR}, {Role.AGENCY_ADMIN}):
        assert decide(entry, Action.VIEW, reader(Relation.OWN_AGENCY, roles))
        assert not decide(entry, Action.VIEW, reader(Relation.NONE, roles))
    for roles in (WORKER, {Role.ANALYST}, {Role.READ_ONLY}):
        assert not decide(entry, Action.VIEW, reader(Relation.OWN_AGENCY, roles))
    assert not decide(entry, Action.CHANGE, reader(Relation.OWN_AGENCY, {Role.SUPERVISOR}))
    assert decide(entry, Action.VIEW, Reader(relation=Relation.NONE, platform_admin=True))


def test_a_pending_addressee_decides_on_its_referral_and_sees_no_detail():
    pending = reader(Relation.PENDING)
    assert decide(Kind.CASE, Action.VIEW, pending).groups == frozenset()
    assert decide(Kind.REFERRAL, Action.VIEW, pending)
    for kind in (Kind.PARTY, Kind.NOTE, Kind.DOCUMENT, Kind.TASK, Kind.APPROVAL):
        assert not decide(kind, Action.VIEW, pending), kind
    assert not identity_visible(pending, ADULT_VICTIM)


def test_a_participant_sees_its_agency_types_groups_and_a_victim_only_with_consent():
    police = reader(Relation.PARTICIPANT, {Role.INVESTIGATOR}, AgencyType.POLRI)
    carer = reader(Relation.PARTICIPANT, agency_type=AgencyType.UPTD_PPA)
    assert decide(Kind.CASE, Action.VIEW, police).groups == {FieldGroup.NARRATIVE, FieldGroup.INVESTIGATION}
    assert decide(Kind.CASE, Action.VIEW, carer).groups == {FieldGroup.NARRATIVE, FieldGroup.MEDICAL}
    assert sensitivity_visible(decide(Kind.NOTE, Action.VIEW, carer).groups) == {"GENERAL", "CARE"}
    assert not identity_visible(carer, ADULT_VICTIM)
    consented = PartyFacts(is_victim=True, is_child=False, consent_given=True, override_for_reader=False)
    assert identity_visible(carer, consented)
    assert identity_visible(police, SUSPECT) and not identity_visible(carer, SUSPECT)
    assert not decide(Kind.APPROVAL, Action.VIEW, carer) and not decide(Kind.CASE, Action.EXPORT, carer)


def test_a_child_is_seen_only_by_child_protection_and_the_leads_case_workers():
    assert identity_visible(reader(Relation.LEAD), CHILD_VICTIM)
    assert not identity_visible(reader(Relation.LEAD, {Role.READ_ONLY}), CHILD_VICTIM)
    assert not identity_visible(reader(Relation.PARTICIPANT, agency_type=AgencyType.DINSOS), CHILD_VICTIM)
    assert identity_visible(
        reader(Relation.PARTICIPANT, {Role.CHILD_PROTECTION}, AgencyType.UPTD_PPA), CHILD_VICTIM
    )


@pytest.mark.parametrize("roles", [{Role.ANALYST}, {Role.OUTREACH_OFFICER}, {Role.AGENCY_ADMIN}])
def test_roles_that_handle_no_case_see_no_case_content_even_in_the_lead_agency(roles):
    staff = reader(Relation.LEAD, roles)
    for kind in (Kind.CASE, Kind.PARTY, Kind.PERSON, Kind.NOTE, Kind.DOCUMENT):
        assert not decide(kind, Action.VIEW, staff), kind
    assert not identity_visible(staff, ADULT_VICTIM)


def test_the_platform_administrator_sees_no_person_or_case_content():
    admin = reader(Relation.LEAD, {Role.SUPERVISOR, Role.CASE_WORKER}, platform_admin=True)
    # What it runs the platform on, and no victim or traveller in it: the post queue and the audit trail.
    for kind in set(Kind) - {Kind.POST, Kind.CONTACT, Kind.AUDIT_ENTRY}:
        assert not decide(kind, Action.VIEW, admin), kind
    assert not identity_visible(admin, ADULT_VICTIM)
    assert duplicate_answer(admin, ADULT_VICTIM) == DuplicateAnswer.NOTHING


def test_the_duplicate_check_names_only_what_the_caller_may_see():
    assert duplicate_answer(reader(Relation.LEAD), ADULT_VICTIM) == DuplicateAnswer.SHOWN
    assert duplicate_answer(reader(Relation.PENDING), ADULT_VICTIM) == DuplicateAnswer.ELSEWHERE
    assert duplicate_answer(reader(Relation.NONE), ADULT_VICTIM) == DuplicateAnswer.ELSEWHERE
    assert duplicate_answer(reader(Relation.NONE, {Role.READ_ONLY}), ADULT_VICTIM) == DuplicateAnswer.NOTHING


def test_a_data_sharing_grant_widens_a_participant_not_an_outsider():
    grant = (Grant(groups=frozenset({FieldGroup.MEDICAL, FieldGroup.IDENTITY})),)
    participant = reader(Relation.PARTICIPANT, agency_type=AgencyType.KBRI, grants=grant)
    assert FieldGroup.MEDICAL in decide(Kind.CASE, Action.VIEW, participant).groups
    assert identity_visible(participant, ADULT_VICTIM)
    assert not identity_visible(participant, CHILD_VICTIM)  # a child stays with child protection
    assert not decide(Kind.CASE, Action.VIEW, reader(Relation.NONE, grants=grant))


def test_one_redaction_blanks_the_withheld_groups():
    values = {"reference": "BP3MI-2026-0001", "destination_city": "Phnom Penh", "legal_stage": "sidik"}
    assert redact(Kind.CASE, values, frozenset()) == {
        "reference": "BP3MI-2026-0001",
        "destination_city": None,
        "legal_stage": None,
    }
    assert redact(Kind.CASE, values, frozenset({FieldGroup.NARRATIVE}))["destination_city"] == "Phnom Penh"


def test_masking_replaces_the_recorded_identifiers_however_they_are_written():
    siti = MaskTarget(
        label="Korban 1",
        names=("Siti Rahayu", "Ayu"),
        numbers=("6371014101900001",),
        phones=("+6281234567890",),
        addresses=("Jl. Merdeka No. 5",),
    )
    text = (
        "Siti Rahayu alias Ayu (NIK 6371 0141 0190 0001), HP 0812-3456-7890 / +62 812 3456 7890, "
        "tinggal di Jl. Merdeka No. 5. RAHAYU bercerita; Rahayuningsih tetangganya."
    )
    masked = mask_text(text, [siti])
    for secret in ("Siti", "Rahayu ", "RAHAYU", "Ayu ", "6371", "3456", "Merdeka"):
        assert secret not in masked, secret
    assert "Rahayuningsih" in masked  # a different word is not a name of hers
    assert masked.count("[Korban 1]") >= 6
    assert mask_text("", [siti]) == "" and mask_text("Tanpa nama.", []) == "Tanpa nama."


def test_no_agreement_grants_anything_until_a_source_is_registered(monkeypatch):
    from sinergi.cases import policy

    monkeypatch.setattr(policy, "_AGREEMENT_SOURCES", [])
    assert policy.agreement_grants(7, 42) == ()
    identity = Grant(groups=frozenset({FieldGroup.IDENTITY}))
    policy.register_agreement_source(
        lambda agency_id, case_id: [identity] if (agency_id, case_id) == (7, 42) else []
    )
    assert policy.agreement_grants(7, 42) == (identity,)
    assert policy.agreement_grants(7, 43) == () and policy.agreement_grants(None, 42) == ()
