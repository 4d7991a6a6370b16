"""Materials shared in a pairing (a file or a link), and what sharing one takes."""

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField
from exchange.models import Material
from exchange.uploads import megabytes


class MaterialSerializer(serializers.ModelSerializer):
    """A file (download it at `download`) or a link (`url`, with the `host` it leads to)."""

    shared_by = serializers.SerializerMethodField()
    mine = serializers.SerializerMethodField()
    session = serializers.IntegerField(source="appointment_id", read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()
    host = serializers.CharField(read_only=True, default="")
    url = serializers.CharField(read_only=True, help_text="A link's address; empty for a file.")
    created_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = Material
        fields = [
            "id",
            "kind",
            "title",
            "note",
            "content_type",
            "size",
            "url",
            "host",
            "download",
            "session",
            "shared_by",
            "mine",
            "created_at",
        ]
        read_only_fields = fields

    def get_shared_by(self, material: Material) -> PersonSerializer:
        return {"id": material.shared_by_id, "name": material.shared_by.name}

    def get_mine(self, material: Material) -> bool:
        return material.shared_by_id == self.context["request"].user.pk

    def get_download(self, material: Material) -> str | None:
        if material.kind != Material.Kind.FILE:
            return None
        return self.context["request"].build_absolute_uri(
            f"/api/v1/materials/{material.pk}/download/"
        )


class MaterialShareSerializer(serializers.Serializer):
    """multipart/form-data: a `file`, or a `url` (with its `title`), not both."""

    file = serializers.FileField(required=False, allow_empty_file=True)
    url = serializers.URLField(required=False, max_length=2000)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    session = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of the pairing's upcoming sessions."
    )

    def validate(self, data: dict) -> dict:
        if self.context.get("file_dropped"):
            raise serializers.ValidationError(
                {
                    "file": [
                        _("This file is too big: files can be at most %(limit)s.")
                        % {"limit": megabytes(settings.MATERIAL_MAX_BYTES)}
                    ]
                }
            )
        if data.get("file") and data.get("url"):
            raise serializers.ValidationError(
                {"url": [_("Share either a file or a link, not both at once.")]}
            )
        if not data.get("file") and not data.get("url"):
            raise serializers.ValidationError({"file": [_("Choose a file, or give a link.")]})
        return data
