"""Explicit input and output serializers of /api/v1/people/. They parse and present; services decide."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sinergi.people.choices import RevealableField, Sex, SocialPlatform
from sinergi.people.nik import nik_mask
from sinergi.people.templatetags.people import mask_passport, mask_phone
from sinergi.regions.api.serializers import KnownRegionCodeField
from sinergi.regions.models import Region


class PhoneInputSerializer(serializers.Serializer):
    number = serializers.CharField(max_length=40, help_text="As written: 0812-3456-7890, +60 12-345 6789…")
    label = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class HandleInputSerializer(serializers.Serializer):
    platform = serializers.ChoiceField(choices=SocialPlatform.choices)
    handle = serializers.CharField(max_length=200)


class PersonInputSerializer(serializers.Serializer):
    full_name = serializers.CharField(max_length=200)
    aliases = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=20
    )
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, default=Sex.UNKNOWN)
    birth_date = serializers.DateField(required=False, allow_null=True, default=None)
    birth_place = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    nik = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    passport_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    nationality = serializers.CharField(
        max_length=2, required=False, default="ID", help_text="ISO 3166-1 alpha-2"
    )
    address_region = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Region.objects.all(),
        required=False,
        allow_null=True,
        default=None,
        help_text="Dotted Kemendagri code, e.g. 63.71.01.1001",
        error_messages={"does_not_exist": _("There is no region with the code {value}.")},
    )
    address_detail = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)
    phones = PhoneInputSerializer(many=True, required=False, default=list)
    handles = HandleInputSerializer(many=True, required=False, default=list)
    confirm_nik_mismatch = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Save although the NIK contradicts the birth date or sex (after a `nik_mismatch` answer).",
    )


class PersonUpdateSerializer(PersonInputSerializer):
    version = serializers.IntegerField(
        min_value=1, help_text="The `version` read before editing; a newer one on the server answers 409."
    )


class PersonPatchSerializer(PersonUpdateSerializer):
    """PATCH: only `version` is required; fields left out keep their current value."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "version":
                field.required = False
                field.default = serializers.empty


class PhoneOutputSerializer(serializers.Serializer):
    number_masked = serializers.SerializerMethodField()
    label = serializers.CharField()

    def get_number_masked(self, phone) -> str:
        return mask_phone(phone.number)


class HandleOutputSerializer(serializers.Serializer):
    platform = serializers.CharField()
    handle = serializers.CharField()


class PersonAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PersonOutputSerializer(serializers.Serializer):
    """A person as the API shows it: identifiers masked (POST …/reveal/ shows one in full, audited)."""

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    sex = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True)
    birth_place = serializers.CharField()
    nik_masked = serializers.SerializerMethodField()
    passport_masked = serializers.SerializerMethodField()
    nationality = serializers.CharField()
    address_region = serializers.CharField(source="address_region_id", allow_null=True)
    address_region_name = serializers.SerializerMethodField()
    phones = PhoneOutputSerializer(many=True, source="phones.all")
    handles = HandleOutputSerializer(many=True, source="handles.all")
    owner_agency = PersonAgencySerializer()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def get_nik_masked(self, person) -> str:
        return nik_mask(person.nik)

    def get_passport_masked(self, person) -> str:
        return mask_passport(person.passport_number)

    def get_address_region_name(self, person) -> str:
        region = person.address_region
        return (region.path_name or region.name) if region else ""


class PersonSearchInputSerializer(serializers.Serializer):
    """A search by name or identifier: in the body, so nothing typed enters an address or an access log."""

    q = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    nik = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    phone = serializers.CharField(required=False, allow_blank=True, max_length=40, default="")
    sex = serializers.ChoiceField(choices=Sex.choices, required=False, allow_blank=True)
    nationality = serializers.CharField(required=False, allow_blank=True, max_length=2)
    region = KnownRegionCodeField(required=False, allow_blank=True)


class PersonListQuerySerializer(serializers.Serializer):
    sex = serializers.ChoiceField(choices=Sex.choices, required=False)
    nationality = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, help_text="ISO 3166-1 alpha-2")
    region = KnownRegionCodeField(
        required=False, help_text="Region code (63.71 or 6371): people whose address is inside"
    )


class RevealInputSerializer(serializers.Serializer):
    field = serializers.ChoiceField(choices=RevealableField.choices)


class RevealOutputSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField(allow_blank=True, required=False)
    values = serializers.ListField(child=serializers.CharField(), required=False)


class NikMismatchDetailSerializer(serializers.Serializer):
    code = serializers.CharField()
    field = serializers.CharField()
    message = serializers.CharField()
