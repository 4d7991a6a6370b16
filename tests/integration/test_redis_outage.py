"""Redis stopped under a running site: pages still serve (sessions live in the database, the
cache's outage is a miss), a booking and a message still succeed, and every email they owe goes
out exactly once after Redis returns, through real worker and beat processes.

The issue's outage lasts two minutes; here it lasts OUTAGE_SECONDS and beat's outbox scan runs
every OUTBOX_SCAN_SECONDS, so the test stays short. `python -m bench.redis_outage` runs the
full two minutes under a steady stream of bookings and messages.
"""

import sys
import time
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as clock
from email.message import EmailMessage
from pathlib import Path
from typing import NamedTuple

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from mentoring.celery import app as celery_app
from outbox.models import QueuedTask
from pairings.models import Pairing
from sessions_app.models import Appointment, Availability, WeeklyWindow
from tests.agreements import agreement_reach
from tests.integration.conftest import WORKER_LOGS
from tests.integration.redis_fault import Beat, PrivateRedis
from tests.integration.support import SmtpSink, Worker, wait_until, worker_env

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

OUTAGE_SECONDS = 15
OUTBOX_SCAN_SECONDS = 2
ALL_WEEK = [[day, 0, 24 * 60] for day in range(7)]  # the mentee may be emailed at any hour


def broker_point_at(url: str) -> None:
    """This process's Celery app publishes to `url` from now on. Its pools are looked up again
    (kombu keeps one per broker address, so the shared broker's comes back afterwards)."""
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
    celery_app.conf.broker_url = url


class Stack(NamedTuple):
    redis: PrivateRedis
    worker: Worker
    beat: Beat


@pytest.fixture
def stack(
    transactional_db: None,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    smtp_port: int,
) -> Iterator[Stack]:
    """A private Redis (broker in db 0, cache in db 1) used by this process, one worker and beat.

    Depends on transactional_db so the processes stop before the tables are flushed."""
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    shared_broker = celery_app.conf.broker_url
    broker_point_at(redis.url(0))
    env = {
        **worker_env(smtp_port=smtp_port),
        "REDIS_URL": redis.url(0),
        "CELERY_BROKER_URL": redis.url(0),
        "CACHE_URL": redis.url(1),
        "OUTBOX_SCAN_SECONDS": str(OUTBOX_SCAN_SECONDS),
    }
    name = f"outage-{uuid.uuid4().hex[:8]}"
    request.node.stash[WORKER_LOGS] = [tmp_path / f"{name}.log", tmp_path / "beat.log"]
    worker = Worker(hostname=f"{name}@localhost", log_path=tmp_path / f"{name}.log", env=env)
    beat = Beat(directory=tmp_path, env=env)
    cache = {
        "default": {
            "BACKEND": "mentoring.cache.FailSoftRedisCache",
            "LOCATION": redis.url(1),
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        with override_settings(CACHES=cache, LIVE_VERSIONS_CACHED=True):
            worker.wait_ready()
            yield Stack(redis, worker, beat)
    finally:
        beat.stop()
        worker.stop()
        redis.stop()
        broker_point_at(shared_broker)


def mentor_offers_every_day(mentor) -> None:
    availability = Availability.objects.create(mentor=mentor)
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(availability=availability, weekday=day, starts=clock(8), ends=clock(20))
        for day in range(7)
    )


def a_free_time(client: Client, pairing: Pairing) -> tuple[str, str]:
    """The booking page's one-time token and a time three days or more ahead (no reminder
    falls due during the test)."""
    page = client.get(reverse("sessions_app:book", args=[pairing.pk]), {"length": 45})
    assert page.status_code == 200
    form = page.context["form"]
    later = timezone.now() + timedelta(days=3)
    values = [value for _day, options in form.fields["starts_at"].choices for value, _ in options]
    starts_at = next(v for v in values if datetime.fromisoformat(v) >= later)
    return str(form["token"].value()), starts_at


def timed_get(client: Client, url: str) -> tuple[int, float]:
    started = time.monotonic()
    status = client.get(url).status_code
    return status, time.monotonic() - started


def invites(sink: SmtpSink, appointment: Appointment) -> list[EmailMessage]:
    return sink.matching(lambda m: str(m["Subject"]).startswith("[Mentoring] Session booked"))


def notifications(sink: SmtpSink) -> list[EmailMessage]:
    return sink.matching(lambda m: m["X-Notification-Ids"] is not None)


def test_with_redis_stopped_pages_serve_a_booking_and_a_message_succeed_and_every_email_goes_out_once_after(  # noqa: E501
    pairing: Pairing, smtp_sink: SmtpSink, stack: Stack, client: Client
) -> None:
    mentor_offers_every_day(pairing.mentor)
    agreement_reach(pairing, channels=["video", "email"], contact_hours=ALL_WEEK)
    mentee, mentor = Client(), Client()
    mentee.force_login(pairing.mentee)
    mentor.force_login(pairing.mentor)
    token, starts_at = a_free_time(mentee, pairing)
    # The agreement's own emails go out before the outage: only the outage's are counted.
    wait_until(
        lambda: not QueuedTask.objects.filter(finished_at=None).exists(),
        timeout=30,
        what="the agreement's emails to be sent before the outage",
    )
    before = len(smtp_sink.messages)

    stack.redis.stop()
    outage_started = time.monotonic()

    pages = {
        "dashboard": timed_get(mentee, reverse("home:dashboard")),
        "booking page": timed_get(
            mentee, reverse("sessions_app:book", args=[pairing.pk]) + "?length=45"
        ),
        "thread": timed_get(mentor, reverse("exchange:thread", args=[pairing.pk])),
    }
    booked = mentee.post(
        reverse("sessions_app:book", args=[pairing.pk]),
        {"length": 45, "token": token, "mode": "video", "place": "", "starts_at": starts_at},
        follow=True,
    )
    sent = mentor.post(
        reverse("exchange:thread", args=[pairing.pk]), {"body": "See you then!"}, follow=True
    )
    waiting = sorted(QueuedTask.objects.filter(published_at=None).values_list("name", flat=True))
    print(
        "during the outage:",
        {page: f"{status} in {seconds * 1000:.0f} ms" for page, (status, seconds) in pages.items()},
        file=sys.stderr,
    )

    assert {page: status for page, (status, _s) in pages.items()} == dict.fromkeys(pages, 200)
    assert booked.status_code == 200
    assert "Session booked" in booked.content.decode()
    appointment = Appointment.objects.get()
    assert sent.status_code == 200
    assert pairing.messages.filter(body="See you then!").exists()
    assert waiting == [
        "notifications.tasks.notifications_dispatch_task",
        "sessions_app.tasks.booking.invite_send_task",
        "sessions_app.tasks.booking.invite_send_task",
    ]
    time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_started)))
    assert len(smtp_sink.messages) == before  # nothing can be sent while the broker is away

    stack.redis.start()
    back = time.monotonic()
    wait_until(
        lambda: len(invites(smtp_sink, appointment)) >= 2 and len(notifications(smtp_sink)) >= 1,
        timeout=60,
        what="the booking's invites and the message's notification after Redis returned",
    )
    delivered_after = time.monotonic() - back
    # Long enough for any second copy: several scans and a worker's round.
    time.sleep(4 * OUTBOX_SCAN_SECONDS + 2)

    got_invites = sorted(m["To"].addresses[0].addr_spec for m in invites(smtp_sink, appointment))
    got_notifications = [m["To"].addresses[0].addr_spec for m in notifications(smtp_sink)]
    print(
        f"outage {OUTAGE_SECONDS} s: emails due 3, sent after {len(smtp_sink.messages) - before}"
        f" ({len(got_invites)} invites, {len(got_notifications)} notification),"
        f" the last {delivered_after:.1f} s after Redis returned",
        file=sys.stderr,
    )
    assert got_invites == sorted([pairing.mentor.email, pairing.mentee.email])
    assert got_notifications == [pairing.mentee.email]
    assert len(smtp_sink.messages) - before == 3
    assert not QueuedTask.objects.filter(finished_at=None).exists()
