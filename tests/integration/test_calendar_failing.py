"""A calendar failing for a day, end to end: the refreshes run here as the refresh tasks would,
the email goes through Redis to a worker process and reaches a real SMTP server, once."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from mentoring.crypto import encrypt
from sessions_app.models import CalendarConnection
from sessions_app.services.calendars import FAILING_LIMIT, calendar_refresh
from sessions_app.tasks.calendars import calendar_failing_email_task
from tests.factories import ProfileFactory
from tests.integration.support import (
    SITE_URL,
    SmtpSink,
    Worker,
    is_addressed_to,
    text_body,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

EMAIL_TASK = "sessions_app.tasks.calendars.calendar_failing_email_task"


def test_a_calendar_failing_for_a_day_emails_its_owner_once_through_a_worker(
    smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]], settings
) -> None:
    settings.CALENDAR_ALLOWED_HOSTS = ["127.0.0.1"]
    owner = ProfileFactory(mentor=True, user__email="carla-calendar@example.org").user
    started = timezone.now() - FAILING_LIMIT - timedelta(minutes=5)
    work = CalendarConnection.objects.create(
        user=owner,
        name="Work",
        url_encrypted=encrypt("http://127.0.0.1:1/cal.ics"),  # nothing listens on port 1
        last_synced_at=started - timedelta(minutes=10),
    )
    workers = start_workers(2)

    assert not calendar_refresh(connection_id=work.pk, now=started)
    assert not calendar_refresh(connection_id=work.pk, now=timezone.now())
    assert not calendar_refresh(connection_id=work.pk, now=timezone.now() + timedelta(minutes=10))
    calendar_failing_email_task.delay(work.pk)  # a repeated run sends nothing more

    message = smtp_sink.wait_for(lambda m: is_addressed_to(m, owner.email))
    assert "“Work”" in message["Subject"]
    body = text_body(message)
    assert "could not be reached" in body
    assert f"{SITE_URL}/sessions/calendars/" in body
    runs: list[str] = []

    def both_ran() -> bool:
        runs[:] = sorted(run.value for w in workers for run in w.task_runs(EMAIL_TASK))
        return len(runs) >= 2

    wait_until(both_ran, timeout=30, what="both email task runs to finish")
    assert runs == ["False", "True"]  # the one queued by the refresh, and the repeat
    assert len(smtp_sink.matching(lambda m: is_addressed_to(m, owner.email))) == 1
