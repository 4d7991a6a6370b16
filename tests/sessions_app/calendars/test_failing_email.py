"""A calendar that keeps failing: after FAILING_LIMIT its owner is emailed once, with the problem
in words and a link to their calendars page; not again while it keeps failing, and again only
once it has read well and then failed anew."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import translation

from mentoring.links import absolute
from sessions_app.emails import calendar_failing_email_send
from sessions_app.models import CalendarConnection
from sessions_app.services.calendars import FAILING_LIMIT, calendar_connect, calendar_refresh
from tests.sessions_app.calendars.conftest import Page

pytestmark = pytest.mark.django_db

HERE = Path(__file__).parent
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
BODY = (HERE / "cancelled.ics").read_bytes()


@pytest.fixture
def work(calendar_server, mentor):
    calendar_server.pages["/cal.ics"] = Page(body=BODY)
    return calendar_connect(user=mentor, name="Work", url=calendar_server.url("/cal.ics"), now=NOW)


def refresh(connection, at: datetime, capture) -> bool:
    with capture(execute=True):
        return calendar_refresh(connection_id=connection.pk, now=at)


def test_the_owner_is_emailed_once_a_day_after_it_started_failing(
    work, calendar_server, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_server.pages["/cal.ics"] = Page(status=500)
    start = NOW + timedelta(minutes=10)
    assert timedelta(hours=24) == FAILING_LIMIT

    for later in (timedelta(0), timedelta(hours=12), timedelta(hours=23, minutes=59)):
        refresh(work, start + later, django_capture_on_commit_callbacks)
    assert mailoutbox == []

    refresh(work, start + FAILING_LIMIT, django_capture_on_commit_callbacks)
    refresh(work, start + FAILING_LIMIT + timedelta(minutes=10), django_capture_on_commit_callbacks)
    refresh(work, start + timedelta(days=3), django_capture_on_commit_callbacks)

    (message,) = mailoutbox
    assert message.to == ["bob@example.org"]
    assert "“Work”" in message.subject
    assert "cannot be read" in message.subject
    assert "The calendar's server answered with error 500." in message.body
    assert absolute("sessions_app:calendars") in message.body
    assert "still block your free times" in message.body


def test_after_reading_well_a_new_failing_spell_emails_again(
    work, calendar_server, mailoutbox, django_capture_on_commit_callbacks
):
    calendar_server.pages["/cal.ics"] = Page(status=500)
    refresh(work, NOW, django_capture_on_commit_callbacks)
    refresh(work, NOW + timedelta(days=1), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 1

    calendar_server.pages["/cal.ics"] = Page(body=BODY)
    assert refresh(work, NOW + timedelta(days=2), django_capture_on_commit_callbacks)
    work.refresh_from_db()
    assert work.failure_emailed_at is None

    calendar_server.pages["/cal.ics"] = Page(status=404)
    refresh(work, NOW + timedelta(days=3), django_capture_on_commit_callbacks)
    refresh(work, NOW + timedelta(days=4), django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert "error 404" in mailoutbox[1].body


def test_the_email_is_sent_once_however_often_its_task_runs_and_not_after_recovery(
    work, calendar_server, mailoutbox
):
    CalendarConnection.objects.filter(pk=work.pk).update(
        failing_since=NOW, last_error="The calendar's server answered with error 500."
    )
    assert calendar_failing_email_send(connection_id=work.pk)
    assert not calendar_failing_email_send(connection_id=work.pk)
    assert len(mailoutbox) == 1

    CalendarConnection.objects.filter(pk=work.pk).update(failing_since=None, last_error="")
    assert not calendar_failing_email_send(connection_id=work.pk + 1000)
    assert not calendar_failing_email_send(connection_id=work.pk)


def test_the_problem_is_written_in_the_owners_language(
    work, calendar_server, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    mentor.language = "de"
    mentor.save(update_fields=["language"])
    calendar_server.pages["/cal.ics"] = Page(status=500)
    with translation.override("en"):  # the worker's own language does not matter
        refresh(work, NOW, django_capture_on_commit_callbacks)
        refresh(work, NOW + timedelta(days=1), django_capture_on_commit_callbacks)
    work.refresh_from_db()
    expected = "Der Server des Kalenders hat mit dem Fehler 500 geantwortet."
    assert work.last_error == expected
    (message,) = mailoutbox
    assert expected in message.body
