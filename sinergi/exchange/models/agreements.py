"""Data-sharing agreements between agencies: which field groups of its cases an agency grants another, for
which purpose, from and until when, signed off by a supervisor of the granting agency. The access policy reads
the agreements in force (sinergi.exchange.agreements.grants), so pages, API, exports and events follow them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.exchange.choices import AgreementPurpose, AgreementStatus, SharedFieldGroup


class SharingAgreementQuerySet(models.QuerySet["SharingAgreement"]):
    def restrict(self, user, action: str = "view") -> SharingAgreementQuerySet:
        """The agreements of the user's agency, as granting or receiving side, for those who may read them
        (sinergi.exchange.agreements.access); platform administrators read every agency's."""
        from sinergi.exchange.agreements.access import may_read_agreements

        if getattr(user, "is_superuser", False) and user.is_active:
            return self
        if not may_read_agreements(user):
            return self.none()
        return self.filter(Q(granting_agency_id=user.agency_id) | Q(receiving_agency_id=user.agency_id))

    def in_force(self, on=None) -> SharingAgreementQuerySet:
        today = on or timezone.localdate()
        return self.filter(status=AgreementStatus.SIGNED, valid_from__lte=today, valid_until__gte=today)


class SharingAgreement(models.Model):
    """One agency (granting) lets another (receiving) see more of the cases it leads, where the receiving
    agency takes part (an accepted referral): the field groups named, for the purpose named, between the dates,
    once a supervisor of the granting agency has signed. An agreement never opens a case to an outsider."""

    granting_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("granting agency"), on_delete=models.PROTECT, related_name="+"
    )
    receiving_agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("receiving agency"), on_delete=models.PROTECT, related_name="+"
    )
    field_groups = models.JSONField(_("field groups"), default=list)
    purpose = models.CharField(_("purpose"), max_length=20, choices=AgreementPurpose.choices)
    reference = models.CharField(
        _("document reference"), max_length=120, blank=True, help_text=_("The number of the signed letter.")
    )
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    status = models.CharField(
        _("status"), max_length=10, choices=AgreementStatus.choices, default=AgreementStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(default=timezone.now)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=300, blank=True)

    objects = SharingAgreementQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("data-sharing agreement")
        constraints = [
            models.CheckConstraint(
                condition=~Q(granting_agency=models.F("receiving_agency")), name="agreement_two_agencies"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="agreement_dates_in_order"
            ),
            models.CheckConstraint(
                condition=~Q(status="signed") | Q(signed_by__isnull=False), name="agreement_signed_by_someone"
            ),
        ]
        indexes = [models.Index(fields=["receiving_agency", "status"], name="agreement_receiver_idx")]

    def __str__(self) -> str:
        return f"agreement {self.pk}"

    @property
    def field_group_labels(self) -> list[str]:
        return [str(SharedFieldGroup(g).label) for g in self.field_groups if g in SharedFieldGroup.values]

    @property
    def in_force(self) -> bool:
        today = timezone.localdate()
        return self.status == AgreementStatus.SIGNED and self.valid_from <= today <= self.valid_until
