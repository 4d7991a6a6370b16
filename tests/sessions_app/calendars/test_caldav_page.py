"""The calendars page with a CalDAV account (a real Radicale): the form says what to type, a
refusal keeps what was typed but never the password, the account's calendars are then chosen
(counts as busy, receives sessions), and the account is listed and removed like an ICS one."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from sessions_app.models import CalendarConnection, ConnectedCalendar
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

URL = reverse("sessions_app:calendars")
CONNECT = reverse("sessions_app:calendar_caldav_connect")


@pytest.fixture
def signed_in(client, mentor):
    client.force_login(mentor)
    return client


@pytest.fixture
def server(radicale):
    """Bob's Radicale: "Work" has a meeting tomorrow, "Sessions" is empty."""
    work = radicale.make_calendar("Work")
    radicale.make_calendar("Sessions")
    start = (timezone.now() + timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    stamp = "%Y%m%dT%H%M%SZ"
    radicale.put(
        work,
        "meeting.ics",
        (
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:meeting-1\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:{start:{stamp}}\r\n"
            f"DTEND:{start + timedelta(hours=1):{stamp}}\r\nSUMMARY:Board meeting\r\n"
            "END:VEVENT\r\nEND:VCALENDAR\r\n"
        ).encode(),
    )
    return radicale


def form_for(radicale, **changes) -> dict[str, str]:
    return {
        "server_url": radicale.base_url,
        "username": radicale.username,
        "password": radicale.password,
        **changes,
    }


def test_the_form_names_the_servers_and_asks_for_an_app_password(signed_in):
    page = signed_in.get(URL).text
    assert "Connect a CalDAV account" in page
    for field in ("server_url", "username", "password"):
        assert f'for="id_{field}"' in page
    for server in ("Nextcloud", "Fastmail", "iCloud", "Radicale"):
        assert server in page
    assert "app password" in page


def test_a_wrong_password_is_said_in_words_keeping_what_was_typed_but_the_password(
    signed_in, server
):
    response = signed_in.post(CONNECT, form_for(server, password="secret-typo-42"))

    assert response.status_code == 200
    assert "password" in response.context["dav_form"].non_field_errors()[0].lower()
    assert f'value="{server.base_url}"' in response.text
    assert f'value="{server.username}"' in response.text
    assert "secret-typo-42" not in response.text
    assert not CalendarConnection.objects.exists()


def test_missing_fields_are_named(signed_in):
    response = signed_in.post(CONNECT, {"server_url": "", "username": "", "password": ""})
    assert "Give the address of your calendar server." in response.text
    assert "Give your user name on that server." in response.text
    assert "Give an app password for that account." in response.text


def test_an_account_is_connected_its_calendars_chosen_and_then_listed(signed_in, server, mentor):
    response = signed_in.post(CONNECT, form_for(server), follow=True)

    account = CalendarConnection.objects.get()
    assert response.redirect_chain[-1][0] == reverse(
        "sessions_app:calendar_choose", args=[account.pk]
    )
    assert "is connected and its calendars are read" in response.text
    assert server.password not in response.text
    work, sessions = account.calendars.get(name="Work"), account.calendars.get(name="Sessions")
    page = response.text
    assert "Counts as busy" in page
    assert "Write my sessions to" in page
    initial = response.context["form"].initial
    assert sorted(initial["busy"]) == sorted([work.pk, sessions.pk])  # all ticked at first
    assert initial["receiving"] == ""
    assert "None of these calendars" in page

    saved = signed_in.post(
        reverse("sessions_app:calendar_choose", args=[account.pk]),
        {"busy": [work.pk], "receiving": sessions.pk},
        follow=True,
    )
    assert "Your choices for “mentor (127.0.0.1)” are saved." in saved.text
    assert list(
        ConnectedCalendar.objects.order_by("name").values_list(
            "name", "counts_busy", "receives_sessions"
        )
    ) == [("Sessions", False, True), ("Work", True, False)]
    assert "mentor (127.0.0.1)" in saved.text
    assert "<td>1</td>" in saved.text  # the board meeting
    assert "Your sessions are written to “Sessions”." in saved.text
    assert "Board meeting" not in saved.text

    again = signed_in.get(reverse("sessions_app:calendar_choose", args=[account.pk]))
    assert again.context["form"].initial == {"busy": [work.pk], "receiving": sessions.pk}

    removed = signed_in.post(
        reverse("sessions_app:calendar_remove", args=[account.pk]), follow=True
    )
    assert "is removed" in removed.text
    assert not ConnectedCalendar.objects.exists()


def test_another_persons_account_and_an_ics_address_have_no_choices_page(signed_in, mentor):
    theirs = CalendarConnection.objects.create(
        user=UserFactory(), kind=CalendarConnection.Kind.CALDAV, name="x", url_encrypted=""
    )
    ics = CalendarConnection.objects.create(user=mentor, name="Work", url_encrypted="")
    for connection in (theirs, ics):
        url = reverse("sessions_app:calendar_choose", args=[connection.pk])
        assert signed_in.get(url).status_code == 404
