"""Early detection: screened posts, campaigns of reposts, reviews, contacts and departure screenings.

The screening itself is done by the pure engine (`sinergi.detection.engine`); these models keep what an
agency needs afterwards: the post and the engine's verdict, the campaign it belongs to, the analyst's decision
and the contacts (phones, WhatsApp, Telegram...) that later link posts to cases.
"""

from __future__ import annotations

from typing import Any, Self

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedTextField
from sinergi.core.registry import policy_allows
from sinergi.detection.choices import (
    BatchStatus,
    CheckpointType,
    ContactKind,
    DepartureAction,
    PostSource,
    ReviewDecision,
    ReviewStatus,
    RiskLevel,
)

# Who may do what in early detection is the need-to-know policy's (sinergi/cases/policy.py, RECORD_RULES: posts and
# contacts are one queue shared across agencies, a departure screening is its agency's and its province's
# follow-up units'). Detection sits below cases, so it asks through the registry (core.registry.policy_allows);
# the querysets below translate the answers into rows.
POST = "post"
CONTACT = "contact"
DEPARTURE_SCREENING = "departure_screening"
# The restrict() actions of these models, as the policy's actions.
_POLICY_ACTIONS = {"view": "view", "list": "list", "add": "add", "review": "change", "change": "change"}


def _active(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _allows(kind: str, action: str, user: Any, relation: str = "none") -> bool:
    policy_action = _POLICY_ACTIONS.get(action)
    return policy_action is not None and _active(user) and policy_allows(kind, policy_action, user, relation)


def can_view_posts(user) -> bool:
    return _allows(POST, "view", user)


def can_review_posts(user) -> bool:
    return _allows(POST, "review", user)


def can_screen_text(user) -> bool:
    """Screening a pasted text stores nothing and reads no record, so every signed-in member of an agency may use
    it: no need-to-know question to ask."""
    return _active(user) and (user.is_superuser or bool(user.agency_id))


def can_create_departure_screening(user) -> bool:
    return _allows(DEPARTURE_SCREENING, "add", user)


def detection_access(user) -> dict[str, bool]:
    """Which early-detection pages the user may open, for the navigation (each view checks again)."""
    view = can_view_posts(user)
    return {
        "queue": view,
        "screen": can_screen_text(user),
        "upload": can_review_posts(user),
        "departure": view or can_create_departure_screening(user),
    }


def agency_province_code(agency) -> str:
    """Two-digit province code of an agency's jurisdiction ("63.71" -> "63"); empty for national bodies."""
    region = getattr(agency, "jurisdiction", None)
    return region.code[:2] if region is not None else ""


class DetectionQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> Self:
        """Rows of posts, campaigns, batches, reviews and contacts that `user` may see ("view") or act on
        ("review", "add": an upload or a batch stored through the API).

        The policy (cases.policy RECORD_RULES) shares the queue across agencies: every analyst, supervisor and
        investigator of any agency sees and reviews the same posts, read-only staff see them, the platform
        administrator sees and decides nothing; anybody else sees nothing (the pages answer 403/404). A contact
        is asked about as a contact, everything else as a post.
        """
        kind = CONTACT if getattr(self.model, "policy_kind", POST) == CONTACT else POST
        return self if _allows(kind, action, user) else self.none()


def batch_upload_to(instance, filename: str) -> str:
    """A random name: the original file name (which may name a person) stays in `filename` only."""
    import secrets

    return f"detection/uploads/{timezone.now():%Y/%m}/{secrets.token_hex(16)}"


class PostBatch(models.Model):
    """One delivery of posts: an uploaded file, one API call or one `sinergi screen --store` run."""

    source = models.CharField(_("source"), max_length=10, choices=PostSource.choices)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    total_count = models.PositiveIntegerField(_("items received"), default=0)
    stored_count = models.PositiveIntegerField(_("posts stored"), default=0)
    duplicate_count = models.PositiveIntegerField(
        _("already known"), default=0, help_text=_("Posts identical to one stored earlier, not stored twice.")
    )
    flagged_count = models.PositiveIntegerField(_("flagged (high or medium)"), default=0)
    campaign_count = models.PositiveIntegerField(_("campaigns touched"), default=0)
    errors = models.JSONField(
        _("errors by line"),
        default=list,
        blank=True,
        help_text="Lines the sender could not screen: [{line, message}]. Never the text itself.",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=BatchStatus.choices, default=BatchStatus.DONE, db_index=True
    )
    failure = models.CharField(_("why it was not stored"), max_length=500, blank=True)
    # The uploaded file while it waits for the worker, in the protected media storage; removed once handled.
    upload = models.FileField(upload_to=batch_upload_to, blank=True, max_length=200)

    objects = DetectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("batch of posts")
        verbose_name_plural = _("batches of posts")

    def __str__(self) -> str:
        return f"batch {self.pk}"


class Campaign(models.Model):
    """Near-duplicate posts grouped as one campaign: reposts of the same offer by one or many accounts.

    Every stored post belongs to exactly one campaign (a single post is a campaign of one), so the review queue
    is a list of campaigns and an analyst decides a campaign once, for all its reposts.
    """

    representative = models.ForeignKey(
        "ScreenedPost",
        verbose_name=_("first post"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    account_count = models.PositiveIntegerField(_("accounts"), default=0)
    accounts = models.JSONField(_("accounts"), default=list, blank=True)
    platforms = models.JSONField(_("platforms"), default=list, blank=True)
    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True, db_index=True)
    highest_risk = models.CharField(
        _("highest risk"), max_length=10, choices=RiskLevel.choices, default=RiskLevel.RENDAH
    )
    risk_rank = models.PositiveSmallIntegerField(default=1)
    max_score = models.FloatField(_("highest score"), default=0)
    destination_country = models.CharField(_("destination"), max_length=80, blank=True, db_index=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW, db_index=True
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = DetectionQuerySet.as_manager()

    class Meta:
        # The queue's order: the riskiest level first, then what was seen most recently.
        ordering = ["-risk_rank", "-last_seen", "-id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        indexes = [models.Index(fields=["status", "risk_rank", "last_seen"], name="campaign_queue_idx")]

    def __str__(self) -> str:
        return f"campaign {self.pk}"


class ScreenedPost(models.Model):
    """A post or job offer as received, with the engine's verdict at the time it was screened."""

    batch = models.ForeignKey(PostBatch, on_delete=models.PROTECT, related_name="posts")
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="posts"
    )
    external_id = models.CharField(_("sender's id"), max_length=200, blank=True)
    text = models.TextField(_("text"))
    text_hash = models.CharField(max_length=64, db_index=True, help_text="SHA-256 of the normalised text.")
    dedup_key = models.CharField(
        max_length=64, unique=True, help_text="Same text, account, platform, URL and time: the same post."
    )
    platform = models.CharField(_("platform"), max_length=40, blank=True, db_index=True)
    account = models.CharField(_("account"), max_length=200, blank=True)
    url = models.CharField(_("address (URL)"), max_length=2000, blank=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    source = models.CharField(_("source"), max_length=10, choices=PostSource.choices)
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices, db_index=True)
    risk_rank = models.PositiveSmallIntegerField(default=1)
    score = models.FloatField(_("score"))
    rule_score = models.FloatField(_("rule score"), null=True, blank=True)
    indicators = models.JSONField(_("indicators"), default=list, blank=True)
    extracted = models.JSONField(_("extracted details"), default=dict, blank=True)
    warnings = models.JSONField(default=list, blank=True)
    destination_country = models.CharField(_("destination"), max_length=80, blank=True, db_index=True)
    engine_version = models.CharField(max_length=40, blank=True)
    knowledge_version = models.CharField(max_length=255, blank=True)
    minhash = models.JSONField(default=list, blank=True, help_text="MinHash signature for near duplicates.")
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.NEW, db_index=True
    )
    linked_case_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The case opened from this post (cases.Case id), once one is."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DetectionQuerySet.as_manager()

    class Meta:
        ordering = ["-risk_rank", "-score", "-received_at", "-id"]
        verbose_name = _("screened post")
        verbose_name_plural = _("screened posts")
        indexes = [
            models.Index(fields=["risk_rank", "received_at"], name="post_risk_recency_idx"),
            # Every case page asks which posts it was opened from.
            models.Index(
                fields=["linked_case_id"],
                condition=models.Q(linked_case_id__isnull=False),
                name="post_linked_case_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"post {self.pk}"

    @property
    def seen_at(self):
        return self.posted_at or self.received_at


class PostBand(models.Model):
    """One LSH band key of a post's MinHash: posts sharing a key are candidate near duplicates."""

    post = models.ForeignKey(ScreenedPost, on_delete=models.CASCADE, related_name="bands")
    key = models.CharField(max_length=24, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "key"], name="post_band_unique")]

    def __str__(self) -> str:
        return self.key


class Contact(models.Model):
    """A way to reach a recruiter found in posts: phone, WhatsApp link, Telegram or other handle, e-mail.

    The value is encrypted like every identifier; `value_index` is its blind index. Phones use the same index
    as `people.PersonPhone.number_index`, so a contact found in a post can be matched to a person in a case.
    """

    policy_kind = CONTACT  # DetectionQuerySet.restrict asks the policy about contacts as contacts

    kind = models.CharField(_("kind"), max_length=10, choices=ContactKind.choices)
    value = EncryptedTextField(_("value"))
    value_index = models.CharField(max_length=64, editable=False)
    post_count = models.PositiveIntegerField(_("posts"), default=0)
    first_seen = models.DateTimeField(_("first seen"), null=True, blank=True)
    last_seen = models.DateTimeField(_("last seen"), null=True, blank=True)
    posts = models.ManyToManyField(ScreenedPost, through="PostContact", related_name="contacts")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DetectionQuerySet.as_manager()

    class Meta:
        ordering = ["-post_count", "-last_seen", "id"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "value_index"], name="contact_kind_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.kind} contact {self.pk}"


class PostContact(models.Model):
    post = models.ForeignKey(ScreenedPost, on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "contact"], name="post_contact_unique")]

    def __str__(self) -> str:
        return f"post {self.post_id} contact {self.contact_id}"


class Review(models.Model):
    """An analyst's decision on a campaign (all its posts) or on one post: confirmed risky or dismissed.

    One decision per campaign and one per post; it is never edited, and it is audited. Decisions become
    training examples of the learned layer.
    """

    campaign = models.OneToOneField(
        Campaign, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    post = models.OneToOneField(
        ScreenedPost, on_delete=models.PROTECT, null=True, blank=True, related_name="review"
    )
    decision = models.CharField(_("decision"), max_length=10, choices=ReviewDecision.choices)
    reason = models.TextField(_("reason"))
    analyst = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("analyst"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("decided"), default=timezone.now)

    objects = DetectionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=(Q(campaign__isnull=False) & Q(post__isnull=True))
                | (Q(campaign__isnull=True) & Q(post__isnull=False)),
                name="review_exactly_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"review {self.pk}"


class DepartureScreeningQuerySet(models.QuerySet):
    def restrict(self, user: Any, action: str = "view") -> Self:
        """Departure screenings a user may see ("view") or act on ("change": link a case).

        A screening is about an identifiable traveller, so it is need-to-know (cases.policy RECORD_RULES): the
        officer's own agency sees it, and so do the units that follow up a hold in the checkpoint's province
        (BP3MI, police); platform administrators see all. Other agencies see nothing (404).
        """
        if not _active(user):
            return self.none()
        if user.is_superuser:
            return self if _allows(DEPARTURE_SCREENING, action, user) else self.none()
        if not user.agency_id:
            return self.none()
        scopes = []
        if _allows(DEPARTURE_SCREENING, action, user, "own_agency"):
            scopes.append(Q(agency_id=user.agency_id))
        province = agency_province_code(user.agency)
        if province and _allows(DEPARTURE_SCREENING, action, user, "follow_up"):
            scopes.append(Q(province_code=province))
        if not scopes:
            return self.none()
        scope = scopes[0]
        for more in scopes[1:]:
            scope |= more
        return self.filter(scope)


class DepartureScreening(models.Model):
    """A short interview of a departing traveller at an airport, seaport or land border post (PLBN).

    The answers are scored by `sinergi.detection.departure` (rules in departure_rules.yaml); the result, its
    reasons and the recommended action are stored as they were shown to the officer.
    """

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("officer"), on_delete=models.PROTECT, related_name="+"
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    checkpoint_type = models.CharField(_("checkpoint type"), max_length=10, choices=CheckpointType.choices)
    checkpoint_name = models.CharField(_("checkpoint"), max_length=120)
    province_code = models.CharField(
        _("province"), max_length=2, blank=True, db_index=True, help_text="Province of the checkpoint."
    )
    traveller_name = EncryptedTextField(_("traveller's name"), blank=True, default="")
    destination_country = models.CharField(_("destination country"), max_length=2, blank=True)
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    risk_level = models.CharField(_("risk"), max_length=10, choices=RiskLevel.choices)
    risk_rank = models.PositiveSmallIntegerField(default=1)
    score = models.PositiveIntegerField(_("score"), default=0)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    recommended_action = models.CharField(
        _("recommended action"), max_length=20, choices=DepartureAction.choices
    )
    rules_version = models.CharField(max_length=40, blank=True)
    linked_case_id = models.PositiveBigIntegerField(
        null=True, blank=True, help_text="The case opened from this screening (cases.Case id), once one is."
    )
    created_at = models.DateTimeField(_("screened"), default=timezone.now, db_index=True)

    objects = DepartureScreeningQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            # Every case page asks which screenings it was opened from.
            models.Index(
                fields=["linked_case_id"],
                condition=models.Q(linked_case_id__isnull=False),
                name="screening_linked_case_idx",
            )
        ]
        verbose_name = _("departure screening")
        verbose_name_plural = _("departure screenings")

    def __str__(self) -> str:
        return f"departure screening {self.pk}"
