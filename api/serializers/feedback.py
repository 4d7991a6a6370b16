"""Feedback the person is asked for (after a session, at check-ins, at closing) and their
answer: only the writer's own rows."""

from django.utils import timezone
from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField, local_time
from feedback.models import Feedback
from feedback.selectors import feedback_is_open


class FeedbackSerializer(serializers.ModelSerializer):
    """One of the viewer's own rows: what it asks about and their answer so far."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    pairing = serializers.IntegerField(source="pairing_id", read_only=True)
    partner = serializers.SerializerMethodField()
    session = serializers.IntegerField(source="appointment_id", read_only=True, allow_null=True)
    session_starts_at = serializers.SerializerMethodField()
    session_starts_at_local = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()
    asked_at = UtcDateTimeField(read_only=True)
    answered_at = UtcDateTimeField(read_only=True, allow_null=True)
    contact_working = serializers.CharField(
        read_only=True, help_text="yes, partly or no; empty until answered at a check-in."
    )

    class Meta:
        model = Feedback
        fields = [
            "id",
            "kind",
            "kind_label",
            "round",
            "pairing",
            "partner",
            "session",
            "session_starts_at",
            "session_starts_at_local",
            "timezone",
            "asked_at",
            "answered_at",
            "open",
            "took_place",
            "rating",
            "went_well",
            "could_be_better",
            "satisfaction",
            "contact_working",
            "wants_help",
            "comments",
            "share_with_partner",
            "share_with_programme",
        ]
        read_only_fields = fields

    def _viewer(self) -> object:
        return self.context["request"].user

    def get_partner(self, row: Feedback) -> PersonSerializer:
        partner = row.pairing.partner_of(self._viewer())
        return {"id": partner.pk, "name": partner.name}

    def get_session_starts_at(self, row: Feedback) -> str | None:
        field = UtcDateTimeField()
        return field.to_representation(row.appointment.starts_at) if row.appointment else None

    def get_session_starts_at_local(self, row: Feedback) -> str | None:
        return local_time(row.appointment.starts_at, self._viewer()) if row.appointment else None

    def get_timezone(self, row: Feedback) -> str:
        return self._viewer().timezone

    def get_open(self, row: Feedback) -> bool:
        return feedback_is_open(feedback=row, now=timezone.now())


class FeedbackAnswerSerializer(serializers.Serializer):
    """The answers of the row's kind: after a session took_place, and when it did, rating,
    went_well, could_be_better; at a check-in satisfaction, contact_working, wants_help,
    comments; at closing satisfaction, went_well, could_be_better, comments. Answers of
    other kinds are ignored."""

    took_place = serializers.BooleanField(required=False, allow_null=True, default=None)
    rating = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, default=None
    )
    went_well = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    could_be_better = serializers.CharField(
        required=False, allow_blank=True, max_length=4000, default=""
    )
    satisfaction = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=5, default=None
    )
    contact_working = serializers.ChoiceField(
        choices=Feedback.ContactWorking.choices, required=False, allow_blank=True, default=""
    )
    wants_help = serializers.BooleanField(required=False, default=False)
    comments = serializers.CharField(required=False, allow_blank=True, max_length=4000, default="")
    share_with_partner = serializers.BooleanField(required=False, default=False)
    share_with_programme = serializers.BooleanField(required=False, default=False)
