"""A regular series of sessions: its plan (every date with whether it is free) and booking the
dates confirmed, all or none, as the series page does."""

from rest_framework import serializers

from api.serializers.common import UtcDateTimeField
from api.serializers.sessions import SessionSerializer
from sessions_app.models import Appointment
from sessions_app.services.series import SERIES_COUNT_MAX, SERIES_EVERY_WEEKS


class SeriesQuerySerializer(serializers.Serializer):
    starts_at = UtcDateTimeField(help_text="The first session: one of the pairing's free times.")
    length = serializers.IntegerField(min_value=1, help_text="Minutes; one the mentor offers.")
    every_weeks = serializers.ChoiceField(choices=SERIES_EVERY_WEEKS)
    count = serializers.IntegerField(
        min_value=2,
        max_value=SERIES_COUNT_MAX,
        required=False,
        allow_null=True,
        default=None,
        help_text="How many sessions; left out, until the cohort ends.",
    )


class SeriesDateSerializer(serializers.Serializer):
    starts_at = UtcDateTimeField()
    ends_at = UtcDateTimeField()
    starts_at_local = serializers.CharField(help_text="On the viewer's clock.")
    free = serializers.BooleanField()
    week_full = serializers.BooleanField(
        help_text="Not free because the mentor's weekly limit is reached that week."
    )


class SeriesPlanSerializer(serializers.Serializer):
    """Each date at the mentor's local time of the first (DST kept), whether it is free."""

    timezone = serializers.CharField(help_text="The viewer's zone, of starts_at_local.")
    weekly_limit = serializers.IntegerField(help_text="The mentor's sessions a week at most.")
    free_count = serializers.IntegerField()
    dates = SeriesDateSerializer(many=True)


class SeriesBookSerializer(SeriesQuerySerializer):
    pairing = serializers.IntegerField(help_text="One of your pairings (404 otherwise).")
    mode = serializers.ChoiceField(choices=Appointment.Mode.choices)
    place = serializers.CharField(required=False, allow_blank=True, max_length=200, default="")
    confirmed = serializers.ListField(
        child=UtcDateTimeField(),
        min_length=1,
        max_length=SERIES_COUNT_MAX,
        help_text="The free dates of the plan to book (its starts_at values).",
    )


class SeriesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    every_weeks = serializers.IntegerField()
    sessions = SessionSerializer(many=True)


class SeriesChangedSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField(help_text="series_changed")
    dates = SeriesDateSerializer(many=True, help_text="The series as it is now.")
