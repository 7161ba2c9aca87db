"""Indonesian administrative regions with their Kemendagri codes (Kepmendagri 300.2.2-2430/2025)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from sinergi.regions.choices import RegionLevel


class Region(models.Model):
    """A province, regency/city, district or village. `code` is the dotted Kemendagri code, e.g. 63.71.01.1001."""

    code = models.CharField(_("code"), max_length=13, primary_key=True)
    digits = models.CharField(max_length=10, unique=True, help_text="The code without dots, as in a NIK.")
    name = models.CharField(_("name"), max_length=120)
    name_search = models.CharField(
        max_length=120, db_index=True, help_text="Lower-case name for prefix search."
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=RegionLevel.choices, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=20, blank=True, help_text="Kabupaten, Kota, Desa, Kelurahan..."
    )
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # Denormalised for display: "Desa X, Kec. Y, Kab. Z, Prov. W" without walking up the tree per row.
    path_name = models.CharField(max_length=400, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "name_search"], name="region_level_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def province_code(self) -> str:
        return self.code[:2]


class RegionCodeHistory(models.Model):
    """Every province/regency/district code seen in the editions 2015-2025, to validate NIKs issued long ago."""

    code = models.CharField(max_length=8, primary_key=True)
    digits = models.CharField(max_length=6, unique=True)
    level = models.PositiveSmallIntegerField(choices=RegionLevel.choices[:3])
    last_name = models.CharField(max_length=120)
    first_edition = models.PositiveSmallIntegerField()
    last_edition = models.PositiveSmallIntegerField()
    valid_2025 = models.BooleanField()

    class Meta:
        verbose_name = _("historical region code")

    def __str__(self) -> str:
        return f"{self.code} {self.last_name}"
