"""A cohort's pairings as its admins' table shows them: the two people, status, health with its
reasons, sessions held against those expected, last contact, mean rating, a pause running."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.admin_common import AdminPersonSerializer
from oversight.models.health import HealthStatus, PairingHealth
from oversight.selectors.cohort_dashboard import HEALTH_FILTERS, HEALTH_RANK
from pairings.models import Pairing

HEALTH_OF_RANK = {rank: health for health, rank in HEALTH_RANK.items()}
HEALTH_CHOICES = [str(value) for value in HEALTH_FILTERS]


class PairingQuerySerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Pairing.Status.choices, required=False)
    health = serializers.ChoiceField(
        choices=HEALTH_CHOICES,
        required=False,
        help_text=(
            "Active pairings in this health: on_track, attention, at_risk (snoozed flags left "
            "out), snoozed, or unassessed (not assessed yet)."
        ),
    )
    q = serializers.CharField(
        required=False, max_length=100, help_text="Part of the mentor's or mentee's name or email."
    )


class HealthReasonSerializer(serializers.Serializer):
    code = serializers.CharField()
    text = serializers.CharField()


class AdminPairingHealthSerializer(serializers.Serializer):
    """The latest nightly assessment of an active pairing."""

    status = serializers.ChoiceField(
        choices=HealthStatus.choices, help_text="As assessed, snoozed or not."
    )
    reasons = HealthReasonSerializer(many=True, help_text="In words, most serious first.")
    sessions_expected = serializers.IntegerField(help_text="Sessions the cadence expects by now.")
    met_in_person = serializers.BooleanField(help_text="An in-person session has been held.")
    snoozed_until = serializers.DateField(allow_null=True)
    snooze_note = serializers.CharField()
    snoozed_by = serializers.SerializerMethodField(help_text="The name of who snoozed it.")
    assessed_at = serializers.DateTimeField(source="computed_at")

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_snoozed_by(self, health: PairingHealth) -> str | None:
        return health.snoozed_by.name if health.snoozed_by else None


class AdminPairingSerializer(serializers.ModelSerializer):
    mentor = AdminPersonSerializer(read_only=True)
    mentee = AdminPersonSerializer(read_only=True)
    health = serializers.SerializerMethodField(
        help_text=(
            "The health the table shows: at_risk, attention, on_track, snoozed (a flag an "
            "admin snoozed until its date) or unassessed; null for a pairing that is not active."
        )
    )
    health_rank = serializers.IntegerField(
        read_only=True,
        help_text="0 most serious (at risk) to 5 (not active): ?ordering=health_rank",
    )
    assessment = serializers.SerializerMethodField()
    sessions_held = serializers.IntegerField(read_only=True)
    last_contact = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="The last session held or message."
    )
    mean_rating = serializers.FloatField(
        read_only=True, allow_null=True, help_text="Of the answered session ratings."
    )
    paused_until = serializers.DateField(
        read_only=True, allow_null=True, help_text="The last day of an agreed pause running today."
    )
    first_met_in_person_at = serializers.DateTimeField(
        read_only=True, allow_null=True, help_text="When their first in-person session held began."
    )

    class Meta:
        model = Pairing
        fields = [
            "id",
            "mentor",
            "mentee",
            "status",
            "decline_note",
            "created_at",
            "accepted_at",
            "closed_at",
            "close_reason",
            "health",
            "health_rank",
            "assessment",
            "sessions_held",
            "last_contact",
            "mean_rating",
            "paused_until",
            "first_met_in_person_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.ChoiceField(choices=HEALTH_CHOICES, allow_null=True))
    def get_health(self, pairing: Pairing) -> str | None:
        health = HEALTH_OF_RANK.get(pairing.health_rank)
        return str(health) if health is not None else None

    @extend_schema_field(AdminPairingHealthSerializer(allow_null=True))
    def get_assessment(self, pairing: Pairing) -> dict | None:
        health = getattr(pairing, "health", None)
        if health is None or pairing.status != Pairing.Status.ACTIVE:
            return None
        return AdminPairingHealthSerializer(health).data
