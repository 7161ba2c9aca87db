from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("Province")
    REGENCY = 2, _("Regency / city")
    DISTRICT = 3, _("District (kecamatan)")
    VILLAGE = 4, _("Village (desa / kelurahan)")
