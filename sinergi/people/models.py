"""People: victims, witnesses, suspects and reporters, as one record each that cases link to."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from sinergi.core.fields import EncryptedTextField
from sinergi.core.validation import LoadedRelationsMixin
from sinergi.people.choices import Sex, SocialPlatform


class PersonQuerySet(models.QuerySet):
    def restrict(self, user, action: str = "view") -> PersonQuerySet:
        """The people `user` may `action` ("view", "change", "reveal", "delete"); rules in people/access.py."""
        from sinergi.people import access

        if not access.is_active_staff(user):
            return self.none()
        if user.is_superuser:
            return self.none()  # the platform administrator manages accounts, not victims
        scope = access.extra_person_scope(user, action)
        if access.may_in_own_agency(user, action):
            scope = Q(owner_agency_id=user.agency_id) | scope
        return self.filter(scope).exclude(access.withheld_person_scope(user, action))


class Person(LoadedRelationsMixin, models.Model):
    """A natural person known to an agency. Identifiers are encrypted; `*_index` columns allow exact lookup."""

    full_name = models.CharField(_("full name"), max_length=200)
    name_normalised = models.CharField(max_length=200, db_index=True, editable=False)
    # " " + the normalised full name and aliases: every word follows a space, so "word starts with x" is the
    # single pattern LIKE '% x%', served by a pg_trgm GIN index on PostgreSQL (migration 0002).
    search_names = models.TextField(default="", blank=True, editable=False)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    birth_place = models.CharField(_("birth place"), max_length=120, blank=True)
    nik = EncryptedTextField(_("NIK"), blank=True, default="")
    # Blind indexes are only ever compared for equality: plain B-tree indexes (Meta.indexes), not db_index,
    # which on PostgreSQL would add a second, useless varchar_pattern_ops index of the same size.
    nik_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    passport_number = EncryptedTextField(_("passport number"), blank=True, default="")
    passport_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    nationality = models.CharField(
        _("nationality"), max_length=2, default="ID", help_text=_("ISO 3166-1 alpha-2")
    )
    address_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("address region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    address_detail = EncryptedTextField(_("street address"), blank=True, default="")
    owner_agency = models.ForeignKey(
        "agencies.Agency",
        verbose_name=_("recorded by agency"),
        on_delete=models.PROTECT,
        related_name="people",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField(default=1, help_text="Optimistic lock: bumped by every update.")

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["name_normalised", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["owner_agency", "name_normalised"], name="person_agency_name_idx"),
            models.Index(fields=["nik_index"], name="person_nik_index_idx"),
            models.Index(fields=["passport_index"], name="person_passport_index_idx"),
        ]
        constraints = [
            # One record per NIK and agency; other agencies keep their own records of the same person.
            models.UniqueConstraint(
                fields=["owner_agency", "nik_index"],
                condition=~Q(nik_index=""),
                name="person_agency_nik_unique",
            )
        ]

    def __str__(self) -> str:
        return self.full_name


class PersonPhone(LoadedRelationsMixin, models.Model):
    """A phone number in E.164, encrypted, with its blind index for exact lookup."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones")
    number = EncryptedTextField(_("phone number"))
    number_index = models.CharField(max_length=64, editable=False)
    label = models.CharField(_("label"), max_length=40, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "number_index"], name="person_phone_unique")]
        indexes = [models.Index(fields=["number_index"], name="person_phone_index_idx")]
        verbose_name = _("phone number")

    def __str__(self) -> str:
        return self.label or "phone"


class PersonHandle(LoadedRelationsMixin, models.Model):
    """A social-media account or handle (Facebook, TikTok, Telegram...)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="handles")
    platform = models.CharField(_("platform"), max_length=20, choices=SocialPlatform.choices)
    handle = models.CharField(_("handle"), max_length=200)
    handle_normalised = models.CharField(max_length=200, db_index=True, editable=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "platform", "handle_normalised"], name="person_handle_unique"
            )
        ]
        verbose_name = _("social-media handle")

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"
