"""Cohorts as their programme admins see them: the list with head counts, and one cohort with
the headline figures of its page."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.admin_common import AdminOrganisationSerializer
from oversight.selectors.cohort_dashboard import Figures
from programmes.models import Cohort


class AdminCohortSerializer(serializers.ModelSerializer):
    organisation = AdminOrganisationSerializer(read_only=True)
    mentee_count = serializers.IntegerField(read_only=True)
    mentor_count = serializers.IntegerField(read_only=True)
    active_pairing_count = serializers.IntegerField(source="active_count", read_only=True)

    class Meta:
        model = Cohort
        fields = [
            "id",
            "name",
            "organisation",
            "starts_on",
            "ends_on",
            "enrolment_deadline",
            "matching_mode",
            "mentee_count",
            "mentor_count",
            "active_pairing_count",
        ]
        read_only_fields = fields


class RatingCountSerializer(serializers.Serializer):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    count = serializers.IntegerField(min_value=0)


class CohortFiguresSerializer(serializers.Serializer):
    """The cohort page's headline figures. "This month" is the calendar month in the time
    zone of the person calling (an organisation token's: its maker's)."""

    mentees = serializers.IntegerField()
    mentors = serializers.IntegerField()
    matched = serializers.IntegerField(help_text="Mentees with a proposed or active pairing.")
    matched_percent = serializers.IntegerField()
    active_pairings = serializers.IntegerField()
    sessions_this_month = serializers.IntegerField(help_text="Sessions held this month.")
    rating_count = serializers.IntegerField(help_text="Answered session ratings.")
    mean_rating = serializers.FloatField(allow_null=True)
    ratings = serializers.SerializerMethodField(help_text="How many ratings gave each score.")

    @extend_schema_field(RatingCountSerializer(many=True))
    def get_ratings(self, figures: Figures) -> list[dict[str, int]]:
        return [{"rating": r, "count": n} for r, n in sorted(figures.ratings.items())]


class NeedsYouNowSerializer(serializers.Serializer):
    """How long each list of the cohort page's "Needs you now" is."""

    at_risk = serializers.IntegerField(help_text="Active pairings at risk (not snoozed).")
    attention = serializers.IntegerField(help_text="Active pairings needing attention.")
    snoozed = serializers.IntegerField(help_text="Flags an admin snoozed until a later date.")
    mentees_waiting = serializers.IntegerField(
        help_text="Mentees left without a mentor after a decline or an unanswered request."
    )
    pauses_awaiting = serializers.IntegerField(help_text="Pauses waiting for an admin's answer.")


class CohortWeekSerializer(serializers.Serializer):
    """One week of the cohort page's charts (weeks start on Monday, in your time zone)."""

    week = serializers.DateField(help_text="Its Monday.")
    sessions_held = serializers.IntegerField()
    on_track = serializers.IntegerField(help_text="Pairings on track at the week's end.")
    attention = serializers.IntegerField(help_text="Pairings needing attention at its end.")
    at_risk = serializers.IntegerField(help_text="Pairings at risk at the week's end.")


class AdminCohortDetailSerializer(serializers.ModelSerializer):
    organisation = AdminOrganisationSerializer(read_only=True)
    figures = serializers.SerializerMethodField()
    needs_you_now = serializers.SerializerMethodField()
    weeks = serializers.SerializerMethodField(help_text="From its first week to this one.")

    class Meta:
        model = Cohort
        fields = [
            "id",
            "name",
            "description",
            "organisation",
            "starts_on",
            "ends_on",
            "enrolment_deadline",
            "cadence_days",
            "first_session_in_person",
            "matching_mode",
            "figures",
            "needs_you_now",
            "weeks",
        ]
        read_only_fields = fields

    @extend_schema_field(CohortFiguresSerializer)
    def get_figures(self, cohort: Cohort) -> dict:
        return CohortFiguresSerializer(self.context["figures"]).data

    @extend_schema_field(NeedsYouNowSerializer)
    def get_needs_you_now(self, cohort: Cohort) -> dict:
        return NeedsYouNowSerializer(self.context["needs_you_now"]).data

    @extend_schema_field(CohortWeekSerializer(many=True))
    def get_weeks(self, cohort: Cohort) -> list[dict]:
        return CohortWeekSerializer(self.context["weeks"], many=True).data
