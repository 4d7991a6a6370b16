"""Announcements to a cohort: the list, one with how far its sending got, and a new one."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oversight.models import Announcement


class AnnouncementSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    created_by = serializers.SerializerMethodField(help_text="The name of who sent it.")
    sent_count = serializers.IntegerField(read_only=True, help_text="Copies sent so far.")
    total_count = serializers.IntegerField(read_only=True, help_text="Copies to send in all.")

    class Meta:
        model = Announcement
        fields = [
            "id",
            "cohort",
            "audience",
            "subject",
            "created_by",
            "created_at",
            "sent_count",
            "total_count",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, announcement: Announcement) -> str | None:
        return announcement.created_by.name if announcement.created_by else None


class ProgressSerializer(serializers.Serializer):
    sent = serializers.IntegerField(
        help_text="Copies done: accepted by the mail server, or refused by it for good."
    )
    total = serializers.IntegerField()
    refused = serializers.IntegerField(help_text="Addresses the mail server refused for good.")
    finished = serializers.BooleanField()


class AnnouncementDetailSerializer(serializers.ModelSerializer):
    cohort = serializers.IntegerField(source="cohort_id", read_only=True)
    created_by = serializers.SerializerMethodField(help_text="The name of who sent it.")
    progress = serializers.SerializerMethodField()

    class Meta:
        model = Announcement
        fields = [
            "id",
            "cohort",
            "audience",
            "subject",
            "body",
            "created_by",
            "created_at",
            "recipients_total",
            "progress",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_created_by(self, announcement: Announcement) -> str | None:
        return announcement.created_by.name if announcement.created_by else None

    @extend_schema_field(ProgressSerializer)
    def get_progress(self, announcement: Announcement) -> dict:
        return ProgressSerializer(self.context["progress"]).data


class AnnouncementCreateSerializer(serializers.Serializer):
    """What the announcement form asks for. Send the same `key` again (a retry after a lost
    answer) and you get the announcement it made, and nobody gets a second copy."""

    audience = serializers.ChoiceField(
        choices=Announcement.Audience.choices, default=Announcement.Audience.EVERYONE
    )
    subject = serializers.CharField(max_length=200)
    body = serializers.CharField(
        max_length=10000, help_text=_("Plain text. Each email starts with “Hello” and the name.")
    )
    key = serializers.UUIDField(
        required=False,
        help_text="Any UUID you choose, so that a retry sends nothing twice; one is made if "
        "you give none.",
    )
