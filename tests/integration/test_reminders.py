"""Reminders end to end: scans in this process, sends through Redis to worker processes, SMTP.

The scans run here, as beat would run them, so each test can set its own stale-claim timeout.
"""

import re
import threading
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from functools import partial

import psycopg2
import pytest
import time_machine
from django.db import connection, transaction
from django.utils import timezone

from pairings.models import Pairing
from programmes.models import Cohort
from sessions_app.models import Appointment, Reminder
from sessions_app.services.reminders import reminder_rows_sync
from sessions_app.tasks.reminders import reminders_dispatch_task
from tests.factories import AppointmentFactory, PairingFactory
from tests.integration.support import (
    SmtpSink,
    Worker,
    a_query_waits_for_a_lock,
    database_url,
    wait_until,
)

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

SEND_TASK = "sessions_app.tasks.reminders.reminder_send_task"


def book_half_an_hour_ahead(pairing: Pairing) -> Appointment:
    """A video session starting in 30 minutes, booked two hours ago: its 1 h reminders (one for
    each person) are due now."""
    starts_at = timezone.now() + timedelta(minutes=30)
    with time_machine.travel(timezone.now() - timedelta(hours=2)), transaction.atomic():
        appointment = AppointmentFactory(
            pairing=pairing,
            starts_at=starts_at,
            video_url="https://meet.jit.si/mentoring-integration",
        )
        reminder_rows_sync(appointment=appointment)
    return appointment


def due_reminders(cohort: Cohort, *, sessions: int) -> list[int]:
    """Ids of 2 x `sessions` due reminders, soonest claimed first."""
    for _ in range(sessions):
        book_half_an_hour_ahead(PairingFactory(cohort=cohort))
    ids = list(Reminder.objects.order_by("due_at", "pk").values_list("pk", flat=True))
    assert len(ids) == 2 * sessions
    return ids


def reminder_id(message: EmailMessage) -> int | None:
    value = message["X-Reminder-Id"]
    return int(value) if value else None


def mailed(sink: SmtpSink) -> Counter[int]:
    """How many emails the sink received for each reminder."""
    return Counter(reminder_id(m) for m in sink.messages if reminder_id(m) is not None)


def wait_for_mail(sink: SmtpSink, ids: list[int], *, timeout: float = 30) -> None:
    wait_until(
        lambda: set(mailed(sink)) >= set(ids),
        timeout=timeout,
        what=f"reminders {ids} to reach the SMTP sink",
    )


def wait_until_sent(ids: list[int]) -> None:
    # The worker commits the row just after the SMTP server accepts the mail.
    wait_until(
        lambda: (
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENT).count() == len(ids)
        ),
        timeout=10,
        what="the reminders to be marked sent",
    )


def send_results(workers: list[Worker], *, at_least: int) -> list[str]:
    """What the workers' send runs returned ("True": this run sent it), once there are enough."""
    results: list[str] = []

    def enough() -> bool:
        results[:] = [run.value for worker in workers for run in worker.task_runs(SEND_TASK)]
        return len(results) >= at_least

    wait_until(enough, timeout=30, what=f"{at_least} reminder sends to finish")
    return results


def scan_at_once(scanners: int) -> list[int]:
    """Run the beat task in `scanners` threads released together; what each claimed."""
    claimed: list[int] = []
    barrier = threading.Barrier(scanners)

    def scan() -> None:
        try:
            barrier.wait()
            claimed.append(reminders_dispatch_task())
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(scanners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return claimed


def test_two_scanners_and_two_workers_mail_each_due_reminder_once(
    cohort: Cohort, smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]]
) -> None:
    ids = due_reminders(cohort, sessions=15)
    workers = start_workers(2)

    claimed = scan_at_once(scanners=2)

    assert sum(claimed) == len(ids)
    wait_for_mail(smtp_sink, ids)
    wait_until_sent(ids)
    assert mailed(smtp_sink) == Counter(ids)
    runs = {worker.hostname: worker.task_runs(SEND_TASK) for worker in workers}
    assert all(runs.values()), f"one worker sent nothing, so nothing ran at once: {runs}"
    assert scan_at_once(scanners=2) == [0, 0]


def test_a_reminder_queued_twice_after_its_claim_went_stale_is_mailed_once(
    cohort: Cohort,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
    settings,
) -> None:
    settings.REMINDER_CLAIM_STALE_SECONDS = 0  # the second scan takes every claim of the first
    ids = due_reminders(cohort, sessions=5)
    assert reminders_dispatch_task() == len(ids)
    assert reminders_dispatch_task() == len(ids)
    # Each send holds its row a while, so the two runs of one reminder overlap on the workers.
    smtp_sink.delay = 0.3

    workers = start_workers(2)

    results = send_results(workers, at_least=2 * len(ids))
    assert results.count("True") == len(ids)
    wait_until_sent(ids)
    assert mailed(smtp_sink) == Counter(ids)


def test_a_session_moved_after_its_reminders_were_queued_gets_none_for_the_old_time(
    pairing: Pairing,
    other_pairing: Pairing,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
) -> None:
    moved = book_half_an_hour_ahead(pairing)
    kept = book_half_an_hour_ahead(other_pairing)
    old_time = moved.starts_at
    assert reminders_dispatch_task() == 4  # queued in Redis: no worker runs yet

    with transaction.atomic():  # the reschedule, as the booking service makes it
        moved.starts_at = moved.blocked_from = old_time + timedelta(days=3)
        moved.ends_at = moved.blocked_until = moved.starts_at + timedelta(hours=1)
        moved.sequence += 1
        moved.save()
        reminder_rows_sync(appointment=moved)
    [worker] = start_workers(1)

    assert send_results([worker], at_least=4).count("True") == 2
    kept_ids = list(kept.reminders.values_list("pk", flat=True))
    wait_until_sent(kept_ids)
    assert mailed(smtp_sink) == Counter(kept_ids)
    assert {(r.session_starts_at, r.status) for r in moved.reminders.all()} == {
        (old_time, Reminder.Status.SKIPPED),
        (moved.starts_at, Reminder.Status.PENDING),
    }


def test_a_worker_killed_mid_send_loses_no_reminder(
    cohort: Cohort,
    smtp_sink: SmtpSink,
    start_workers: Callable[..., list[Worker]],
    settings,
) -> None:
    settings.REMINDER_CLAIM_STALE_SECONDS = 2
    ids = due_reminders(cohort, sessions=4)
    victim_id, others = ids[0], ids[1:]
    assert reminders_dispatch_task() == len(ids)  # queued: no worker runs yet
    # Hold the first reminder's row from another connection, so the worker's send of it waits
    # mid-task; then kill the worker there, the way a lost machine stops.
    locker = psycopg2.connect(database_url())
    try:
        with locker.cursor() as cursor:
            cursor.execute(
                "SELECT id FROM sessions_app_reminder WHERE id = %s FOR UPDATE", [victim_id]
            )
        [victim] = start_workers(1)
        wait_until(
            partial(a_query_waits_for_a_lock, "%sessions_app_reminder%"),
            timeout=20,
            what="the send to wait",
        )
        victim.process.kill()
        victim.process.wait()
    finally:
        locker.close()
    [survivor] = start_workers(1)

    wait_for_mail(smtp_sink, others)
    wait_until_sent(others)
    assert Reminder.objects.get(pk=victim_id).status == Reminder.Status.CLAIMED
    reclaimed: list[int] = []

    def rescanned() -> bool:  # beat's next runs: the dead worker's claim goes stale
        reclaimed.append(reminders_dispatch_task())
        return sum(reclaimed) > 0

    wait_until(rescanned, timeout=20, what="the stale claim to be claimed again")
    assert sum(reclaimed) == 1
    wait_for_mail(smtp_sink, [victim_id])
    wait_until_sent(ids)
    assert mailed(smtp_sink) == Counter(ids)
    assert survivor.task_runs(SEND_TASK)


def test_a_mail_connection_the_server_dropped_costs_a_retry_not_a_reminder(
    pairing: Pairing,
    other_pairing: Pairing,
    smtp_port: int,
    start_workers: Callable[..., list[Worker]],
) -> None:
    before = list(book_half_an_hour_ahead(pairing).reminders.values_list("pk", flat=True))
    [worker] = start_workers(1)
    with SmtpSink(smtp_port) as sink:
        assert reminders_dispatch_task() == 2
        wait_for_mail(sink, before)
        wait_until_sent(before)
    # The worker keeps its connection to the server that just went away.
    after = list(book_half_an_hour_ahead(other_pairing).reminders.values_list("pk", flat=True))

    with SmtpSink(smtp_port) as sink:
        assert reminders_dispatch_task() == 2
        wait_for_mail(sink, after)  # retry_backoff=5: after 5 seconds
        wait_until_sent(after)
        assert mailed(sink) == Counter(after)
    retry = rf"{re.escape(SEND_TASK)}\[[\w-]+\] retry: Retry in \d+s: SMTPServerDisconnected"
    assert len(re.findall(retry, worker.log())) == 1


def test_a_session_booked_inside_the_hour_mails_each_person_one_starting_soon_notice(
    pairing: Pairing, smtp_sink: SmtpSink, start_workers: Callable[..., list[Worker]]
) -> None:
    start_workers(2)
    scanning = threading.Event()
    scans: list[int] = []

    def scan_while_booking() -> None:
        try:
            while not scanning.is_set():
                scans.append(reminders_dispatch_task())
        finally:
            connection.close()

    scanner = threading.Thread(target=scan_while_booking)
    scanner.start()
    try:
        with transaction.atomic():  # booked 20 minutes ahead, as the booking service does it
            appointment = AppointmentFactory(
                pairing=pairing,
                starts_at=timezone.now() + timedelta(minutes=20),
                video_url="https://meet.jit.si/mentoring-integration",
            )
            reminder_rows_sync(appointment=appointment)
        ids = list(appointment.reminders.values_list("pk", flat=True))
        assert len(ids) == 2
        wait_for_mail(smtp_sink, ids)
        wait_until_sent(ids)
    finally:
        scanning.set()
        scanner.join()

    assert reminders_dispatch_task() == 0
    assert mailed(smtp_sink) == Counter(ids)
    subjects = {m["To"]: m["Subject"] for m in smtp_sink.messages}
    assert subjects.keys() == {pairing.mentee.email, pairing.mentor.email}
    assert subjects[pairing.mentee.email].startswith("[Mentoring] Starting soon: session with Bob")
    assert subjects[pairing.mentor.email].startswith("[Mentoring] Starting soon: session with Ali")
    assert sum(scans) == 0  # the scan never took a notice that was already on its way
