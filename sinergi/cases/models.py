"""Cases: intake, the coordination flow, referrals, need-to-know access and the timeline.

Nothing here changes state by itself: every write goes through sinergi/cases/services/, every read through
sinergi/cases/selectors.py, and who may see what is decided in sinergi/cases/access.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.cases.access import RestrictedQuerySetMixin
from sinergi.cases.choices import (
    AgeGroup,
    ApprovalKind,
    ApprovalState,
    CaseEventKind,
    CaseStatus,
    ClosureReason,
    Consent,
    IntakeChannel,
    LabourSector,
    NotificationKind,
    OrganisationKind,
    PartyRole,
    PerpetratorRole,
    RecruitmentApp,
    RecruitmentChannel,
    ReferralNeed,
    ReferralState,
    RelationshipToTrafficker,
    RouteEventKind,
    Sensitivity,
    TransferState,
    VictimStatus,
    VisaType,
)
from sinergi.cases.policy import Kind
from sinergi.core.validation import LoadedRelationsMixin

USER = settings.AUTH_USER_MODEL


class CaseQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> CaseQuerySet:
        """Only the cases `user` may `action` ("view", "change", "manage"); see sinergi/cases/access.py."""
        from sinergi.cases.access import case_scope_q

        query = case_scope_q(user, action)
        if query is None:
            return self.none()
        return self.filter(query)


# Every model holding case data answers restrict(user, action); the rules are access.scope_q's.


class PartyQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.PARTY


class ReferralQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.REFERRAL


class TransferQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.TRANSFER


class ApprovalQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.APPROVAL


class NoteQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.NOTE


class TaskQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.TASK


class DocumentQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.DOCUMENT


class NotificationQuerySet(RestrictedQuerySetMixin, models.QuerySet):
    scope_kind = Kind.NOTIFICATION


class FlowVersion(models.Model):
    """One stored version of a coordination-flow file. A case keeps the version it started with."""

    code = models.SlugField(_("flow code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    sha256 = models.CharField(max_length=64)
    content = models.TextField(help_text="The YAML file exactly as loaded.")
    source = models.CharField(max_length=300, blank=True, help_text="The file it was loaded from.")
    province = models.ForeignKey(
        "regions.Region",
        verbose_name=_("province"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for the national default flow."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    loaded_at = models.DateTimeField(default=timezone.now)
    loaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("flow version")
        constraints = [
            models.UniqueConstraint(fields=["sha256", "province"], name="flowversion_hash_province_unique"),
            models.UniqueConstraint(
                fields=["sha256"],
                condition=models.Q(province__isnull=True),
                name="flowversion_hash_national_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.sha256[:8]})"


class ReferenceCounter(models.Model):
    """The last reference number issued by an agency in a year (row-locked by case_intake)."""

    agency = models.ForeignKey("agencies.Agency", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "year"], name="refcounter_agency_year_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id}/{self.year}: {self.last}"


class Case(LoadedRelationsMixin, models.Model):
    """A trafficking case, from the first report to closure, handled by a lead agency with referrals."""

    reference = models.CharField(_("reference number"), max_length=80, unique=True, editable=False)
    intake_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("registered by agency"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    intake_channel = models.CharField(_("channel"), max_length=20, choices=IntakeChannel.choices)
    reported_at = models.DateTimeField(_("reported at"), default=timezone.now)
    narrative = models.TextField(_("what happened"), blank=True)
    lead_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("lead agency"), on_delete=models.PROTECT, related_name="led_cases"
    )
    assigned_to = models.ForeignKey(
        USER,
        verbose_name=_("case worker"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_cases",
    )

    flow_version = models.ForeignKey(FlowVersion, on_delete=models.PROTECT, related_name="cases")
    stage = models.CharField(_("stage"), max_length=40, db_index=True)
    stage_entered_at = models.DateTimeField(default=timezone.now)
    stage_due_at = models.DateTimeField(_("stage deadline"), null=True, blank=True)
    legal_stage = models.CharField(_("legal track"), max_length=40, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closure_reason = models.CharField(_("outcome"), max_length=24, choices=ClosureReason.choices, blank=True)
    first_action_at = models.DateTimeField(
        null=True, blank=True, help_text="First handling step after intake."
    )
    repatriated_at = models.DateTimeField(_("returned home at"), null=True, blank=True)

    # Route and modus (HTCDS / CTDC).
    origin_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region of origin"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    destination_country = models.CharField(
        _("destination country"), max_length=2, blank=True, help_text=_("ISO 3166-1 alpha-2")
    )
    destination_city = models.CharField(_("destination city"), max_length=120, blank=True)
    victim_abroad = models.BooleanField(_("victim still abroad"), default=False)
    recruitment_channel = models.CharField(
        _("recruitment channel"), max_length=20, choices=RecruitmentChannel.choices, blank=True
    )
    recruitment_app = models.CharField(
        _("recruitment app"), max_length=20, choices=RecruitmentApp.choices, blank=True
    )
    promised_job = models.CharField(_("promised job"), max_length=200, blank=True)
    promised_salary = models.CharField(_("promised salary"), max_length=100, blank=True)
    fees_paid = models.DecimalField(
        _("fees paid (IDR)"),
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    fees_description = models.CharField(_("fees and debts"), max_length=300, blank=True)
    documents_used = models.JSONField(_("documents used"), default=list, blank=True)
    visa_type = models.CharField(_("visa used"), max_length=20, choices=VisaType.choices, blank=True)
    exploitation_types = models.JSONField(_("types of exploitation"), default=list, blank=True)
    labour_sector = models.CharField(_("sector"), max_length=20, choices=LabourSector.choices, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)

    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every change.")
    search_vector = SearchVectorField(null=True, editable=False)
    # The words of the case's notes, each weighted by its note's sensitivity (services._shared.notes_vector), so
    # that a search reads them on the case row: `ts_filter` keeps the weights a participant may read.
    notes_vector = SearchVectorField(null=True, editable=False)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-reported_at", "-id"]
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["lead_agency", "status", "-reported_at"], name="case_lead_status_idx"),
            # The case list reads the ids of its first 1,001 matches, newest first (CappedPaginator), from these
            # two alone: the lead agency is in them for the scope's lead-or-referral test.
            models.Index(fields=["stage", "-reported_at", "-id", "lead_agency"], name="case_stage_list_idx"),
            models.Index(fields=["destination_country"], name="case_destination_idx"),
            models.Index(fields=["-reported_at", "-id", "lead_agency"], name="case_list_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=CaseStatus.OPEN) | ~models.Q(closure_reason=""),
                name="case_closed_has_reason",
            )
        ]

    def __str__(self) -> str:
        return self.reference


class CaseParty(LoadedRelationsMixin, models.Model):
    """A person linked to a case as victim, witness, suspect, recruiter or reporter."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="case_links")
    role = models.CharField(_("role"), max_length=12, choices=PartyRole.choices)
    age_group = models.CharField(
        _("age group"), max_length=8, choices=AgeGroup.choices, default=AgeGroup.UNKNOWN
    )
    # Victims only: HTCDS trafficking status and the organisation that decided it, apart from the case status.
    victim_status = models.CharField(
        _("victim status"), max_length=12, choices=VictimStatus.choices, blank=True
    )
    victim_status_by = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    victim_status_at = models.DateTimeField(null=True, blank=True)
    consent_to_share = models.CharField(
        _("consent to share"), max_length=10, choices=Consent.choices, default=Consent.NOT_ASKED
    )
    consent_at = models.DateTimeField(null=True, blank=True)
    consent_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    relationship_to_trafficker = models.CharField(
        _("relationship to trafficker"), max_length=20, choices=RelationshipToTrafficker.choices, blank=True
    )
    perpetrator_role = models.CharField(
        _("perpetrator role"), max_length=20, choices=PerpetratorRole.choices, blank=True
    )
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("person in a case")
        constraints = [
            models.UniqueConstraint(fields=["case", "person", "role"], name="caseparty_unique"),
            models.CheckConstraint(
                condition=models.Q(role=PartyRole.VICTIM) | models.Q(victim_status=""),
                name="caseparty_status_only_victims",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} in case {self.case_id}"

    @property
    def is_child(self) -> bool:
        return self.age_group == AgeGroup.CHILD


class ShareOverride(LoadedRelationsMixin, models.Model):
    """A victim's identity shared with an agency without consent: explicit, with a reason, audited."""

    party = models.ForeignKey(CaseParty, on_delete=models.CASCADE, related_name="share_overrides")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["party", "agency"], name="shareoverride_unique")]

    def __str__(self) -> str:
        return f"override {self.party_id} -> {self.agency_id}"


class CaseOrganisation(LoadedRelationsMixin, models.Model):
    """An organisation taking part in the trafficking: a placement company (P3MI), sponsor, employer."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organisations")
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    perpetrator_role = models.CharField(
        _("role"), max_length=20, choices=PerpetratorRole.choices, default=PerpetratorRole.RECRUITER
    )
    licence_number = models.CharField(_("licence number"), max_length=80, blank=True)
    country = models.CharField(_("country"), max_length=2, default="ID")
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        verbose_name = _("organisation in a case")

    def __str__(self) -> str:
        return self.name


class RouteEvent(LoadedRelationsMixin, models.Model):
    """An HTCDS historic event: recruitment, transit, exploitation... with place and date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="route_events")
    kind = models.CharField(_("kind"), max_length=14, choices=RouteEventKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    country = models.CharField(_("country"), max_length=2, default="ID")
    place = models.CharField(_("place"), max_length=200, blank=True)
    occurred_on = models.DateField(_("date"), null=True, blank=True)
    added_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["occurred_on", "id"]
        verbose_name = _("route event")

    def __str__(self) -> str:
        return f"{self.kind} {self.country}"


class Referral(LoadedRelationsMixin, models.Model):
    """The lead agency asks another agency to take on part of a case, with a reason and deadlines."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    from_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_sent"
    )
    to_agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, related_name="referrals_received"
    )
    need = models.CharField(_("need"), max_length=20, choices=ReferralNeed.choices)
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"), max_length=10, choices=ReferralState.choices, default=ReferralState.PENDING
    )
    accept_by = models.DateTimeField(_("answer by"))
    due_at = models.DateTimeField(_("services due by"))
    deadline_source = models.CharField(_("legal basis of the deadline"), max_length=200, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(_("answer"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    close_reason = models.TextField(blank=True)
    escalated_unanswered_at = models.DateTimeField(null=True, blank=True)
    escalated_overdue_at = models.DateTimeField(null=True, blank=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("referral")
        indexes = [
            models.Index(fields=["to_agency", "state"], name="referral_to_state_idx"),
            models.Index(fields=["state", "accept_by"], name="referral_state_accept_idx"),
            models.Index(fields=["state", "due_at"], name="referral_state_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "to_agency", "need"],
                condition=models.Q(state__in=["PENDING", "ACCEPTED"]),
                name="referral_one_open_per_need",
            ),
            models.CheckConstraint(
                condition=~models.Q(from_agency=models.F("to_agency")), name="referral_not_to_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} -> {self.to_agency_id}"

    @property
    def is_open(self) -> bool:
        return self.state in (ReferralState.PENDING, ReferralState.ACCEPTED)


class ReferralService(LoadedRelationsMixin, models.Model):
    """A service the receiving agency reports it delivered under a referral."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="services")
    description = models.TextField(_("service delivered"))
    delivered_on = models.DateField(_("delivered on"))
    reported_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name = _("service delivered")

    def __str__(self) -> str:
        return f"service {self.pk} of referral {self.referral_id}"


class LeadTransfer(LoadedRelationsMixin, models.Model):
    """A request to hand the lead of a case to another agency, which accepts or declines."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="transfers")
    from_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    to_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    state = models.CharField(max_length=10, choices=TransferState.choices, default=TransferState.PENDING)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    answered_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = models.TextField(blank=True)

    objects = TransferQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("lead transfer")
        constraints = [
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(state="PENDING"), name="transfer_one_pending_per_case"
            )
        ]

    def __str__(self) -> str:
        return f"transfer of case {self.case_id}"


class Approval(LoadedRelationsMixin, models.Model):
    """A supervisor's approval of the assessment, the case plan or the closure."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="approvals")
    kind = models.CharField(_("kind"), max_length=12, choices=ApprovalKind.choices)
    state = models.CharField(max_length=10, choices=ApprovalState.choices, default=ApprovalState.PENDING)
    request_note = models.TextField(_("note"), blank=True)
    requested_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision note"), blank=True)

    objects = ApprovalQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = _("approval")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "kind"], condition=models.Q(state="PENDING"), name="approval_one_pending"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} approval of case {self.case_id}"


class Note(LoadedRelationsMixin, models.Model):
    """A case note; its sensitivity decides which agencies may read it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    sensitivity = models.CharField(
        _("sensitivity"), max_length=14, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(default=timezone.now)
    search_vector = SearchVectorField(null=True, editable=False)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("note")

    def __str__(self) -> str:
        return f"note {self.pk}"


class Task(LoadedRelationsMixin, models.Model):
    """A service task with an owner and a due date."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("task"), max_length=200)
    owner = models.ForeignKey(
        USER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="case_tasks"
    )
    owner_agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    referral = models.ForeignKey(
        Referral, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    # A task settled without being done (the case was closed, the task no longer applies) is closed like a done
    # one (done_at), so every "open task" query stays right, and says why here.
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    escalated_at = models.DateTimeField(null=True, blank=True)

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "id"]
        verbose_name = _("task")
        indexes = [models.Index(fields=["done_at", "due_at"], name="task_open_due_idx")]

    def __str__(self) -> str:
        return self.title


def document_upload_to(instance, filename: str) -> str:
    # The stored name is random: the original name (which may hold a victim's name) is kept in the row only.
    import uuid

    return f"cases/{instance.case_id}/{uuid.uuid4().hex}"


class Document(LoadedRelationsMixin, models.Model):
    """An uploaded file, stored under MEDIA_ROOT (outside the web root) and served by a permission check."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    sensitivity = models.CharField(
        _("sensitivity"), max_length=14, choices=Sensitivity.choices, default=Sensitivity.GENERAL
    )
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(USER, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        verbose_name = _("document")

    def __str__(self) -> str:
        return self.title


class CaseEvent(LoadedRelationsMixin, models.Model):
    """One line of a case's timeline, written by every service. `data` holds codes and ids, never names."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=24, choices=CaseEventKind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sensitivity = models.CharField(max_length=14, choices=Sensitivity.choices, default=Sensitivity.GENERAL)
    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("case event")
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at_idx")]

    def __str__(self) -> str:
        return f"{self.kind} on case {self.case_id}"


class Notification(models.Model):
    """An in-app notification. Its text names the case by reference only, never a person."""

    recipient = models.ForeignKey(USER, on_delete=models.CASCADE, related_name="case_notifications")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=20, choices=NotificationKind.choices)
    message = models.CharField(max_length=300)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread_idx")]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"
