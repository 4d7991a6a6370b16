"""Busy times in an ICS document, as UTC intervals for a window.

- Repeats (RRULE, RDATE, EXDATE and moved or cancelled instances, RECURRENCE-ID) are expanded
  by recurring-ical-events.
- Google's feeds name their zone in X-WR-TIMEZONE instead of on each time; x-wr-timezone
  rewrites them to standard iCalendar first.
- A time with a zone (TZID and its VTIMEZONE, or UTC) is read in that zone; a floating time
  (no zone) in the owner's own zone.
- An all-day event blocks the owner's whole local days, midnight to midnight.
- An event marked free (TRANSP:TRANSPARENT) or cancelled (STATUS:CANCELLED) leaves the time
  free, and so does an event whose UID ends with `skip_uid_suffix`: the owner's copy of a
  session booked here, which the booking itself already counts while it stands.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import recurring_ical_events
import x_wr_timezone
from icalendar import Calendar


class CalendarUnreadable(ValueError):
    """The document is not an iCalendar calendar."""


@dataclass(frozen=True, slots=True, order=True)
class Busy:
    starts_at: datetime  # aware, UTC
    ends_at: datetime  # aware, UTC


def _moment(value: date | datetime, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)
    return datetime.combine(value, time(), tzinfo=zone).astimezone(UTC)


def busy_intervals(
    document: bytes | str,
    *,
    zone: ZoneInfo,
    start: datetime,
    end: datetime,
    skip_uid_suffix: str = "",
) -> list[Busy]:
    """The busy intervals of `document` that overlap [start, end), merged and in order.

    Raises CalendarUnreadable when the document cannot be read as a calendar.
    """
    try:
        calendar = Calendar.from_ical(document)
        calendar = x_wr_timezone.to_standard(calendar)
        events = recurring_ical_events.of(calendar).between(start, end)
    except Exception as error:  # icalendar and its helpers raise many kinds
        raise CalendarUnreadable(str(error)) from error
    spans: list[Busy] = []
    for event in events:
        if event.name != "VEVENT":
            continue
        if str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        if "DTSTART" not in event:
            continue
        if skip_uid_suffix and str(event.get("UID", "")).endswith(skip_uid_suffix):
            continue
        begins = event["DTSTART"].dt
        if "DTEND" in event:
            ends = event["DTEND"].dt
        elif "DURATION" in event:
            ends = begins + event["DURATION"].dt
        else:
            # Without an end: a date lasts one day, a time is an instant (RFC 5545 3.6.1).
            ends = begins + timedelta(days=1) if not isinstance(begins, datetime) else begins
        starts_at, ends_at = _moment(begins, zone), _moment(ends, zone)
        if ends_at <= starts_at or ends_at <= start or starts_at >= end:
            continue
        spans.append(Busy(starts_at, ends_at))
    spans.sort()
    merged: list[Busy] = []
    for span in spans:
        if merged and span.starts_at <= merged[-1].ends_at:
            if span.ends_at > merged[-1].ends_at:
                merged[-1] = Busy(merged[-1].starts_at, span.ends_at)
        else:
            merged.append(span)
    return merged
