"""Pairings as their two people see them, their contact agreement, and free times."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from api.serializers.common import PersonSerializer, UtcDateTimeField, local_time
from pairings.models import Pairing


class CohortBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PairingSerializer(serializers.ModelSerializer):
    """One of the viewer's pairings: the partner by name, the viewer's role in it."""

    cohort = CohortBriefSerializer(read_only=True)
    role = serializers.SerializerMethodField()
    partner = serializers.SerializerMethodField()
    created_at = UtcDateTimeField(read_only=True)
    accepted_at = UtcDateTimeField(read_only=True, allow_null=True)
    closed_at = UtcDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Pairing
        fields = [
            "id",
            "cohort",
            "role",
            "partner",
            "status",
            "created_at",
            "accepted_at",
            "closed_at",
        ]
        read_only_fields = fields

    def get_role(self, pairing: Pairing) -> str:
        return "mentor" if self.context["request"].user.pk == pairing.mentor_id else "mentee"

    @staticmethod
    def _person(person: object) -> dict:
        return {"id": person.pk, "name": person.name}

    def get_partner(self, pairing: Pairing) -> PersonSerializer:
        return self._person(pairing.partner_of(self.context["request"].user))


class TermsSerializer(serializers.Serializer):
    """One person's terms: channels, contact hours [[weekday 0=Mon, start minute, end minute]]
    in the zone they stated them in, urgent messages, reply time, and which phone they share
    (the choice, not the number)."""

    channels = serializers.ListField(child=serializers.CharField())
    phone = serializers.CharField()
    contact_hours = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField())
    )
    timezone = serializers.CharField()
    urgent_breaks_through = serializers.BooleanField()
    reply_time = serializers.CharField()


class HoursSerializer(serializers.Serializer):
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    starts_at_local = serializers.CharField()
    ends_at_local = serializers.CharField()


class AgreementSerializer(serializers.Serializer):
    """Where the agreement stands, as the agreement page shows it to one partner."""

    state = serializers.CharField()
    state_label = serializers.CharField()
    holds = serializers.BooleanField()
    version = serializers.IntegerField()
    editable = serializers.BooleanField()
    next_action = serializers.CharField(allow_null=True)
    mine = TermsSerializer(allow_null=True)
    theirs = TermsSerializer(allow_null=True)
    you_acknowledged = serializers.BooleanField()
    partner_acknowledged = serializers.BooleanField()
    partner = PersonSerializer()
    partner_phone = serializers.CharField(
        allow_null=True, help_text="E.164, only while the pairing is active and shared."
    )
    partner_phone_display = serializers.CharField(allow_null=True)
    partner_reachable_now = serializers.BooleanField()
    partner_next_opening = UtcDateTimeField(allow_null=True)
    partner_hours_this_week = HoursSerializer(many=True)
    timezone = serializers.CharField(help_text="The viewer's zone, of the *_local times.")


def _terms(view: object) -> dict | None:
    if view is None:
        return None
    terms = view.terms
    return {
        "channels": list(terms.channels),
        "phone": terms.phone,
        "contact_hours": terms.contact_hours,
        "timezone": terms.timezone,
        "urgent_breaks_through": terms.urgent_breaks_through,
        "reply_time": terms.reply_time,
    }


def agreement_data(summary: dict, viewer: object) -> dict:
    """agreement_summary_for's answer, ready for AgreementSerializer."""
    return {
        **{
            key: summary[key]
            for key in (
                "state",
                "state_label",
                "version",
                "editable",
                "next_action",
                "you_acknowledged",
                "partner_acknowledged",
                "partner_phone",
                "partner_phone_display",
                "partner_reachable_now",
                "partner_next_opening",
            )
        },
        "holds": summary["state"] == "holds",
        "mine": _terms(summary["mine"]),
        "theirs": _terms(summary["theirs"]),
        "partner": {"id": summary["partner"].pk, "name": summary["partner"].name},
        "partner_hours_this_week": [
            {
                "starts_at": hours["starts_at"],
                "ends_at": hours["ends_at"],
                "starts_at_local": local_time(hours["starts_at"], viewer),
                "ends_at_local": local_time(hours["ends_at"], viewer),
            }
            for hours in summary["partner_hours_this_week"]
        ],
        "timezone": viewer.timezone,
    }


class FreeTimeSerializer(serializers.Serializer):
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    starts_at_local = serializers.CharField()


class FreeTimesSerializer(serializers.Serializer):
    length = serializers.IntegerField()
    lengths = serializers.ListField(child=serializers.IntegerField())
    timezone = serializers.CharField(help_text="The viewer's zone, of starts_at_local.")
    free_times = FreeTimeSerializer(many=True)


class FreeTimesQuerySerializer(serializers.Serializer):
    length = serializers.IntegerField(
        required=False, min_value=1, help_text="Minutes; one the mentor offers."
    )
    from_ = UtcDateTimeField(required=False, help_text="ISO 8601; without an offset, UTC.")
    to = UtcDateTimeField(required=False, help_text="ISO 8601; without an offset, UTC.")

    def get_fields(self) -> dict:
        fields = super().get_fields()
        fields["from"] = fields.pop("from_")
        return fields

    def validate(self, data: dict) -> dict:
        if data.get("from") and data.get("to") and data["to"] <= data["from"]:
            raise serializers.ValidationError(
                {"to": [_("Give a “to” time later than the “from” time.")]}
            )
        return data
