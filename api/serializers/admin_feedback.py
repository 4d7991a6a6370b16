"""Feedback as a cohort's admins see it on the cohort page and in its ratings export: the
ratings and check-in answers, never what people wrote (feedback.selectors decides)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.admin_common import AdminPersonSerializer
from feedback.models import Feedback
from feedback.selectors import FeedbackView
from programmes.models import ParticipantRole


class FeedbackQuerySerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Feedback.Kind.choices,
        required=False,
        help_text="session: after a session; check_in: relationship check-ins; closing.",
    )


class AdminFeedbackSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    kind = serializers.ChoiceField(choices=Feedback.Kind.choices)
    pairing = serializers.IntegerField(source="pairing.pk")
    writer = AdminPersonSerializer(help_text="Who answered.")
    role = serializers.SerializerMethodField(help_text="The writer's role in the pairing.")
    session_starts_at = serializers.SerializerMethodField(help_text="After a session: its start.")
    round = serializers.IntegerField(help_text="Check-ins: 1 a month in, then one more each time.")
    took_place = serializers.BooleanField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True, help_text="After a session, 1-5.")
    satisfaction = serializers.IntegerField(
        allow_null=True, help_text="Check-ins and closing, 1-5."
    )
    contact_working = serializers.ChoiceField(
        choices=Feedback.ContactWorking.choices, allow_null=True, allow_blank=True
    )
    wants_help = serializers.SerializerMethodField(
        help_text="Check-ins: would like help from the programme team."
    )
    asked_at = serializers.DateTimeField()
    answered_at = serializers.DateTimeField()

    @extend_schema_field(serializers.ChoiceField(choices=ParticipantRole.choices))
    def get_role(self, view: FeedbackView) -> str:
        if view.writer.pk == view.pairing.mentor_id:
            return ParticipantRole.MENTOR
        return ParticipantRole.MENTEE

    @extend_schema_field(serializers.DateTimeField(allow_null=True))
    def get_session_starts_at(self, view: FeedbackView) -> str | None:
        if view.appointment is None:
            return None
        return serializers.DateTimeField().to_representation(view.appointment.starts_at)

    @extend_schema_field(serializers.BooleanField(allow_null=True))
    def get_wants_help(self, view: FeedbackView) -> bool | None:
        return view.wants_help if view.kind == Feedback.Kind.CHECK_IN else None
