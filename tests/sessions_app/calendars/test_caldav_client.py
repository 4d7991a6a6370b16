"""The CalDAV client against a real Radicale (tests/caldav_server): discovery, change markers,
events in a window turned into busy times, writing and removing a session's event, and the
refusals a person would read."""

import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from sessions_app.calendars.busy import busy_intervals
from sessions_app.calendars.caldav import (
    CalDavError,
    DavAccount,
    DavCalendar,
    calendar_state,
    discover,
    event_delete,
    event_put,
    events_between,
)

HERE = Path(__file__).parent
UID = "appointment-17@mentoring.example"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def account_for(radicale, server_url: str = "", password: str = "") -> DavAccount:
    return DavAccount(
        server_url=server_url or radicale.base_url,
        username=radicale.username,
        password=password or radicale.password,
    )


def session_event(*, sequence: int, status: str = "CONFIRMED") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Mentoring//Test//EN\r\n"
        "BEGIN:VEVENT\r\n"
        f"UID:{UID}\r\nDTSTAMP:20260301T000000Z\r\nSEQUENCE:{sequence}\r\nSTATUS:{status}\r\n"
        "DTSTART:20260305T140000Z\r\nDTEND:20260305T150000Z\r\n"
        "SUMMARY:Mentoring session with Alice\r\n"
        "ORGANIZER;SCHEDULE-AGENT=CLIENT:mailto:bob@example.org\r\n"
        "ATTENDEE;SCHEDULE-AGENT=CLIENT;PARTSTAT=ACCEPTED:mailto:alice@example.org\r\n"
        "END:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def test_her_calendars_are_found_from_the_bare_server_address(radicale):
    work = radicale.make_calendar("Work")
    home = radicale.make_calendar("Home")
    radicale.make_calendar("Tasks", component="VTODO")  # holds no events: not offered
    assert discover(account_for(radicale)) == [
        DavCalendar(url=home, name="Home", writable=True),
        DavCalendar(url=work, name="Work", writable=True),
    ]


def test_her_calendars_are_found_from_an_address_deep_in_the_tree(radicale):
    work = radicale.make_calendar("Work")
    radicale.put(work, "standup.ics", (HERE / "all_day.ics").read_bytes())
    elsewhere = f"{radicale.base_url}/someone-else/"  # not hers: the well-known address leads on
    for deep in (work, work + "standup.ics", f"{radicale.base_url}/mentor", elsewhere):
        assert [calendar.url for calendar in discover(account_for(radicale, deep))] == [work]


def test_a_wrong_password_is_told_in_words(radicale):
    radicale.make_calendar("Work")
    with pytest.raises(CalDavError, match="refused the user name or password"):
        discover(account_for(radicale, password="not-the-app-password"))


def test_an_account_without_calendars_is_told_in_words(radicale):
    with pytest.raises(CalDavError, match="no calendar that can hold events"):
        discover(account_for(radicale))


def test_a_server_that_is_not_caldav_is_told_in_words(calendar_server):
    account = DavAccount(server_url=calendar_server.base, username="bob", password="secret")
    with pytest.raises(CalDavError, match="No CalDAV calendar server answers at this address"):
        discover(account)


def test_the_change_marker_moves_only_when_the_calendar_changes(radicale):
    work = radicale.make_calendar("Work")
    account = account_for(radicale)
    before = calendar_state(account, work)
    assert before
    assert calendar_state(account, work) == before
    radicale.put(work, "weekly.ics", (HERE / "weekly_exdate_moved.ics").read_bytes())
    seeded = calendar_state(account, work)
    assert seeded != before
    assert calendar_state(account, work) == seeded
    event_put(account, work, uid=UID, ics=session_event(sequence=0))
    assert calendar_state(account, work) != seeded


def test_the_events_of_the_window_become_busy_times(radicale):
    work = radicale.make_calendar("Work")
    radicale.put(work, "weekly.ics", (HERE / "weekly_exdate_moved.ics").read_bytes())
    radicale.put(work, "day-off.ics", (HERE / "all_day.ics").read_bytes())
    radicale.put(work, "next-year.ics", session_event(sequence=0).replace(b"2026", b"2027"))
    start, end = utc(2026, 3, 1), utc(2026, 4, 1)

    document = events_between(account_for(radicale), work, start=start, end=end)

    calendar = Calendar.from_ical(document)
    assert {str(event["UID"]) for event in calendar.walk("VEVENT")} == {
        "weekly@example.com",
        "holiday@example.com",
    }  # next year's event is left on the server
    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/London"]
    spans = busy_intervals(document, zone=ZoneInfo("Europe/London"), start=start, end=end)
    assert [(span.starts_at, span.ends_at) for span in spans] == [
        (utc(2026, 3, 3, 14), utc(2026, 3, 3, 15)),
        (utc(2026, 3, 4), utc(2026, 3, 5)),  # the day off, a whole day in London
        # 10 March is an exception; the 17 March meeting moved to the 18th, 16:00
        (utc(2026, 3, 18, 16), utc(2026, 3, 18, 17)),
        (utc(2026, 3, 24, 14), utc(2026, 3, 24, 15)),
        (utc(2026, 3, 31, 13), utc(2026, 3, 31, 14)),  # British Summer Time
    ]


def test_time_zones_shared_by_events_are_sent_once(radicale):
    work = radicale.make_calendar("Work")
    weekly = (HERE / "weekly_exdate_moved.ics").read_bytes()
    radicale.put(work, "weekly.ics", weekly)
    radicale.put(work, "other.ics", weekly.replace(b"weekly@example.com", b"other@example.com"))
    document = events_between(
        account_for(radicale), work, start=utc(2026, 3, 1), end=utc(2026, 4, 1)
    )
    calendar = Calendar.from_ical(document)
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert len(calendar.walk("VEVENT")) == 4  # two series, each with its moved instance


def test_a_session_is_written_then_replaced_under_the_same_address(radicale):
    work = radicale.make_calendar("Work")
    account = account_for(radicale)

    href = event_put(account, work, uid=UID, ics=session_event(sequence=0))
    assert href == work + "appointment-17%40mentoring.example.ics"
    [stored] = radicale.objects(work)
    [event] = stored.walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (UID, 0, "CONFIRMED")

    again = event_put(
        account, work, uid=UID, ics=session_event(sequence=1, status="CANCELLED"), href=href
    )

    assert again == href
    [stored] = radicale.objects(work)  # replaced, not a second copy
    [event] = stored.walk("VEVENT")
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (UID, 1, "CANCELLED")
    assert event["ATTENDEE"].params["SCHEDULE-AGENT"] == "CLIENT"


def test_a_session_event_is_removed_and_removing_it_again_is_fine(radicale):
    work = radicale.make_calendar("Work")
    account = account_for(radicale)
    href = event_put(account, work, uid=UID, ics=session_event(sequence=0))

    event_delete(account, href)
    event_delete(account, href)  # already gone: nothing to do

    assert radicale.objects(work) == []


def test_a_second_copy_of_a_session_under_another_address_is_refused_in_words(radicale):
    work = radicale.make_calendar("Work")
    account = account_for(radicale)
    event_put(account, work, uid=UID, ics=session_event(sequence=0))
    with pytest.raises(CalDavError, match="already holds the session under another address"):
        event_put(account, work, uid=UID, ics=session_event(sequence=1), href="copy.ics")
    assert len(radicale.objects(work)) == 1


def test_writing_into_a_calendar_that_is_gone_is_told_in_words(radicale):
    account = account_for(radicale)
    with pytest.raises(CalDavError, match="not found on its server"):
        event_put(
            account, f"{radicale.base_url}/mentor/gone/", uid=UID, ics=session_event(sequence=0)
        )
    with pytest.raises(CalDavError, match="not found on its server"):
        calendar_state(account, f"{radicale.base_url}/mentor/gone/")


@pytest.mark.parametrize(
    "server_url",
    [
        "http://127.0.0.1:5232/",
        "http://localhost:5232/",  # a name that resolves to a loopback address
        "https://10.0.0.1/dav/",
        "https://169.254.169.254/latest/meta-data/",
    ],
)
def test_a_server_on_a_private_network_is_refused_before_any_connection(settings, server_url):
    settings.CALENDAR_ALLOWED_HOSTS = []
    account = DavAccount(server_url=server_url, username="bob", password="secret")
    started = time.monotonic()
    with pytest.raises(CalDavError, match="points to a private network, which is not allowed"):
        discover(account)
    assert time.monotonic() - started < 0.5


def test_radicale_itself_is_refused_when_its_host_is_not_allowed(radicale, settings):
    radicale.make_calendar("Work")
    settings.CALENDAR_ALLOWED_HOSTS = []
    with pytest.raises(CalDavError, match="private network"):
        discover(account_for(radicale))
