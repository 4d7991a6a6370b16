"""Sessions (Appointment) as their two people see them, and what booking, moving and
cancelling one takes."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField, local_time
from api.serializers.pairings import FreeTimeSerializer
from sessions_app.models import Appointment


class SessionSerializer(serializers.ModelSerializer):
    """A session: times in UTC, and on the viewer's clock (`*_local`, in `timezone`) as the
    pages show them; `state` is booked, held, missed or cancelled."""

    pairing = serializers.IntegerField(source="pairing_id", read_only=True)
    partner = serializers.SerializerMethodField()
    role = serializers.SerializerMethodField()
    starts_at = UtcDateTimeField(read_only=True)
    ends_at = UtcDateTimeField(read_only=True)
    starts_at_local = serializers.SerializerMethodField()
    ends_at_local = serializers.SerializerMethodField()
    timezone = serializers.SerializerMethodField()
    length = serializers.SerializerMethodField()
    state = serializers.SerializerMethodField()
    cancelled_at = UtcDateTimeField(read_only=True, allow_null=True)
    video_url = serializers.CharField(read_only=True, help_text="Empty unless a video call.")
    created_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = Appointment
        fields = [
            "id",
            "pairing",
            "partner",
            "role",
            "starts_at",
            "ends_at",
            "starts_at_local",
            "ends_at_local",
            "timezone",
            "length",
            "mode",
            "place",
            "video_url",
            "status",
            "state",
            "cancelled_at",
            "cancel_reason",
            "created_at",
        ]
        read_only_fields = fields

    def _viewer(self) -> object:
        return self.context["request"].user

    def get_partner(self, appointment: Appointment) -> PersonSerializer:
        viewer = self._viewer()
        partner = appointment.mentee if viewer.pk == appointment.mentor_id else appointment.mentor
        return {"id": partner.pk, "name": partner.name}

    def get_role(self, appointment: Appointment) -> str:
        return "mentor" if self._viewer().pk == appointment.mentor_id else "mentee"

    def get_starts_at_local(self, appointment: Appointment) -> str:
        return local_time(appointment.starts_at, self._viewer())

    def get_ends_at_local(self, appointment: Appointment) -> str:
        return local_time(appointment.ends_at, self._viewer())

    def get_timezone(self, appointment: Appointment) -> str:
        return self._viewer().timezone

    def get_length(self, appointment: Appointment) -> int:
        return int((appointment.ends_at - appointment.starts_at) / timedelta(minutes=1))

    def get_state(self, appointment: Appointment) -> str:
        return appointment.state_at(now=self.context.get("now") or timezone.now())


class SessionDetailSerializer(SessionSerializer):
    """One session, with what its page adds: the partner's phone for a phone session (only as
    the page shows it) and whether it can still be moved or cancelled."""

    partner_phone = serializers.SerializerMethodField()
    can_cancel = serializers.SerializerMethodField()
    can_move = serializers.SerializerMethodField()

    class Meta(SessionSerializer.Meta):
        fields = [*SessionSerializer.Meta.fields, "partner_phone", "can_cancel", "can_move"]
        read_only_fields = fields

    def get_partner_phone(self, appointment: Appointment) -> str | None:
        return self.context.get("partner_phone")

    def get_can_cancel(self, appointment: Appointment) -> bool:
        return (
            appointment.status == Appointment.Status.BOOKED
            and appointment.starts_at > timezone.now()
        )

    def get_can_move(self, appointment: Appointment) -> bool:
        return self.get_can_cancel(appointment) and appointment.pairing.status == "active"


class BookSerializer(serializers.Serializer):
    pairing = serializers.IntegerField(help_text="One of your pairings (404 otherwise).")
    starts_at = UtcDateTimeField(help_text="One of the pairing's free times.")
    length = serializers.IntegerField(min_value=1, help_text="Minutes; one the mentor offers.")
    mode = serializers.ChoiceField(choices=Appointment.Mode.choices)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")


class MoveSerializer(serializers.Serializer):
    starts_at = UtcDateTimeField(help_text="One of the pairing's free times.")
    length = serializers.IntegerField(
        min_value=1, required=False, help_text="Minutes; the session's own length if left out."
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=1000,
        help_text="Why you cancel: your partner reads it.",
        error_messages={
            "required": _("Say why you cancel: your partner will read it."),
            "blank": _("Say why you cancel: your partner will read it."),
        },
    )
    following = serializers.BooleanField(
        default=False,
        help_text="In a series: also cancel every later session of it that is booked.",
    )


class SlotUnavailableSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="slot_unavailable")
    free_times = FreeTimeSerializer(many=True, help_text="Fresh free times of that length.")
