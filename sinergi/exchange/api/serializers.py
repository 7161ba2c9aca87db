from rest_framework import serializers

from sinergi.agencies.models import Agency
from sinergi.exchange.choices import ExportKind, ExportStatus, ImportStatus, RowOutcome
from sinergi.exchange.exports.services import DEFAULT_K, MAX_K, MIN_K
from sinergi.exchange.imports.schema import RecordType


class EventReplayInputSerializer(serializers.Serializer):
    after = serializers.IntegerField(min_value=0, default=0, help_text="Offset: events with a larger one.")
    limit = serializers.IntegerField(min_value=1, max_value=500, default=100)


class EventOutputSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="The idempotency key, the same as the webhook-id of its deliveries.")
    offset = serializers.IntegerField()
    type = serializers.CharField()
    occurred_at = serializers.CharField()
    data = serializers.DictField()
    case = serializers.DictField(required=False)
    referral = serializers.DictField(required=False)
    person = serializers.DictField(required=False)
    post = serializers.DictField(required=False)


class EventPageOutputSerializer(serializers.Serializer):
    events = EventOutputSerializer(many=True)
    next_after = serializers.IntegerField(help_text="Pass as `after` to read on.")


class AgreementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    granting_agency = serializers.CharField(source="granting_agency.code")
    receiving_agency = serializers.CharField(source="receiving_agency.code")
    field_groups = serializers.ListField(child=serializers.CharField())
    purpose = serializers.CharField()
    reference = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    status = serializers.CharField()
    in_force = serializers.BooleanField()
    signed_by = serializers.CharField(source="signed_by.username", allow_null=True, default=None)
    signed_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)


class AgreementInputSerializer(serializers.Serializer):
    receiving_agency = serializers.SlugRelatedField(slug_field="code", queryset=Agency.objects.all())
    field_groups = serializers.ListField(child=serializers.CharField(), allow_empty=True)
    purpose = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class AgreementRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300)


class ImportInputSerializer(serializers.Serializer):
    record_type = serializers.ChoiceField(choices=RecordType.choices)
    file = serializers.FileField(
        help_text="CSV or XLSX with the template's columns or the columns of the agency's saved mapping."
    )


class ImportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    record_type = serializers.CharField()
    status = serializers.CharField(help_text="One of: " + ", ".join(ImportStatus.values))
    filename = serializers.CharField()
    sheet_name = serializers.CharField()
    total_rows = serializers.IntegerField()
    done_rows = serializers.IntegerField(help_text="Rows checked so far while the run is in the background.")
    counts = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rows per outcome of the last run."
    )
    failure = serializers.CharField(
        help_text="Why the run failed (status `failed`), in the importer's language."
    )
    created_at = serializers.DateTimeField()
    committed_at = serializers.DateTimeField(allow_null=True)


class ImportRowOutputSerializer(serializers.Serializer):
    row_number = serializers.IntegerField(help_text="The row as the spreadsheet shows it.")
    outcome = serializers.CharField(help_text="One of: " + ", ".join(RowOutcome.values))
    messages = serializers.ListField(child=serializers.CharField())


class ExportInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=ExportKind.choices)
    k = serializers.IntegerField(
        min_value=MIN_K, max_value=MAX_K, default=DEFAULT_K, help_text="Smallest group of victims shown."
    )


class ExportOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ExportKind.choices)
    k = serializers.IntegerField()
    status = serializers.CharField(help_text="One of: " + ", ".join(ExportStatus.values))
    report = serializers.DictField(
        help_text="What was generalised and suppressed (counts, no personal data)."
    )
    failure = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
