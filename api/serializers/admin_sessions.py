"""A cohort's sessions as its admins' export lists them: when, how, and what became of them."""

from datetime import datetime

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.admin_common import AdminPersonSerializer
from sessions_app.models import Appointment


class SessionQuerySerializer(serializers.Serializer):
    # "from" is a Python keyword: the field is declared under its name below.
    locals()["from"] = serializers.DateTimeField(
        required=False, help_text="Sessions starting at or after this time (ISO 8601)."
    )
    to = serializers.DateTimeField(
        required=False, help_text="Sessions starting before this time (ISO 8601)."
    )
    status = serializers.ChoiceField(
        choices=Appointment.State.choices,
        required=False,
        help_text="booked (to come or under way), held, missed (a partner said it did not "
        "take place) or cancelled.",
    )

    def validate(self, attrs: dict) -> dict:
        start: datetime | None = attrs.get("from")
        end: datetime | None = attrs.get("to")
        if start and end and end <= start:
            raise serializers.ValidationError({"to": [_("Give a time after “from”.")]})
        return attrs


class AdminSessionSerializer(serializers.ModelSerializer):
    mentor = AdminPersonSerializer(read_only=True)
    mentee = AdminPersonSerializer(read_only=True)
    status = serializers.SerializerMethodField(
        help_text="booked, held, missed or cancelled: as the pages show it."
    )

    class Meta:
        model = Appointment
        fields = ["id", "pairing", "mentor", "mentee", "starts_at", "ends_at", "mode", "status"]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=Appointment.State.choices))
    def get_status(self, session: Appointment) -> str:
        return session.state_at(now=self.context["now"])
