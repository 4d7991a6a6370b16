"""Reads for the calendar feed. The token in the URL is the permission: no login."""

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from sessions_app.models import Appointment, CalendarFeed

# Sessions that ended or were cancelled this recently stay in the feed, so a calendar app keeps
# last week's session and learns of a cancellation (STATUS:CANCELLED) instead of guessing.
RECENT = timedelta(days=14)


def calendar_feed_for(*, user: User) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_get(*, token: str) -> CalendarFeed:
    """The feed with this token, or 404: a revoked token finds nothing, and neither does the
    token of a deactivated account (the calendar app keeps polling a link nobody can revoke)."""
    return get_object_or_404(
        CalendarFeed.objects.select_related("user"), token=token, user__is_active=True
    )


def feed_appointments_for(*, user: User) -> QuerySet[Appointment]:
    """The person's booked sessions from the recent past on, and recently cancelled ones."""
    since = timezone.now() - RECENT
    booked = Q(status=Appointment.Status.BOOKED, ends_at__gt=since)
    cancelled = Q(status=Appointment.Status.CANCELLED, cancelled_at__gt=since)
    return (
        Appointment.objects.filter(Q(mentor=user) | Q(mentee=user))
        .filter(booked | cancelled)
        # ics.event_for reads the partner's phone terms through the pairing's people
        .select_related("mentor", "mentee", "pairing__mentor__profile", "pairing__mentee__profile")
        .order_by("starts_at", "pk")
    )
