"""Announcements end to end: 2,000 recipients through Redis, worker processes and an SMTP sink,
with the worker killed (or restarted) mid-way. Each person gets exactly one email.

The announcement is written here, as the web process writes it; its dispatches run in the
workers; beat's minute scan runs here when the test needs it, so the test sets its own
stale-claim timeout.
"""

import time
import uuid
from collections import Counter
from collections.abc import Callable
from functools import partial

import psycopg2
import pytest

from accounts.models import User
from oversight.models import Announcement, AnnouncementDelivery
from oversight.services.announcements import announcement_send
from oversight.tasks.outreach import announcements_resume_task
from programmes.models import Cohort, Enrolment
from tests.integration.support import (
    SmtpSink,
    Worker,
    a_query_waits_for_a_lock,
    database_url,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

RECIPIENTS = 2000
DISPATCH_TASK = "oversight.tasks.outreach.announcement_dispatch_task"
TABLE = AnnouncementDelivery._meta.db_table


def enrol_people(cohort: Cohort, count: int) -> set[str]:
    """`count` people in the cohort (a quarter mentors), in two queries; their addresses."""
    people = User.objects.bulk_create(
        User(email=f"person{n}@announce.example.org", display_name=f"Person {n}")
        for n in range(count)
    )
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, user=person, role="mentor" if n % 4 == 0 else "mentee")
        for n, person in enumerate(people)
    )
    return {person.email for person in people}


def announce(cohort: Cohort, by: User) -> Announcement:
    return announcement_send(
        cohort=cohort,
        by=by,
        audience=Announcement.Audience.EVERYONE,
        subject="Closing event",
        body="Join us for the closing event on 3 June.",
        key=uuid.uuid4(),
    )


def mailed(sink: SmtpSink, announcement: Announcement) -> Counter[str]:
    """How many copies of the announcement each address received."""
    return Counter(
        address.addr_spec
        for message in sink.messages
        if message["X-Announcement-Id"] == str(announcement.pk)
        for address in message["To"].addresses
    )


def sent_count(announcement: Announcement) -> int:
    return announcement.deliveries.filter(status=AnnouncementDelivery.Status.SENT).count()


def wait_until_all_sent(
    sink: SmtpSink, announcement: Announcement, *, timeout: float, scan: bool = False
) -> None:
    """Wait for every copy; with `scan`, run beat's scan every second meanwhile (beat runs it
    every minute)."""
    last_scan = time.monotonic()

    def done() -> bool:
        nonlocal last_scan
        if scan and time.monotonic() - last_scan > 1:
            announcements_resume_task()
            last_scan = time.monotonic()
        # Cheap checks only: parsing every message each poll would slow the sink (same process).
        return sent_count(announcement) == RECIPIENTS and len(sink.messages) >= RECIPIENTS

    wait_until(done, timeout=timeout, what=f"{RECIPIENTS} copies to reach the sink, marked sent")


def _lock_a_claimed_row_ahead(locker: psycopg2.extensions.connection, announcement_id: int) -> int:
    """Lock (from another connection) a row the worker claimed and will reach later in its
    batch, so its send waits there, mid-batch; the row's id."""
    while True:
        with locker.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {TABLE} WHERE announcement_id = %s AND status = 'claimed' "  # noqa: S608
                "ORDER BY id OFFSET 100 LIMIT 1",
                [announcement_id],
            )
            row = cursor.fetchone()
            if row:
                try:
                    cursor.execute(
                        f"SELECT id FROM {TABLE} WHERE id = %s AND status = 'claimed' "  # noqa: S608
                        "FOR UPDATE NOWAIT",
                        [row[0]],
                    )
                except psycopg2.errors.LockNotAvailable:
                    locker.rollback()
                    continue
                if cursor.fetchone():
                    return row[0]
        locker.rollback()
        time.sleep(0.01)


def test_2000_recipients_each_get_one_email_when_the_worker_is_killed_mid_way(
    cohort: Cohort,
    programme_admin: User,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
    settings,
) -> None:
    settings.ANNOUNCEMENT_CLAIM_STALE_SECONDS = 2  # for the scan run here, as beat would run it
    addresses = enrol_people(cohort, RECIPIENTS)
    [victim] = start_workers(1)

    started = time.monotonic()
    announcement = announce(cohort, programme_admin)  # commits: its dispatch goes to Redis
    wait_until(
        lambda: sent_count(announcement) >= RECIPIENTS // 4,
        timeout=60,
        what="a quarter of the copies to go out",
    )
    # Stop the worker mid-batch, the way a lost machine stops: hold a row it claimed so its
    # send waits there (no email in flight), then kill it. The rest of its batch stays claimed,
    # and the dispatch it would have queued next is never queued.
    locker = psycopg2.connect(database_url())
    try:
        held = _lock_a_claimed_row_ahead(locker, announcement.pk)
        wait_until(
            partial(a_query_waits_for_a_lock, f"UPDATE%{TABLE}%"),
            timeout=20,
            what="the send to wait",
        )
        victim.process.kill()
        victim.process.wait()
    finally:
        locker.close()
    killed_at = sent_count(announcement)
    stranded = announcement.deliveries.filter(status=AnnouncementDelivery.Status.CLAIMED)
    assert stranded.filter(pk=held).exists()
    assert killed_at < RECIPIENTS
    [survivor] = start_workers(1)

    restarted: list[int] = []

    def rescanned() -> bool:  # beat's next runs: the dead worker's claims go stale
        restarted.append(announcements_resume_task())
        return sum(restarted) > 0

    wait_until(rescanned, timeout=30, what="the scan to restart the announcement")
    wait_until_all_sent(smtp_sink, announcement, timeout=120, scan=True)
    wall = time.monotonic() - started

    copies = mailed(smtp_sink, announcement)
    assert set(copies) == addresses  # none lost
    assert set(copies.values()) == {1}  # none twice
    assert survivor.task_runs(DISPATCH_TASK)
    assert announcements_resume_task() == 0
    print(
        f"\n{RECIPIENTS} recipients, worker killed after {killed_at} sent: "
        f"all sent once in {wall:.1f} s wall time (including the restart)"
    )


def test_2000_recipients_each_get_one_email_when_the_worker_restarts_mid_way(
    cohort: Cohort,
    programme_admin: User,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
) -> None:
    addresses = enrol_people(cohort, RECIPIENTS)
    [first] = start_workers(1)

    started = time.monotonic()
    announcement = announce(cohort, programme_admin)
    wait_until(
        lambda: sent_count(announcement) >= RECIPIENTS // 4,
        timeout=60,
        what="a quarter of the copies to go out",
    )
    first.stop()  # a deploy: warm shutdown, the batch in hand finishes first
    restarted_at = sent_count(announcement)
    assert restarted_at < RECIPIENTS
    [second] = start_workers(1)

    wait_until_all_sent(smtp_sink, announcement, timeout=120)
    wall = time.monotonic() - started

    copies = mailed(smtp_sink, announcement)
    assert set(copies) == addresses
    assert set(copies.values()) == {1}
    assert second.task_runs(DISPATCH_TASK)
    runs = first.task_runs(DISPATCH_TASK) + second.task_runs(DISPATCH_TASK)
    print(
        f"\n{RECIPIENTS} recipients, worker restarted after {restarted_at} sent: all sent "
        f"once in {wall:.1f} s wall time (including the restart); "
        f"{len(runs)} dispatch runs, {sum(r.seconds for r in runs):.1f} s in them"
    )
