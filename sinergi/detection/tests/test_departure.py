"""The departure screening rules (pure module): each rule fires on its case and not on a regular departure."""

from __future__ import annotations

import pytest

from sinergi.detection import departure

REGULAR = {
    "purpose": "work",
    "visa_type": "work",
    "registered": "yes",
    "recruited_via": "p3mi",
    "costs_paid_by": "employer",
    "fee_paid_idr": 0,
    "debt": "no",
    "passport_holder": "self",
    "accompanied_by": "alone",
    "waiting_at_destination": "employer",
    "job_type": "caregiver",
    "destination_country": "TW",
    "age": 27,
    "knows_employer": "yes",
    "documents": list(departure.MULTI_CHOICES["documents"]),
    "signs": [],
}
TOURIST = {
    "purpose": "tourism",
    "visa_type": "tourist",
    "job_type": "none",
    "destination_country": "SG",
    "age": 40,
    "recruited_via": "none",
    "passport_holder": "self",
    "accompanied_by": "family",
}


def codes(answers):
    return [r.code for r in departure.assess(answers).reasons]


def test_a_regular_placement_lets_the_worker_depart():
    result = departure.assess(REGULAR)
    assert (result.risk_level, result.recommended_action, result.reasons) == ("rendah", "let_depart", [])


def test_a_tourist_is_not_flagged_for_missing_work_documents():
    result = departure.assess(TOURIST)
    assert result.risk_level == "rendah" and result.reasons == []


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"age": 17}, "under_18"),
        ({"destination_country": "KH"}, "non_placement_country"),
        ({"destination_country": "TH", "job_type": "online_admin"}, "scam_job_transit"),
        ({"destination_country": "SA", "job_type": "domestic_worker"}, "moratorium_domestic_work"),
        ({"visa_type": "tourist"}, "work_without_work_visa"),
        ({"purpose": "religious", "visa_type": "umrah"}, "stated_purpose_hides_work"),
        ({"registered": "no"}, "not_registered"),
        ({"recruited_via": "calo"}, "individual_recruiter"),
        ({"fee_paid_idr": 8_000_000}, "fee_for_zero_cost_job"),
        ({"job_type": "factory", "fee_paid_idr": 25_000_000}, "large_fee"),
        ({"debt": "yes"}, "debt_to_recruiter"),
        ({"costs_paid_by": "recruiter", "recruited_via": "family_friend"}, "costs_advanced_by_recruiter"),
        ({"passport_holder": "companion"}, "passport_held_by_other"),
        ({"accompanied_by": "recruiter"}, "escorted"),
        ({"waiting_at_destination": "unknown_person"}, "unknown_receiver"),
        ({"knows_employer": "no"}, "does_not_know_employer"),
        ({"documents": ["passport", "work_visa"]}, "missing_contract_documents"),
        ({"signs": ["coached"]}, "coached_answers"),
        ({"signs": ["threatened"]}, "cannot_leave_or_threatened"),
    ],
)
def test_each_rule_fires_on_its_case(change, code):
    assert code in codes({**REGULAR, **change})


def test_the_same_fee_is_allowed_for_a_job_that_may_charge_it():
    assert "fee_for_zero_cost_job" not in codes({**REGULAR, "job_type": "factory", "fee_paid_idr": 8_000_000})


def test_a_p3mi_advancing_costs_is_not_a_flag():
    assert "costs_advanced_by_recruiter" not in codes({**REGULAR, "costs_paid_by": "recruiter"})


def test_a_child_is_always_high_risk_and_referred_to_the_police():
    result = departure.assess({**REGULAR, "age": 16})
    assert (result.risk_level, result.recommended_action) == ("tinggi", "refer_police")


def test_one_medium_flag_means_verify_before_departure():
    result = departure.assess({**REGULAR, "registered": "no", "recruited_via": "calo"})
    assert (result.risk_level, result.recommended_action) == ("sedang", "verify")


def test_a_rule_can_require_a_stronger_action_than_its_level():
    result = departure.assess({**REGULAR, "passport_holder": "companion"})
    assert result.risk_level == "sedang"
    assert result.recommended_action == "hold_bp3mi"


def test_three_ilo_indicators_escalate_to_the_police():
    result = departure.assess(
        {**REGULAR, "debt": "yes", "passport_holder": "companion", "accompanied_by": "group_with_escort"}
    )
    assert len(result.ilo_indicators) >= 3
    assert (result.risk_level, result.recommended_action) == ("tinggi", "refer_police")


def test_reasons_cite_their_basis_in_both_languages():
    result = departure.assess({**REGULAR, "age": 17, "debt": "yes"})
    for reason in result.reasons:
        assert reason.basis and reason.reason_id and reason.reason_en
    assert result.reasons[0].code == "under_18"  # strongest first
    assert result.rules_version


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({**REGULAR, "purpose": "smuggling"}, "purpose"),
        ({**REGULAR, "age": "tujuh belas"}, "age"),
        ({**REGULAR, "age": 300}, "age"),
        ({**REGULAR, "destination_country": "Kamboja"}, "destination_country"),
        ({**REGULAR, "documents": ["passport", "bribe"]}, "documents"),
        ({**REGULAR, "fee_paid_idr": -5}, "fee_paid_idr"),
        ({k: v for k, v in REGULAR.items() if k != "visa_type"}, "visa_type"),
    ],
)
def test_invalid_answers_name_the_field(answers, field):
    with pytest.raises(departure.InvalidAnswers) as info:
        departure.assess(answers)
    assert field in info.value.errors


def test_every_rule_in_the_data_file_is_well_formed():
    rules = departure.load_rules()
    seen = set()
    for rule in rules["rules"]:
        assert rule["code"] not in seen
        seen.add(rule["code"])
        assert rule["basis"].strip() and rule["reason"]["id"].strip() and rule["reason"]["en"].strip()
        # Every rule is reachable: the condition parses against a complete set of answers.
        departure._holds(rule["when"], departure.clean_answers(REGULAR), rules["sets"])
