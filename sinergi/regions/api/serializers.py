from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sinergi.core.api.params import CommaSeparatedListField
from sinergi.regions.choices import RegionLevel
from sinergi.regions.selectors import region_get

# A Kemendagri code, dotted or digits only: 63, 63.71 (6371), 63.71.01, 63.71.01.1001.
REGION_CODE = r"^\d{2}(\.?\d{2}(\.?\d{2}(\.?\d{4})?)?)?$"


class KnownRegionCodeField(serializers.RegexField):
    """A query parameter naming a region: a Kemendagri code, dotted or digits only, of a region that exists;
    its value is the dotted code. A well-formed code of no region is refused rather than answering an empty
    list, which reads as "nothing there" instead of the typo it is."""

    default_error_messages = {
        "invalid": _("Enter a region code such as 63, 63.71 or 6371."),
        "unknown": _("Region not found."),
    }

    def __init__(self, **kwargs):
        super().__init__(REGION_CODE, **kwargs)

    def run_validation(self, data=serializers.empty):
        # After the pattern (a validator, run by the parent): only a well-formed code is looked up.
        code = super().run_validation(data)
        if code in ("", None):  # a blank allowed by the field (a search form's empty choice)
            return code
        region = region_get(code)
        if region is None:
            self.fail("unknown")
        return region.code


class RegionListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text="Name or code.")
    level = CommaSeparatedListField(
        child=serializers.ChoiceField(choices=RegionLevel.choices),
        required=False,
        help_text="1 province, 2 regency/city, 3 district, 4 village; several as 3,4.",
    )
    parent = KnownRegionCodeField(required=False, help_text="Only regions inside this code (63.71 or 6371).")


class RegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Dotted Kemendagri code, e.g. 63.71.01.1001")
    digits = serializers.CharField(help_text="The code without dots, as in a NIK")
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1 province, 2 regency/city, 3 district, 4 village")
    kind = serializers.CharField()
    parent = serializers.CharField(source="parent_id", allow_null=True)
    path_name = serializers.CharField()
