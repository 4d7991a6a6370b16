"""Busy times read from ICS feeds: repeats, zones, all-day events, free and cancelled events."""

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sessions_app.calendars.busy import Busy, CalendarUnreadable, busy_intervals

HERE = Path(__file__).parent
START = datetime(2026, 3, 1, tzinfo=UTC)
END = datetime(2026, 4, 26, tzinfo=UTC)


def busy(name: str, zone: str = "UTC") -> list[tuple[datetime, datetime]]:
    spans = busy_intervals((HERE / name).read_bytes(), zone=ZoneInfo(zone), start=START, end=END)
    return [(span.starts_at, span.ends_at) for span in spans]


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def test_a_google_feed_repeats_in_its_x_wr_timezone_across_the_clock_change():
    # A daily 09:30 in Berlin: 08:30Z in winter, 07:30Z once the clocks go forward on 29 March.
    assert busy("google_x_wr_timezone.ics") == [
        (utc(2026, 3, 3, 8), utc(2026, 3, 3, 9)),
        (utc(2026, 3, 27, 8, 30), utc(2026, 3, 27, 9)),
        (utc(2026, 3, 28, 8, 30), utc(2026, 3, 28, 9)),
        (utc(2026, 3, 29, 7, 30), utc(2026, 3, 29, 8)),
        (utc(2026, 3, 30, 7, 30), utc(2026, 3, 30, 8)),
    ]


def test_a_weekly_meeting_skips_its_exdate_and_follows_its_moved_instance():
    # Tuesdays 14:00 London for five weeks; 10 March removed; 17 March moved to Wednesday
    # 16:00; from 31 March London is on summer time (13:00Z).
    assert busy("weekly_exdate_moved.ics") == [
        (utc(2026, 3, 3, 14), utc(2026, 3, 3, 15)),
        (utc(2026, 3, 18, 16), utc(2026, 3, 18, 17)),
        (utc(2026, 3, 24, 14), utc(2026, 3, 24, 15)),
        (utc(2026, 3, 31, 13), utc(2026, 3, 31, 14)),
    ]


def test_an_all_day_event_blocks_the_owners_whole_local_day_in_auckland():
    # 4 March in Auckland (UTC+13 in March) runs from 3 March 11:00Z to 4 March 11:00Z.
    assert busy("all_day.ics", "Pacific/Auckland") == [(utc(2026, 3, 3, 11), utc(2026, 3, 4, 11))]


def test_a_transparent_event_leaves_the_time_free_and_a_floating_one_is_in_the_owners_zone():
    # Only the floating 09:00-09:30 is busy, read in New York (UTC-5 on 3 March).
    assert busy("transparent_and_floating.ics", "America/New_York") == [
        (utc(2026, 3, 3, 14), utc(2026, 3, 3, 14, 30))
    ]


def test_a_cancelled_event_leaves_the_time_free_and_a_duration_sets_the_end():
    assert busy("cancelled.ics") == [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45))]


def test_only_events_overlapping_the_window_count_and_overlaps_merge():
    spans = busy_intervals(
        (HERE / "weekly_exdate_moved.ics").read_bytes(),
        zone=ZoneInfo("UTC"),
        start=utc(2026, 3, 18, 16, 30),
        end=utc(2026, 3, 25),
    )
    assert spans == [
        Busy(utc(2026, 3, 18, 16), utc(2026, 3, 18, 17)),
        Busy(utc(2026, 3, 24, 14), utc(2026, 3, 24, 15)),
    ]


def test_a_page_that_is_not_a_calendar_is_refused():
    with pytest.raises(CalendarUnreadable):
        busy_intervals(b"<html>Sign in</html>", zone=ZoneInfo("UTC"), start=START, end=END)
