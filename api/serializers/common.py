"""What the participant serializers share: times in UTC beside the viewer's zone, and people
shown by name only (never another person's contact details)."""

from datetime import UTC, datetime

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
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
    code = serializers.CharField(required=False, help_text="Left out when the object is not yours.")


BAD_REQUEST = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description='A refusal in words, `{"detail": "...", "code": "..."}`, or what is wrong with '
    'the fields sent, `{"field": ["message"]}`.',
)


def list_schema(serializer: type[serializers.Serializer], **extra: object):
    """The schema of a list read by cursor: a page of `serializer`, 400 for a query it cannot
    read, 404 for a parent object that is not the viewer's."""
    return extend_schema_view(
        get=extend_schema(
            responses={200: serializer, 400: BAD_REQUEST, 404: RefusalSerializer}, **extra
        )
    )
