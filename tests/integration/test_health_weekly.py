"""The weekly health email end to end: beat's hourly run here, the sends through Redis in a
worker process, a real SMTP sink. Runs repeated in the admin's hours send one email."""

from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from accounts.models import EmailLog
from accounts.services import user_make_programme_admin
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from oversight.services.weekly import health_weekly_dispatch
from tests.factories import CohortFactory, PairingFactory, UserFactory
from tests.integration.support import (
    SITE_URL,
    SmtpSink,
    Worker,
    is_addressed_to,
    text_body,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEND_TASK = "oversight.tasks.weekly.health_weekly_send_task"
MONDAY_TEN_IN_BERLIN = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # CEST, the first week of it


def test_the_weekly_email_reaches_smtp_once_however_often_beat_runs(
    smtp_sink: SmtpSink, worker: Worker
) -> None:
    admin = UserFactory(email="weekly-admin@example.org", timezone="Europe/Berlin")
    user_make_programme_admin(user=admin)
    cohort = CohortFactory(
        name="Spring cohort",
        admins=[admin],
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 18),
    )
    pairing = PairingFactory(
        cohort=cohort,
        mentee=UserFactory(display_name="Alice Mentee"),
        mentor=UserFactory(display_name="Bob Mentor"),
    )
    PairingHealth.objects.create(
        pairing=pairing,
        status=HealthStatus.AT_RISK,
        reasons=[{"code": "silent", "text": "No contact for 35 days"}],
        computed_at=MONDAY_TEN_IN_BERLIN,
    )
    HealthSnapshot.objects.create(
        pairing=pairing, day=date(2026, 3, 23), status=HealthStatus.ON_TRACK
    )

    # Two runs at once (a second beat, say), both before the worker has sent anything.
    assert health_weekly_dispatch(now=MONDAY_TEN_IN_BERLIN) == 1
    assert health_weekly_dispatch(now=MONDAY_TEN_IN_BERLIN) == 1

    message = smtp_sink.wait_for(lambda m: is_addressed_to(m, admin.email))
    wait_until(lambda: len(worker.task_runs(SEND_TASK)) == 2, timeout=20, what="both sends")
    assert [run.value for run in worker.task_runs(SEND_TASK)].count("True") == 1
    assert message["Subject"].endswith("Cohort health this week: 1 new at risk")
    body = text_body(message)
    assert "Alice Mentee (mentee) and Bob Mentor (mentor): No contact for 35 days" in body
    assert "from Monday 23 March to Monday 30 March 2026" in body
    for link in (line.split()[-1] for line in body.splitlines() if SITE_URL in line):
        assert link.startswith(f"{SITE_URL}/")
        resolve(urlsplit(link).path)

    # The next hour's run finds it sent and queues nothing.
    assert EmailLog.objects.get(recipient=admin, kind="health_weekly").sent_at is not None
    assert health_weekly_dispatch(now=MONDAY_TEN_IN_BERLIN + timedelta(hours=1)) == 0
    assert len(smtp_sink.matching(lambda m: is_addressed_to(m, admin.email))) == 1
