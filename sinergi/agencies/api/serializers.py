"""Explicit input and output shapes of the agencies API. Serializers validate and format; services act."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from sinergi.agencies.choices import AgencyType, Role, UserKind
from sinergi.agencies.models import Agency
from sinergi.regions.models import Region


class KnownAgencyField(serializers.IntegerField):
    """A query parameter naming an agency by id, refused when no agency has it. The agency directory is open to
    every signed-in user, so naming a missing one tells nothing; an id that matches none is a typo the caller
    should hear about, not a list that is silently empty."""

    default_error_messages = {"unknown": _("Unknown agency.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(**kwargs)

    def run_validation(self, data=serializers.empty):
        # After the type and the minimum (the parent's checks): only a well-formed id is looked up.
        value = super().run_validation(data)
        if value is not None and not Agency.objects.filter(pk=value).exists():
            self.fail("unknown")
        return value


class AgencyBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    type = serializers.CharField(read_only=True)


class AgencyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=AgencyType.choices)
    type_label = serializers.CharField(source="get_type_display")
    jurisdiction = serializers.CharField(source="jurisdiction_id", allow_null=True)
    jurisdiction_name = serializers.SerializerMethodField()
    country = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    is_active = serializers.BooleanField()

    def get_jurisdiction_name(self, agency) -> str | None:
        region = agency.jurisdiction
        return (region.path_name or region.name) if region else None


class RegionCodeInputField(serializers.CharField):
    default_error_messages = {"unknown": _("No region has the code {code}.")}

    def to_internal_value(self, data):
        code = super().to_internal_value(data).strip()
        region = Region.objects.filter(code=code).first() or Region.objects.filter(digits=code).first()
        if region is None:
            self.fail("unknown", code=code)
        return region


SEARCH_MAX_LENGTH = 100  # what a name or code typed into a search box can be; longer is refused, never cut


class AgencyListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False, allow_blank=True, max_length=SEARCH_MAX_LENGTH, help_text="Part of the name or code."
    )
    type = serializers.ChoiceField(choices=AgencyType.choices, required=False)


class UserListQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=SEARCH_MAX_LENGTH,
        help_text="Part of the username or name.",
    )


class AgencyInputSerializer(serializers.Serializer):
    code = serializers.SlugField(max_length=64)
    name = serializers.CharField(max_length=200)
    type = serializers.ChoiceField(choices=AgencyType.choices)
    jurisdiction = RegionCodeInputField(max_length=13, required=False, allow_null=True)
    country = serializers.RegexField(r"^[A-Za-z]{2}$", required=False, default="ID")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)

    def validate_country(self, value: str) -> str:
        return value.upper()

    def validate_code(self, value: str) -> str:
        value = value.lower()
        others = Agency.objects.filter(code=value)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise serializers.ValidationError(_("Another agency already uses this code."))
        return value


class UserOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField()
    phone = serializers.CharField()
    kind = serializers.ChoiceField(choices=UserKind.choices)
    agency = AgencyBriefSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()
    is_active = serializers.BooleanField()
    has_totp = serializers.BooleanField()
    last_login = serializers.DateTimeField(allow_null=True)

    def get_roles(self, user) -> list[str]:
        return sorted(role.role for role in user.roles.all())


class MeOutputSerializer(UserOutputSerializer):
    preferred_language = serializers.CharField()
    is_platform_admin = serializers.BooleanField()


class UserCreateInputSerializer(serializers.Serializer):
    username = serializers.RegexField(r"^[\w.@+-]+\Z", max_length=150)
    kind = serializers.ChoiceField(choices=UserKind.choices, default=UserKind.PERSON)
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), default=list)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, default="id")
    agency = serializers.SlugRelatedField(
        slug_field="code",
        queryset=Agency.objects.all(),
        required=False,
        help_text="Agency code; only the platform administrator may name an agency other than their own.",
    )


class UserUpdateInputSerializer(serializers.Serializer):
    first_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    last_name = serializers.CharField(max_length=150, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    preferred_language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    is_active = serializers.BooleanField(required=False)
