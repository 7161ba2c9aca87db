"""Explicit input and output serializers of the cases API. Output goes through access.CaseView: a field a
viewer may not see is absent (null), never filled in."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from sinergi.agencies.api.serializers import KnownAgencyField
from sinergi.agencies.models import Agency
from sinergi.cases.choices import (
    AgeGroup,
    ApprovalKind,
    CaseStatus,
    ClosureReason,
    Consent,
    Direction,
    ExploitationType,
    IntakeChannel,
    LabourSector,
    MeansOfControl,
    OrganisationKind,
    PartyRole,
    PerpetratorRole,
    RecruitmentApp,
    RecruitmentChannel,
    ReferralNeed,
    ReferralState,
    RouteEventKind,
    Sensitivity,
    TransferState,
    TravelDocument,
    VictimStatus,
    VisaType,
)
from sinergi.core.api.params import CommaSeparatedListField, date_range_checked
from sinergi.regions.api.serializers import KnownRegionCodeField


class AgencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.CharField()


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    path_name = serializers.CharField()


def _agency(agency):
    return {"id": agency.pk, "name": agency.name, "type": agency.type} if agency else None


def _region(region):
    return {"code": region.code, "name": region.name, "path_name": region.path_name} if region else None


class CaseSummarySerializer(serializers.Serializer):
    """What every agency with access sees, a pending one included: enough to decide, nothing identifying."""

    id = serializers.IntegerField()
    reference = serializers.CharField()
    intake_channel = serializers.ChoiceField(IntakeChannel.choices)
    reported_at = serializers.DateTimeField()
    stage = serializers.CharField()
    stage_label = serializers.SerializerMethodField()
    stage_due_at = serializers.DateTimeField(allow_null=True)
    status = serializers.CharField()
    closure_reason = serializers.CharField()
    lead_agency = serializers.SerializerMethodField()
    origin_regency = serializers.SerializerMethodField()
    destination_country = serializers.CharField()
    destination_city = serializers.CharField()
    exploitation_types = serializers.ListField(child=serializers.CharField())
    labour_sector = serializers.CharField()
    version = serializers.IntegerField()

    def to_representation(self, case):
        from sinergi.cases.access import case_groups
        from sinergi.cases.policy import Kind, redact

        # The same redaction as the pages: a pending agency gets no destination city.
        return redact(Kind.CASE, super().to_representation(case), case_groups(case))

    def get_stage_label(self, case) -> str:
        from sinergi.cases.selectors import flow_of

        stage = flow_of(case).stage(case.stage)
        return stage.label if stage else case.stage

    @extend_schema_field(AgencyRefSerializer)
    def get_lead_agency(self, case):
        return _agency(case.lead_agency)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_origin_regency(self, case):
        # The regency, not the village: the list and pending agencies never get the victim's village.
        region = case.origin_region
        if region is None:
            return None
        return (
            region.path_name.split(",")[-2].strip()
            if region.level > 2 and "," in region.path_name
            else region.name
        )


class PartyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    label = serializers.CharField()
    role = serializers.CharField()
    age_group = serializers.CharField()
    identity_visible = serializers.BooleanField()
    person_id = serializers.IntegerField(allow_null=True)
    full_name = serializers.CharField(allow_null=True)
    sex = serializers.CharField(allow_null=True)
    birth_date = serializers.DateField(allow_null=True)
    victim_status = serializers.CharField()
    victim_status_by = AgencyRefSerializer(allow_null=True)
    consent_to_share = serializers.CharField(allow_null=True)


def party_data(view, party_view) -> dict:
    party, visible = party_view.party, party_view.identity_visible
    person = party.person if visible else None
    return {
        "id": party.pk,
        "label": party_view.label,
        "role": party.role,
        "age_group": party.age_group,
        "identity_visible": visible,
        "person_id": person.pk if person else None,
        "full_name": person.full_name if person else None,
        "sex": person.sex if person else None,
        "birth_date": person.birth_date if person else None,
        "victim_status": party.victim_status,
        "victim_status_by": _agency(party.victim_status_by),
        "consent_to_share": party.consent_to_share if view.is_lead else None,
    }


class ReferralOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    case_reference = serializers.CharField(source="case.reference")
    from_agency = serializers.SerializerMethodField()
    to_agency = serializers.SerializerMethodField()
    need = serializers.CharField()
    reason = serializers.CharField()
    state = serializers.CharField()
    accept_by = serializers.DateTimeField()
    due_at = serializers.DateTimeField()
    deadline_source = serializers.CharField()
    created_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)
    answer_note = serializers.CharField()
    closed_at = serializers.DateTimeField(allow_null=True)
    services = serializers.SerializerMethodField()

    @extend_schema_field(AgencyRefSerializer)
    def get_from_agency(self, referral):
        return _agency(referral.from_agency)

    @extend_schema_field(AgencyRefSerializer)
    def get_to_agency(self, referral):
        return _agency(referral.to_agency)

    @extend_schema_field(serializers.ListField(child=serializers.DictField()))
    def get_services(self, referral):
        return [
            {"description": s.description, "delivered_on": s.delivered_on.isoformat()}
            for s in referral.services.all()
        ]


class RouteEventOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    country = serializers.CharField()
    region_code = serializers.CharField(source="region_id", allow_null=True)
    place = serializers.CharField()
    occurred_on = serializers.DateField(allow_null=True)


class OrganisationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.CharField()
    perpetrator_role = serializers.CharField()
    licence_number = serializers.CharField()
    country = serializers.CharField()


class TransitionOutputSerializer(serializers.Serializer):
    to_stage = serializers.CharField()
    label = serializers.CharField()
    track = serializers.CharField()
    requires_approval = serializers.CharField()


class ExpectedReferralSerializer(serializers.Serializer):
    need = serializers.CharField()
    label = serializers.CharField()
    deadline_source = serializers.CharField()
    referral_ids = serializers.ListField(child=serializers.IntegerField())


class CaseDetailSerializer(serializers.Serializer):
    """A case as one viewer may see it (see access.py); hidden parts are null or empty."""

    summary = CaseSummarySerializer()
    relation = serializers.CharField()
    can_edit = serializers.BooleanField()
    can_manage = serializers.BooleanField()
    narrative = serializers.CharField(allow_null=True)
    legal_stage = serializers.CharField(allow_null=True)
    origin_region = RegionRefSerializer(allow_null=True)
    modus = serializers.DictField(allow_null=True)
    parties = PartyOutputSerializer(many=True)
    organisations = OrganisationOutputSerializer(many=True)
    route_events = RouteEventOutputSerializer(many=True)
    referrals = ReferralOutputSerializer(many=True)
    transitions = TransitionOutputSerializer(many=True)
    expected_referrals = ExpectedReferralSerializer(many=True)
    assigned_to = serializers.CharField(allow_null=True)
    victims = serializers.IntegerField()
    has_child_victim = serializers.BooleanField()


def case_detail_data(view) -> dict:
    """Maps a CaseView onto CaseDetailSerializer's fields."""
    from sinergi.cases.selectors import case_available_transitions, case_expected_referrals

    case = view.case
    details = view.can_see_details
    victims = [p for p in case.parties.all() if p.role == PartyRole.VICTIM]
    modus = None
    if details:
        modus = {
            "victim_abroad": case.victim_abroad,
            "recruitment_channel": case.recruitment_channel,
            "recruitment_app": case.recruitment_app,
            "promised_job": case.promised_job,
            "promised_salary": case.promised_salary,
            "fees_paid": str(case.fees_paid) if case.fees_paid is not None else None,
            "fees_description": case.fees_description,
            "documents_used": case.documents_used,
            "visa_type": case.visa_type,
            "means_of_control": case.means_of_control,
        }
    return {
        "summary": case,
        "relation": view.relation.value,
        "can_edit": view.can_edit,
        "can_manage": view.can_manage,
        "narrative": view.narrative(),
        "legal_stage": case.legal_stage if view.can_see_investigation else None,
        "origin_region": _region(case.origin_region) if details else None,
        "modus": modus,
        "parties": [party_data(view, pv) for pv in view.parties()],
        "organisations": list(view.organisations()),
        "route_events": list(view.route_events()),
        "referrals": view.shown(view.referrals().prefetch_related("services")),
        "transitions": [
            {
                "to_stage": stage.code,
                "label": stage.label,
                "track": t.track,
                "requires_approval": t.requires_approval,
            }
            for t, stage in case_available_transitions(view=view)
        ],
        "expected_referrals": [
            {
                "need": item.need,
                "label": item.label,
                "deadline_source": item.deadline_source,
                "referral_ids": [r.pk for r in item.referrals],
            }
            for item in case_expected_referrals(view=view)
        ],
        "assigned_to": (case.assigned_to.get_full_name() or case.assigned_to.username)
        if details and case.assigned_to
        else None,
        "victims": len(victims),
        "has_child_victim": any(p.is_child for p in victims),
    }


# --- inputs --------------------------------------------------------------------------------------------------


class _MultiChoice(serializers.ListField):
    def __init__(self, choices, **kwargs):
        super().__init__(child=serializers.ChoiceField(choices), required=False, **kwargs)


class CaseFieldsInputSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True, max_length=20000)
    origin_region = serializers.CharField(required=False, allow_null=True, max_length=13)
    destination_country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, allow_blank=True)
    destination_city = serializers.CharField(required=False, allow_blank=True, max_length=120)
    victim_abroad = serializers.BooleanField(required=False)
    recruitment_channel = serializers.ChoiceField(
        RecruitmentChannel.choices, required=False, allow_blank=True
    )
    recruitment_app = serializers.ChoiceField(RecruitmentApp.choices, required=False, allow_blank=True)
    promised_job = serializers.CharField(required=False, allow_blank=True, max_length=200)
    promised_salary = serializers.CharField(required=False, allow_blank=True, max_length=100)
    fees_paid = serializers.DecimalField(
        max_digits=14, decimal_places=0, min_value=0, required=False, allow_null=True
    )
    fees_description = serializers.CharField(required=False, allow_blank=True, max_length=300)
    documents_used = _MultiChoice(TravelDocument.choices)
    visa_type = serializers.ChoiceField(VisaType.choices, required=False, allow_blank=True)
    exploitation_types = _MultiChoice(ExploitationType.choices)
    labour_sector = serializers.ChoiceField(LabourSector.choices, required=False, allow_blank=True)
    means_of_control = _MultiChoice(MeansOfControl.choices)

    def validate_origin_region(self, value):
        from sinergi.regions.models import Region

        if not value:
            return None
        region = Region.objects.filter(pk=value).first()
        if region is None:
            raise serializers.ValidationError(_("Unknown region code."))
        return region

    def validate_destination_country(self, value):
        return value.upper()


class RouteEventInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(RouteEventKind.choices)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", default="ID")
    region = serializers.CharField(required=False, allow_null=True, max_length=13)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    occurred_on = serializers.DateField(required=False, allow_null=True)

    def validate_region(self, value):
        from sinergi.regions.models import Region

        if not value:
            return None
        region = Region.objects.filter(pk=value).first()
        if region is None:
            raise serializers.ValidationError(_("Unknown region code."))
        return region

    def validate_country(self, value):
        return value.upper()


class OrganisationInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(OrganisationKind.choices)
    perpetrator_role = serializers.ChoiceField(PerpetratorRole.choices, default=PerpetratorRole.RECRUITER)
    licence_number = serializers.CharField(max_length=80, required=False, allow_blank=True, default="")
    country = serializers.RegexField(r"^[A-Za-z]{2}$", default="ID")

    def validate_country(self, value):
        return value.upper()


class PartyInputSerializer(serializers.Serializer):
    person = serializers.IntegerField()
    role = serializers.ChoiceField(PartyRole.choices)
    age_group = serializers.ChoiceField(AgeGroup.choices, default=AgeGroup.UNKNOWN)


class CaseIntakeInputSerializer(CaseFieldsInputSerializer):
    intake_channel = serializers.ChoiceField(IntakeChannel.choices)
    reported_at = serializers.DateTimeField(required=False)
    parties = PartyInputSerializer(many=True, required=False)
    source_post_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="The screened post the case is opened from (linked with it).",
    )
    source_screening_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="The departure screening the case is opened from."
    )


class CaseUpdateInputSerializer(CaseFieldsInputSerializer):
    version = serializers.IntegerField(help_text="The version you read; a stale one gives 409 conflict.")
    intake_channel = serializers.ChoiceField(IntakeChannel.choices, required=False)


class TransitionInputSerializer(serializers.Serializer):
    to_stage = serializers.CharField(max_length=40)
    version = serializers.IntegerField(required=False)
    outcome = serializers.ChoiceField(ClosureReason.choices, required=False, allow_blank=True, default="")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class ReferralClosureDecisionSerializer(serializers.Serializer):
    referral = serializers.IntegerField(help_text="An open referral of the case.")
    action = serializers.ChoiceField(
        [("DONE", "Done (accepted referrals only)"), ("REVOKE", "Revoked, with a reason")]
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)


class TaskClosureDecisionSerializer(serializers.Serializer):
    task = serializers.IntegerField(help_text="An open task of the case, of any agency.")
    action = serializers.ChoiceField([("DONE", "Done"), ("CANCEL", "Cancelled, with a reason")])
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class VictimFinalStatusSerializer(serializers.Serializer):
    party = serializers.IntegerField(help_text="A victim of the case (its case-party id).")
    status = serializers.ChoiceField(VictimStatus.choices)


class CaseCloseInputSerializer(serializers.Serializer):
    """Everything the closing page asks, in one request: a decision for each open referral and task, and each
    victim's final status. Items not listed count as undecided."""

    outcome = serializers.ChoiceField(ClosureReason.choices)
    version = serializers.IntegerField(required=False)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=5000)
    referrals = ReferralClosureDecisionSerializer(many=True, required=False, default=list)
    tasks = TaskClosureDecisionSerializer(many=True, required=False, default=list)
    victims = VictimFinalStatusSerializer(many=True, required=False, default=list)


class AssignInputSerializer(serializers.Serializer):
    assignee = serializers.IntegerField()
    version = serializers.IntegerField(required=False)


class ReferralInputSerializer(serializers.Serializer):
    to_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True))
    need = serializers.ChoiceField(ReferralNeed.choices)
    reason = serializers.CharField(max_length=5000)
    due_at = serializers.DateTimeField(required=False, allow_null=True)


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class NoteOptionalInputSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ServicesInputSerializer(serializers.Serializer):
    description = serializers.CharField(max_length=5000)
    delivered_on = serializers.DateField(required=False)


class TransferInputSerializer(serializers.Serializer):
    to_agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.filter(is_active=True))
    reason = serializers.CharField(max_length=5000)


class TransferOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    from_agency_id = serializers.IntegerField()
    to_agency_id = serializers.IntegerField()
    reason = serializers.CharField()
    state = serializers.CharField()
    requested_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField(allow_null=True)


class ApprovalInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(ApprovalKind.choices)
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ApprovalDecisionInputSerializer(serializers.Serializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")


class ApprovalOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    kind = serializers.CharField()
    state = serializers.CharField()
    requested_at = serializers.DateTimeField()
    decided_at = serializers.DateTimeField(allow_null=True)
    decision_note = serializers.CharField()


class NoteInputSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=20000)
    sensitivity = serializers.ChoiceField(Sensitivity.choices, default=Sensitivity.GENERAL)


class NoteOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    sensitivity = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    author = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()

    def get_author(self, note) -> str:
        return note.author.get_full_name() or note.author.username


class TaskInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    owner = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    referral = serializers.IntegerField(required=False, allow_null=True)


class TaskOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    case_id = serializers.IntegerField()
    title = serializers.CharField()
    owner_id = serializers.IntegerField()
    owner_agency_id = serializers.IntegerField()
    due_at = serializers.DateTimeField()
    done_at = serializers.DateTimeField(allow_null=True)
    escalated_at = serializers.DateTimeField(allow_null=True)


class DocumentInputSerializer(serializers.Serializer):
    file = serializers.FileField()
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    sensitivity = serializers.ChoiceField(Sensitivity.choices, default=Sensitivity.GENERAL)


class DocumentOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    sensitivity = serializers.CharField()
    agency = serializers.CharField(source="agency.name")
    uploaded_at = serializers.DateTimeField()


class TimelineEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    kind = serializers.CharField()
    label = serializers.CharField()
    detail = serializers.CharField()
    actor = serializers.CharField()
    agency = serializers.CharField()
    sensitivity = serializers.CharField()


class ConsentInputSerializer(serializers.Serializer):
    consent = serializers.ChoiceField(Consent.choices)


class VictimStatusInputSerializer(serializers.Serializer):
    status = serializers.ChoiceField(VictimStatus.choices)


class ShareOverrideInputSerializer(serializers.Serializer):
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all())
    reason = serializers.CharField(max_length=5000, allow_blank=True)


class DuplicateInputSerializer(serializers.Serializer):
    nik = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    full_name = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)


class DuplicateOutputSerializer(serializers.Serializer):
    case_id = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    lead_agency = serializers.CharField(source="case.lead_agency.name")
    reason = serializers.CharField()


class DuplicateResultSerializer(serializers.Serializer):
    matches = DuplicateOutputSerializer(many=True, source="hints")
    elsewhere = serializers.BooleanField(
        help_text="Another agency holds a matching record you may not see: contact the task force to coordinate."
    )


class OverdueOutputSerializer(serializers.Serializer):
    kind = serializers.CharField()
    case_id = serializers.IntegerField(source="case.pk")
    reference = serializers.CharField(source="case.reference")
    due_at = serializers.DateTimeField()
    responsible_agency_id = serializers.IntegerField()
    referral_id = serializers.IntegerField(source="referral.pk", allow_null=True, default=None)
    task_id = serializers.IntegerField(source="task.pk", allow_null=True, default=None)
    escalated = serializers.BooleanField()


class DurationSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    median_hours = serializers.FloatField(allow_null=True)
    mean_hours = serializers.FloatField(allow_null=True)


class StageCountSerializer(serializers.Serializer):
    stage = serializers.CharField(help_text="Care stage code of the flow")
    label = serializers.CharField(help_text="The stage's name in the request's language")
    count = serializers.IntegerField()


class DeadlinesSerializer(serializers.Serializer):
    """Referral answer deadlines (`accept_by`) of the referrals received."""

    kept = serializers.IntegerField(help_text="Answered by the deadline")
    missed_answered = serializers.IntegerField(help_text="Answered after the deadline")
    missed_unanswered = serializers.IntegerField(help_text="Not answered, the deadline has passed")
    waiting = serializers.IntegerField(help_text="Not answered, the deadline is still ahead")
    kept_share = serializers.FloatField(allow_null=True, help_text="kept / (kept + missed), 0 to 1")


class MonthMetricsSerializer(serializers.Serializer):
    month = serializers.DateField(help_text="First day of the month")
    cases_reported = serializers.IntegerField()
    report_to_first_action = DurationSerializer(source="first_action")
    referral_acceptance = DurationSerializer(source="acceptance")
    referrals_received = serializers.IntegerField()
    deadlines = DeadlinesSerializer()


class MetricsOutputSerializer(serializers.Serializer):
    agency_id = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()
    by_stage = StageCountSerializer(
        many=True, help_text="Cases reported in the period, by current care stage"
    )
    months = MonthMetricsSerializer(many=True, help_text="The period's figures month by month")
    deadlines = DeadlinesSerializer(help_text="Answer deadlines of the referrals received in the period")
    cases_reported = serializers.IntegerField()
    report_to_first_action = DurationSerializer()
    referral_acceptance = DurationSerializer()
    report_to_repatriation = DurationSerializer()
    referrals_received = serializers.IntegerField()
    referrals_overdue = serializers.IntegerField()
    referrals_overdue_share = serializers.FloatField(allow_null=True)


class NotificationOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    message = serializers.CharField()
    case_id = serializers.IntegerField(allow_null=True)
    created_at = serializers.DateTimeField()
    read_at = serializers.DateTimeField(allow_null=True)


class NotificationReadInputSerializer(serializers.Serializer):
    ids = serializers.ListField(child=serializers.IntegerField(), max_length=500)


# --- query parameters (read with sinergi.core.api.params.query_params) -------------------------------------

CODE = r"^[a-z0-9_]{1,40}$"  # a stage of the flow file


class CaseListQuerySerializer(serializers.Serializer):
    """The filters of the case list. Words to search for are not among them: they may be a victim's name, NIK
    or phone, so they travel in the body of `POST /cases/search/` (CaseSearchInputSerializer), never in an
    address that proxies and server logs keep."""

    stage = serializers.RegexField(CODE, required=False, help_text="A care-track stage code of the flow.")
    legal_stage = serializers.RegexField(CODE, required=False, help_text="A legal-track stage code.")
    status = serializers.ChoiceField(CaseStatus.choices, required=False)
    lead_agency = serializers.IntegerField(required=False, min_value=1, help_text="Agency id.")
    origin_region = KnownRegionCodeField(
        required=False, help_text="Region code (63.71 or 6371); the regions below it are included."
    )
    destination_country = serializers.RegexField(
        r"^[A-Za-z]{2}$", required=False, help_text="ISO 3166-1 alpha-2 country code."
    )
    exploitation_type = serializers.ChoiceField(ExploitationType.choices, required=False)
    recruitment_channel = serializers.ChoiceField(RecruitmentChannel.choices, required=False)
    recruitment_app = serializers.ChoiceField(RecruitmentApp.choices, required=False)
    visa_type = serializers.ChoiceField(VisaType.choices, required=False)
    channel = serializers.ChoiceField(IntakeChannel.choices, required=False, help_text="Intake channel.")
    overdue = serializers.BooleanField(
        required=False, default=False, help_text="Only cases with a deadline passed."
    )
    mine = serializers.BooleanField(required=False, default=False, help_text="Only cases assigned to you.")
    reported_from = serializers.DateField(required=False, help_text="Reported on or after (YYYY-MM-DD).")
    reported_to = serializers.DateField(required=False, help_text="Reported on or before (YYYY-MM-DD).")

    def validate(self, attrs):
        return date_range_checked(attrs, "reported_from", "reported_to")


class CaseSearchInputSerializer(CaseListQuerySerializer):
    q = serializers.CharField(
        max_length=200,
        help_text="Words of the narrative or of the notes you may read, a reference number, a name, NIK or phone.",
    )


class MetricsQuerySerializer(serializers.Serializer):
    agency = serializers.IntegerField(required=False, min_value=1, help_text="Agency id (default: your own).")
    start = serializers.DateField(required=False, help_text="YYYY-MM-DD (default: 90 days before the end).")
    end = serializers.DateField(required=False, help_text="YYYY-MM-DD (default: today).")

    def validate(self, attrs):
        return date_range_checked(attrs, "start", "end")


class NotificationListQuerySerializer(serializers.Serializer):
    unread = serializers.BooleanField(required=False, default=False, help_text="Only unread notifications.")


class _HandoverListQuerySerializer(serializers.Serializer):
    """The filters shared by the referral and the lead-transfer lists."""

    direction = serializers.ChoiceField(
        Direction.choices,
        required=False,
        default=Direction.INCOMING,
        help_text="`incoming` (addressed to your agency, the default), `outgoing` (sent by it) or `all`.",
    )
    case = serializers.IntegerField(required=False, min_value=1, help_text="Case id.")
    from_agency = KnownAgencyField(required=False, help_text="Sending agency id.")
    to_agency = KnownAgencyField(required=False, help_text="Receiving agency id.")
    created_from = serializers.DateField(required=False, help_text="Sent on or after (YYYY-MM-DD).")
    created_to = serializers.DateField(required=False, help_text="Sent on or before (YYYY-MM-DD).")

    def validate(self, attrs):
        return date_range_checked(attrs, "created_from", "created_to")


class ReferralListQuerySerializer(_HandoverListQuerySerializer):
    """Without filters the list is the inbox: referrals awaiting your agency's answer."""

    status = CommaSeparatedListField(
        child=serializers.ChoiceField(ReferralState.choices),
        required=False,
        help_text="One or more states, as PENDING,ACCEPTED (default PENDING).",
    )
    overdue = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Only referrals past their deadline: the answer for a pending one, the services for an "
        "accepted one.",
    )


class TransferListQuerySerializer(_HandoverListQuerySerializer):
    """Without filters the list is the inbox: lead transfers awaiting your agency's answer."""

    status = CommaSeparatedListField(
        child=serializers.ChoiceField(TransferState.choices),
        required=False,
        help_text="One or more states, as PENDING,DECLINED (default PENDING).",
    )
