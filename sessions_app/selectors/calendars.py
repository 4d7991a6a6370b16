"""A person's connected calendars, for their page."""

from urllib.parse import urlsplit

from django.db.models import Count, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from mentoring.crypto import decrypt
from sessions_app.models import CalendarConnection, ConnectedCalendar


def calendar_connections_for(*, user: User) -> QuerySet[CalendarConnection]:
    """The person's connections, oldest first, each with `busy_count` and, for a CalDAV
    account, its calendars (`calendars.all()`); two queries."""
    return (
        CalendarConnection.objects.filter(user=user, removing_since=None)
        .annotate(busy_count=Count("busy"))
        .prefetch_related(
            Prefetch("calendars", queryset=ConnectedCalendar.objects.order_by("name", "pk"))
        )
        .order_by("created_at", "pk")
    )


def calendar_connection_get(
    *, user: User, connection_id: int, kind: str | None = None
) -> CalendarConnection:
    """One of the person's connections (of `kind`, if given); 404 for anyone else's and for
    one being removed."""
    found = CalendarConnection.objects.filter(pk=connection_id, user=user, removing_since=None)
    if kind is not None:
        found = found.filter(kind=kind)
    return get_object_or_404(found)


def calendar_host(connection: CalendarConnection) -> str:
    """The server of the connection's address: enough to recognise it, not to read it."""
    return urlsplit(decrypt(connection.url_encrypted)).hostname or ""
