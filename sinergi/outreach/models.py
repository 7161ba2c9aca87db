"""Outreach (sosialisasi) events in the regions of origin and their attendance lists.

Writes go through sinergi/outreach/services.py, reads through selectors.py; who may see and change what is
decided in `OutreachEventQuerySet.restrict`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.agencies.choices import Role
from sinergi.outreach.choices import ParticipantAge, ParticipantSex

OUTREACH_WRITE_ROLES = frozenset({Role.OUTREACH_OFFICER, Role.SUPERVISOR})


def _active_staff(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_view_outreach(user) -> bool:
    return _active_staff(user) and (user.is_superuser or bool(user.agency_id))


def can_plan_outreach(user) -> bool:
    return _active_staff(user) and bool(user.agency_id) and user.has_role(*OUTREACH_WRITE_ROLES)


class OutreachEventQuerySet(models.QuerySet["OutreachEvent"]):
    def restrict(self, user, action: str = "view") -> OutreachEventQuerySet:
        """Events `user` may "view" or "change".

        Outreach is coordination, not casework: every member of an agency sees every event (where, when, who
        came in numbers), so agencies do not plan the same village twice. Changing an event, and reading its
        attendance list (names of people), is for the organising agency's outreach officers and supervisors,
        and for partner agencies' ones only to read the list. Platform administrators see the events only.
        """
        if action == "view":
            return self if can_view_outreach(user) else self.none()
        if not can_plan_outreach(user):
            return self.none()
        if action == "change":
            return self.filter(agency_id=user.agency_id)
        if action == "attendance":
            return self.filter(Q(agency_id=user.agency_id) | Q(partner_agencies=user.agency_id)).distinct()
        return self.none()


class OutreachEvent(models.Model):
    """A planned or held outreach event in a village or district of origin."""

    title = models.CharField(_("title"), max_length=200)
    held_on = models.DateField(_("date"))
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("village or district"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    agency = models.ForeignKey(
        "agencies.Agency", verbose_name=_("organised by"), on_delete=models.PROTECT, related_name="+"
    )
    partner_agencies = models.ManyToManyField(
        "agencies.Agency", verbose_name=_("partner agencies"), blank=True, related_name="+"
    )
    audiences = models.JSONField(_("audience"), default=list, blank=True)
    participants_f_u18 = models.PositiveIntegerField(default=0)
    participants_f_18_39 = models.PositiveIntegerField(default=0)
    participants_f_40p = models.PositiveIntegerField(default=0)
    participants_m_u18 = models.PositiveIntegerField(default=0)
    participants_m_18_39 = models.PositiveIntegerField(default=0)
    participants_m_40p = models.PositiveIntegerField(default=0)
    participants_total = models.PositiveIntegerField(
        default=0, editable=False, help_text="Sum of the counts by sex and age group, kept by the services."
    )
    materials = models.TextField(_("materials"), blank=True)
    follow_up = models.TextField(_("follow-up"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)

    objects = OutreachEventQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "-id"]
        verbose_name = _("outreach event")
        verbose_name_plural = _("outreach events")
        indexes = [models.Index(fields=["region", "-held_on"], name="outreach_region_date_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_planned(self) -> bool:
        return self.held_on > timezone.localdate()


class Attendee(models.Model):
    """One line of an event's attendance list. Names only: no identifiers are collected at outreach."""

    event = models.ForeignKey(OutreachEvent, on_delete=models.CASCADE, related_name="attendees")
    full_name = models.CharField(_("name"), max_length=200)
    sex = models.CharField(_("sex"), max_length=1, choices=ParticipantSex.choices)
    age_group = models.CharField(_("age group"), max_length=5, choices=ParticipantAge.choices)
    village = models.CharField(_("village"), max_length=120, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("attendee")

    def __str__(self) -> str:
        return f"attendee {self.pk} of event {self.event_id}"
