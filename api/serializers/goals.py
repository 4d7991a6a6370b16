"""Goals and their milestones, as the goal pages show them to the pairing's two people."""

from rest_framework import serializers

from api.serializers.common import UtcDateTimeField
from goals.models import Goal, Milestone


class GoalSerializer(serializers.ModelSerializer):
    """A goal: progress in percent (from its milestones when it has any)."""

    pairing = serializers.IntegerField(source="pairing_id", read_only=True)
    milestones_total = serializers.IntegerField(read_only=True, default=0)
    milestones_done = serializers.IntegerField(read_only=True, default=0)
    created_at = UtcDateTimeField(read_only=True)
    updated_at = UtcDateTimeField(read_only=True)

    class Meta:
        model = Goal
        fields = [
            "id",
            "pairing",
            "title",
            "why",
            "measure",
            "target_date",
            "status",
            "progress",
            "shared_with_programme",
            "milestones_total",
            "milestones_done",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class GoalWriteSerializer(serializers.Serializer):
    """What the mentee sets; on PATCH, only the fields given change."""

    title = serializers.CharField(max_length=200)
    why = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    measure = serializers.CharField(max_length=2000, allow_blank=True, required=False, default="")
    target_date = serializers.DateField(required=False, allow_null=True, default=None)
    shared_with_programme = serializers.BooleanField(required=False, default=False)
    status = serializers.ChoiceField(
        choices=Goal.Status.choices, required=False, help_text="PATCH only."
    )


class MilestoneSerializer(serializers.ModelSerializer):
    done = serializers.SerializerMethodField()
    done_at = UtcDateTimeField(read_only=True, allow_null=True)

    class Meta:
        model = Milestone
        fields = ["id", "title", "due_on", "done", "done_at", "position"]
        read_only_fields = fields

    def get_done(self, milestone: Milestone) -> bool:
        return milestone.done_at is not None


class MilestoneAddSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class MilestoneTickSerializer(serializers.Serializer):
    done = serializers.BooleanField()
