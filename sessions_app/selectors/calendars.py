"""A person's connected calendars, for their page."""

from urllib.parse import urlsplit

from django.db.models import Count, QuerySet

from accounts.models import User
from mentoring.crypto import decrypt
from sessions_app.models import CalendarConnection


def calendar_connections_for(*, user: User) -> QuerySet[CalendarConnection]:
    """The person's connections, oldest first, each with `busy_count`; one query."""
    return (
        CalendarConnection.objects.filter(user=user)
        .annotate(busy_count=Count("busy"))
        .order_by("created_at", "pk")
    )


def calendar_host(connection: CalendarConnection) -> str:
    """The server of the connection's address: enough to recognise it, not to read it."""
    return urlsplit(decrypt(connection.url_encrypted)).hostname or ""
