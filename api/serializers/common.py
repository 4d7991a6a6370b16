"""What the participant serializers share: times in UTC beside the viewer's zone, and people
shown by name only (never another person's contact details)."""

from datetime import UTC, datetime

from rest_framework import serializers

from accounts.models import User


class UtcDateTimeField(serializers.DateTimeField):
    """An ISO 8601 time in UTC ("…Z"). Read: a time with an offset; one without is UTC."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(default_timezone=UTC, **kwargs)


class PersonSerializer(serializers.Serializer):
    """Another person as the pages name them: no email, no phone."""

    id = serializers.IntegerField()
    name = serializers.CharField()


def local_time(moment: datetime | None, viewer: User) -> str | None:
    """`moment` on the viewer's own clock, ISO 8601 with its offset (what the pages show)."""
    return moment.astimezone(viewer.zoneinfo).isoformat() if moment else None


class RefusalSerializer(serializers.Serializer):
    """A refusal in words: what to do differently, and a code to tell refusals apart."""

    detail = serializers.CharField()
    code = serializers.CharField()
