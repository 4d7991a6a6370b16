"""The page to connect, see and remove one's own calendars: read at once, problems told in
words, the secret address never shown back nor exported."""

from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from home.export import export_data
from sessions_app.models import CalendarConnection
from sessions_app.services.calendars import calendar_connect, calendar_refresh
from tests.sessions_app.calendars.conftest import Page

pytestmark = pytest.mark.django_db


def soon() -> bytes:
    """A calendar busy tomorrow from 10:00 to 11:00 UTC, whenever the test runs."""
    day = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y%m%d")
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Example//EN\r\nBEGIN:VEVENT\r\n"
        f"UID:soon@example.com\r\nDTSTAMP:20260301T000000Z\r\nDTSTART:{day}T100000Z\r\n"
        f"DTEND:{day}T110000Z\r\nSUMMARY:Dentist\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    ).encode()


URL = reverse("sessions_app:calendars")
SECRET = "/private-abc123/basic.ics"


@pytest.fixture
def signed_in(client, mentor):
    client.force_login(mentor)
    return client


@pytest.fixture
def feed(calendar_server):
    calendar_server.pages[SECRET] = Page(body=soon())
    return calendar_server


def test_the_profile_links_to_the_page(signed_in):
    profile = signed_in.get(reverse("accounts:profile"))
    assert URL in profile.text
    page = signed_in.get(URL)
    assert "No calendar is connected yet." in page.text
    assert 'for="id_url"' in page.text
    assert 'for="id_name"' in page.text


def test_a_calendar_is_connected_read_at_once_and_its_address_not_shown(signed_in, feed):
    response = signed_in.post(URL, {"name": "Work", "url": feed.url(SECRET)}, follow=True)

    assert "“Work” is connected" in response.text
    assert "127.0.0.1" in response.text
    assert "private-abc123" not in response.text
    assert "Dentist" not in response.text
    assert CalendarConnection.objects.get().busy.count() == 1
    assert "<td>1</td>" in response.text


def test_a_webcal_address_is_read_over_https(signed_in, feed):
    response = signed_in.post(URL, {"name": "Work", "url": "webcal://127.0.0.1:1/cal.ics"})
    # Nothing listens on port 1: the https address was tried and the failure said in words.
    assert "could not be reached" in response.text
    assert 'value="https://127.0.0.1:1/cal.ics"' in response.text


@pytest.mark.parametrize(
    ("path", "page", "said"),
    [
        ("/gone.ics", None, "The calendar&#x27;s server answered with error 404."),
        ("/login", Page(body=b"<html>Sign in</html>"), "did not give a calendar"),
    ],
)
def test_an_address_that_cannot_be_read_is_refused_in_words_and_the_input_kept(
    signed_in, feed, path, page, said
):
    if page:
        feed.pages[path] = page
    response = signed_in.post(URL, {"name": "Work", "url": feed.url(path)})

    assert response.status_code == 200
    assert said in response.text
    assert 'value="Work"' in response.text
    assert not CalendarConnection.objects.exists()


def test_an_internal_address_is_refused(signed_in, settings):
    settings.CALENDAR_ALLOWED_HOSTS = []
    response = signed_in.post(URL, {"name": "Metadata", "url": "http://169.254.169.254/"})
    assert "points to a private network" in response.text
    assert not CalendarConnection.objects.exists()


def test_a_missing_name_and_a_non_address_are_told(signed_in):
    response = signed_in.post(URL, {"name": "", "url": "my calendar"})
    assert "Give the calendar a name." in response.text
    assert "That is not a web address" in response.text


def test_a_failing_calendar_shows_its_problem_and_keeps_its_busy_times(signed_in, feed, mentor):
    now = datetime.now(UTC)
    connection = calendar_connect(user=mentor, name="Work", url=feed.url(SECRET), now=now)
    feed.pages[SECRET] = Page(status=500)
    calendar_refresh(connection_id=connection.pk, now=now + timedelta(minutes=10))

    response = signed_in.get(URL)

    assert "The calendar&#x27;s server answered with error 500." in response.text
    assert "the busy times read before still count" in response.text


def test_a_calendar_is_removed_by_its_owner_only(signed_in, feed, mentor, client, mentee):
    connection = calendar_connect(
        user=mentor, name="Work", url=feed.url(SECRET), now=datetime.now(UTC)
    )
    remove = reverse("sessions_app:calendar_remove", args=[connection.pk])

    client.force_login(mentee)
    assert client.post(remove).status_code == 404
    client.force_login(mentor)
    response = client.post(remove, follow=True)

    assert "“Work” is removed" in response.text
    assert not CalendarConnection.objects.exists()


def test_the_data_export_has_the_calendars_but_not_their_secret_addresses(feed, mentor):
    calendar_connect(user=mentor, name="Work", url=feed.url(SECRET), now=datetime.now(UTC))

    sections = export_data(user=mentor)["sections"]

    (row,) = sections["sessions_app.CalendarConnection"]["rows"]
    assert row["name"] == "Work"
    assert "url_encrypted" not in row
    assert sections["sessions_app.BusyInterval"]["rows"]
