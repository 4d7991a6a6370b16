"""Reads about reminders: how long before a session each person wants them, and which are next."""

from django.utils import timezone
from django.utils.translation import ngettext

from accounts.models import User
from sessions_app.models import Reminder, ReminderSettings

MINUTES_PER_DAY = 24 * 60
# What the settings page offers, longest first: a week, two days, a day, 3 hours, 1 hour, 15 min.
OFFSET_CHOICES = (7 * MINUTES_PER_DAY, 2 * MINUTES_PER_DAY, MINUTES_PER_DAY, 180, 60, 15)


def offset_label(minutes: int) -> str:
    """How long before the session, in words: "1 week", "1 day", "3 hours", "15 minutes"."""
    if minutes and minutes % (7 * MINUTES_PER_DAY) == 0:
        weeks = minutes // (7 * MINUTES_PER_DAY)
        return ngettext("%(count)d week", "%(count)d weeks", weeks) % {"count": weeks}
    if minutes and minutes % MINUTES_PER_DAY == 0:
        days = minutes // MINUTES_PER_DAY
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def reminder_offsets_for(*, user_ids: list[int]) -> dict[int, list[int]]:
    """Each user's reminder offsets in minutes (the default, 24 h and 1 h, for those who never
    chose), in one query."""
    chosen = dict(
        ReminderSettings.objects.filter(user_id__in=user_ids).values_list("user_id", "offsets")
    )
    default = ReminderSettings._meta.get_field("offsets").get_default
    return {user_id: chosen[user_id] if user_id in chosen else default() for user_id in user_ids}


def reminders_upcoming_for(*, user: User, limit: int = 10) -> list[Reminder]:
    """The user's next reminders still to go out, soonest first, with their sessions' people."""
    return list(
        Reminder.objects.filter(
            recipient=user,
            status__in=(Reminder.Status.PENDING, Reminder.Status.CLAIMED),
            session_starts_at__gt=timezone.now(),
        )
        .select_related("appointment__mentor", "appointment__mentee")
        .order_by("due_at", "pk")[:limit]
    )
