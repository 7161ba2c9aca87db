"""Choices of the outreach app: who an event reaches, age groups of the participant counts."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Audience(models.TextChoices):
    PROSPECTIVE_MIGRANTS = "PROSPECTIVE_MIGRANTS", _("Prospective migrant workers")
    FAMILIES = "FAMILIES", _("Families of migrant workers")
    VILLAGE_OFFICIALS = "VILLAGE_OFFICIALS", _("Village officials")
    SCHOOLS = "SCHOOLS", _("Schools")
    RELIGIOUS_LEADERS = "RELIGIOUS_LEADERS", _("Religious leaders")
    EX_MIGRANTS = "EX_MIGRANTS", _("Former migrant workers")


class ParticipantSex(models.TextChoices):
    FEMALE = "F", _("Women")
    MALE = "M", _("Men")


class ParticipantAge(models.TextChoices):
    UNDER_18 = "U18", _("under 18")
    FROM_18_TO_39 = "18_39", _("18 to 39")
    FROM_40 = "40P", _("40 and over")


# The count fields of an event, one per sex and age group, in the order the form shows them.
PARTICIPANT_FIELDS = tuple(
    (f"participants_{sex.value.lower()}_{age.value.lower()}", sex, age)
    for sex in ParticipantSex
    for age in ParticipantAge
)
