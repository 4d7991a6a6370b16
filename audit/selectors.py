"""Reading the audit trail: a cohort's, for its admins; a person's security events, for them."""

from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR
from django.utils.timezone import template_localtime
from django.utils.translation import get_language

from accounts.models import User
from audit.events import SECURITY_EVENTS

# What a trail's rows show of an entry (changes_dict reads changes, else changes_text) and of
# its actor (User.name): its stored copy of the object and the actor's other columns are left.
TRAIL_FIELDS = (
    "timestamp",
    "action",
    "content_type",
    "object_repr",
    "changes",
    "changes_text",
    "actor__display_name",
    "actor__email",
)


@lru_cache(maxsize=64)
def _day_and_month_names(language: str | None) -> tuple[list[str], list[str]]:
    return (
        [str(WEEKDAYS_ABBR[day]) for day in range(7)],
        ["", *(str(MONTHS_3[month]).title() for month in range(1, 13))],
    )


def entry_when(moment: datetime) -> str:
    """{{ moment|date:"D j M Y, H:i" }}, as the trails show when (in the current zone): the
    day's and month's names read once per language, not through date_format once a row."""
    local = template_localtime(moment)
    days, months = _day_and_month_names(get_language())
    return (
        f"{days[local.weekday()]} {local.day} {months[local.month]} {local.year:04d}, "
        f"{local.hour:02d}:{local.minute:02d}"
    )


def audit_entries_for_cohort(*, cohort_id: int) -> QuerySet[LogEntry]:
    """Admin actions on the cohort and what belongs to it, newest first. The caller checks that
    the viewer administers the cohort."""
    return (
        LogEntry.objects.filter(additional_data__cohort_id=cohort_id)
        .select_related("actor", "content_type")
        .only(*TRAIL_FIELDS, "additional_data", "remote_addr")
        .order_by("-timestamp", "-pk")
    )


def security_events_for(*, user: User) -> QuerySet[LogEntry]:
    """The person's own security events, newest first (a page of them at a time: see
    security_event_rows)."""
    return LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(user.pk),
        action=LogEntry.Action.ACCESS,
        additional_data__event__isnull=False,
    ).order_by("-timestamp", "-pk")


def security_event_rows(entries: Iterable[LogEntry]) -> list[dict]:
    """Each entry as the page shows it, in the person's words."""
    return [
        {
            "at": entry.timestamp,
            "what": SECURITY_EVENTS.get(
                entry.additional_data["event"], entry.additional_data["event"]
            ),
            "detail": entry.additional_data.get("detail", ""),
            "from": entry.remote_addr or "",
        }
        for entry in entries
    ]
