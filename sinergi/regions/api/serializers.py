from rest_framework import serializers


class RegionOutputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="Dotted Kemendagri code, e.g. 63.71.01.1001")
    digits = serializers.CharField(help_text="The code without dots, as in a NIK")
    name = serializers.CharField()
    level = serializers.IntegerField(help_text="1 province, 2 regency/city, 3 district, 4 village")
    kind = serializers.CharField()
    parent = serializers.CharField(source="parent_id", allow_null=True)
    path_name = serializers.CharField()
