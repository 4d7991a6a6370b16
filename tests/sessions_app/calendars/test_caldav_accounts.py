"""CalDAV accounts against a real Radicale: connecting one finds its calendars and reads their
busy times; a refresh skips a calendar whose change marker is unchanged and re-reads one that
changed; a failure keeps the last good busy times; the person's choices (which count as busy,
which one receives sessions) are kept, at most one receiving calendar per person."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import IntegrityError

from mentoring.crypto import encrypt
from sessions_app.models import BusyInterval, CalendarConnection, ConnectedCalendar
from sessions_app.services.calendars import (
    CalendarProblem,
    calendar_caldav_choose,
    calendar_caldav_connect,
    calendar_refresh,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def event(uid: str, start: str, end: str, summary: str = "Dentist") -> bytes:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:{start}\r\nDTEND:{end}\r\n"
        f"SUMMARY:{summary}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


def busy_of(connection) -> list[tuple[datetime, datetime]]:
    return list(
        BusyInterval.objects.filter(connection=connection)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    )


def connect(radicale, user, *, password: str = "") -> CalendarConnection:
    return calendar_caldav_connect(
        user=user,
        server_url=radicale.base_url,
        username=radicale.username,
        password=password or radicale.password,
        now=NOW,
    )


@pytest.fixture
def account(radicale, mentor):
    """Bob's Radicale account: "Work" holds a dentist's appointment on Tuesday 13:00-13:45Z
    and his copy of a session booked here; "Home" is empty."""
    work = radicale.make_calendar("Work")
    radicale.make_calendar("Home")
    radicale.put(work, "dentist.ics", event("dentist-1", "20260303T130000Z", "20260303T134500Z"))
    radicale.put(
        work,
        "session.ics",
        event("abc@mentoring", "20260304T150000Z", "20260304T160000Z", "Session with Alice"),
    )
    return connect(radicale, mentor)


def test_connecting_an_account_finds_its_calendars_and_reads_their_busy_times(account, radicale):
    assert account.kind == CalendarConnection.Kind.CALDAV
    assert account.name == "mentor (127.0.0.1)"
    calendars = list(account.calendars.order_by("name"))
    assert [(c.name, c.counts_busy, c.receives_sessions) for c in calendars] == [
        ("Home", True, False),
        ("Work", True, False),
    ]
    assert all(c.state for c in calendars)  # the change marker, for the next refresh
    # The session booked here is not busy against itself; the dentist is.
    assert busy_of(account) == [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45))]
    assert radicale.password not in account.password_encrypted
    assert radicale.base_url not in account.url_encrypted
    assert account.last_synced_at == NOW


def test_a_wrong_password_is_refused_in_words_and_nothing_is_kept(radicale, mentor):
    radicale.make_calendar("Work")
    with pytest.raises(CalendarProblem) as refused:
        connect(radicale, mentor, password="not-the-password")
    assert "password" in str(refused.value).lower()
    assert not CalendarConnection.objects.exists()
    assert not ConnectedCalendar.objects.exists()


def test_an_unchanged_calendar_is_not_read_again_and_a_changed_one_is(account, radicale):
    work = account.calendars.get(name="Work")
    # Prove the skip: with the busy times gone here and the marker as it was, a refresh that
    # skipped the read leaves them gone.
    BusyInterval.objects.all().delete()
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    assert busy_of(account) == []
    account.refresh_from_db()
    assert account.last_synced_at == NOW + timedelta(minutes=10)

    radicale.put(work.url, "lunch.ics", event("lunch-1", "20260305T120000Z", "20260305T130000Z"))
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=20))
    assert busy_of(account) == [
        (utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45)),
        (utc(2026, 3, 5, 12), utc(2026, 3, 5, 13)),
    ]
    work.refresh_from_db()
    assert work.state


def test_a_day_later_every_calendar_is_read_again_for_the_new_days(account):
    BusyInterval.objects.all().delete()
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(days=1, minutes=1))
    assert busy_of(account) == [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45))]


def test_a_failing_account_keeps_its_busy_times_and_says_why(account):
    CalendarConnection.objects.filter(pk=account.pk).update(
        password_encrypted=encrypt("revoked"), busy_known_until=None
    )
    assert not calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    account.refresh_from_db()
    assert "password" in account.last_error.lower()
    assert account.failing_since == NOW + timedelta(minutes=10)
    assert account.last_synced_at == NOW
    assert busy_of(account) == [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45))]


def test_an_unticked_calendar_no_longer_counts_and_a_ticked_one_is_read_again(account):
    work, home = account.calendars.get(name="Work"), account.calendars.get(name="Home")

    calendar_caldav_choose(connection=account, busy_ids={home.pk}, receiving_id=None)
    assert busy_of(account) == []
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    assert busy_of(account) == []

    calendar_caldav_choose(connection=account, busy_ids={home.pk, work.pk}, receiving_id=None)
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=20))
    assert busy_of(account) == [(utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45))]


def test_one_calendar_of_a_person_receives_sessions_across_accounts(account, radicale, mentor):
    work, home = account.calendars.get(name="Work"), account.calendars.get(name="Home")
    second = connect(radicale, mentor)  # the same account twice: two connections
    other_work = second.calendars.get(name="Work")
    busy = {work.pk, home.pk}

    calendar_caldav_choose(connection=account, busy_ids=busy, receiving_id=work.pk)
    assert list(mentor.connected_calendars.filter(receives_sessions=True)) == [work]

    calendar_caldav_choose(connection=second, busy_ids={other_work.pk}, receiving_id=other_work.pk)
    assert list(mentor.connected_calendars.filter(receives_sessions=True)) == [other_work]

    # "None of these" on the first account leaves the second account's choice alone.
    calendar_caldav_choose(connection=account, busy_ids=busy, receiving_id=None)
    assert list(mentor.connected_calendars.filter(receives_sessions=True)) == [other_work]

    # Another account's calendar cannot be chosen through this one.
    calendar_caldav_choose(connection=account, busy_ids=busy, receiving_id=other_work.pk)
    assert list(mentor.connected_calendars.filter(receives_sessions=True)) == [other_work]

    # And the database refuses two at once, whatever writes them.
    with pytest.raises(IntegrityError):
        ConnectedCalendar.objects.filter(pk=home.pk).update(receives_sessions=True)


def test_the_daily_read_picks_up_calendars_made_and_removed_on_the_server(account, radicale):
    """A calendar made on the server after connecting counts as busy from the next full read;
    one removed there goes, with its busy times, and stops receiving sessions."""
    work, home = account.calendars.get(name="Work"), account.calendars.get(name="Home")
    calendar_caldav_choose(connection=account, busy_ids={work.pk, home.pk}, receiving_id=home.pk)
    family = radicale.make_calendar("Family")
    radicale.put(family, "school.ics", event("school-1", "20260306T080000Z", "20260306T090000Z"))

    # Within the day the account's calendars are as they were: one request per calendar.
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(minutes=10))
    assert sorted(account.calendars.values_list("name", flat=True)) == ["Home", "Work"]

    radicale.remove_calendar(home.url)
    assert calendar_refresh(connection_id=account.pk, now=NOW + timedelta(days=1, minutes=1))
    calendars = {c.name: c for c in account.calendars.all()}
    assert sorted(calendars) == ["Family", "Work"]
    assert calendars["Family"].counts_busy
    assert not ConnectedCalendar.objects.filter(user=account.user, receives_sessions=True).exists()
    assert busy_of(account) == [
        (utc(2026, 3, 3, 13), utc(2026, 3, 3, 13, 45)),
        (utc(2026, 3, 6, 8), utc(2026, 3, 6, 9)),
    ]
