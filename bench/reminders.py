"""10,000 due reminders through real Celery workers and an SMTP sink; one worker killed mid-run.

Target (DESIGN.md): <= 60 s from the first scan to the last reminder accepted by the sink, zero
duplicates (a reminder mailed twice) and zero lost (a reminder never mailed), with one worker
killed by SIGKILL once mid-run and started again.

The rows are written straight into PostgreSQL (not timed). Two `celery worker` processes (a
pool of two each, warnings-only logs) send; this process scans as beat does, but every second
instead of every minute, so the killed worker's claim is claimed again within the run once it
is REMINDER_CLAIM_STALE_SECONDS (here 20 s) old. The sink counts the messages per
X-Reminder-Id header.

Redis: BENCH_REDIS_URL, a database of its own that the benchmark empties first (default
redis://127.0.0.1:6379/15). BENCH_WORKER_SETTINGS names another settings module for the
workers (on PYTHONPATH), to measure a settings change before making it.
"""

import logging
import os
import random
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from tempfile import TemporaryDirectory

from aiosmtpd.controller import Controller

from bench.harness import (
    report,
    setup_django,
    worker_errors,
    worker_start,
    workers_wait_ready,
)

REMINDERS = int(os.environ.get("BENCH_REMINDERS", 10_000))
WORKERS = 2
CONCURRENCY = 2  # processes per worker: while one waits for PostgreSQL or SMTP, another runs
BROKER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
STALE_SECONDS = 20  # production: 5 minutes; shorter here so the kill is recovered within the run
SCAN_EVERY = 1.0
KILL_AFTER = 0.4  # kill a worker once this share of the reminders reached the sink
DEADLINE = 180.0  # give up waiting for the rest after this many seconds
TARGET_SECONDS = 60
# The workers run as in production; another module (on PYTHONPATH) measures a settings change.
WORKER_SETTINGS = os.environ.get("BENCH_WORKER_SETTINGS", "mentoring.settings.base")
REMINDER_ID = re.compile(rb"^X-Reminder-Id: (\d+)\r?$", re.MULTILINE)
MODES = ["video", "video", "phone", "in_person", "chat"]


class Sink:
    """An SMTP server that counts the messages it accepts per X-Reminder-Id."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.last_at = 0.0
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope) -> str:
        found = REMINDER_ID.search(envelope.content)
        reminder_id = found[1].decode() if found else None
        with self._lock:
            self.counts[reminder_id] += 1
            self.last_at = time.perf_counter()
        return "250 Message accepted for delivery"

    def received(self) -> int:
        with self._lock:
            return sum(self.counts.values())


def _generate() -> list[int]:
    """Sessions for 2,500 pairings, all starting within the day, and one due reminder for
    each person of each session: REMINDERS rows, pending, due a minute ago."""
    from django.utils import timezone

    from accounts.models import Profile, User
    from bench.harness import bench_organisation
    from pairings.models import Pairing
    from programmes.models import Cohort
    from sessions_app.models import Appointment, Reminder

    rng = random.Random(2027)
    now = timezone.now()
    sessions = REMINDERS // 2
    pairings_count = min(sessions, 2500)
    cohort = Cohort.objects.create(
        organisation=bench_organisation(),
        name="Bench cohort",
        starts_on=now.date(),
        ends_on=now.date() + timedelta(days=180),
        enrolment_deadline=now.date(),
    )
    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    users = User.objects.bulk_create(
        User(email=f"r{i}@bench.example", display_name=f"Person {i}", timezone=rng.choice(zones))
        for i in range(2 * pairings_count)
    )
    Profile.objects.bulk_create(Profile(user=user, city="London") for user in users)
    pairings = Pairing.objects.bulk_create(
        Pairing(
            cohort=cohort,
            mentor=users[i],
            mentee=users[pairings_count + i],
            status=Pairing.Status.ACTIVE,
            accepted_at=now,
        )
        for i in range(pairings_count)
    )
    appointments = []
    for n in range(sessions):
        pairing = pairings[n % pairings_count]
        starts_at = now + timedelta(hours=2 + 2 * (n // pairings_count))
        mode = rng.choice(MODES)
        appointments.append(
            Appointment(
                pairing=pairing,
                mentor_id=pairing.mentor_id,
                mentee_id=pairing.mentee_id,
                starts_at=starts_at,
                ends_at=starts_at + timedelta(hours=1),
                blocked_from=starts_at,
                blocked_until=starts_at + timedelta(hours=1),
                mode=mode,
                video_url=f"https://meet.jit.si/bench-{n}" if mode == "video" else "",
                place="Café Nero, 12 King Street" if mode == "in_person" else "",
            )
        )
    appointments = Appointment.objects.bulk_create(appointments)
    reminders = Reminder.objects.bulk_create(
        Reminder(
            appointment=appointment,
            recipient_id=person,
            offset_minutes=24 * 60,
            session_starts_at=appointment.starts_at,
            due_at=now - timedelta(minutes=1),
        )
        for appointment in appointments
        for person in (appointment.mentor_id, appointment.mentee_id)
    )
    return [r.pk for r in reminders]


def _worker(name: str, smtp_port: int, log_dir: Path) -> subprocess.Popen:
    return worker_start(
        name,
        broker=BROKER,
        log_dir=log_dir,
        concurrency=CONCURRENCY,
        settings=WORKER_SETTINGS,
        EMAIL_URL=f"smtp://127.0.0.1:{smtp_port}",
    )


def main() -> None:
    os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = BROKER
    os.environ["CACHE_URL"] = BROKER
    setup_django()
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's line per SMTP command
    import redis
    from django.db import connection
    from django.test.utils import override_settings
    from django.utils import timezone

    from sessions_app.models import Reminder
    from sessions_app.services.reminders import reminders_dispatch

    redis.Redis.from_url(BROKER).flushdb()  # no message of an earlier run may come back
    started = time.perf_counter()
    ids = _generate()
    generate_s = time.perf_counter() - started

    sink = Sink()
    sink.controller.start()
    smtp_port = sink.port
    done = threading.Event()
    scans: list[int] = []

    def scan() -> None:
        with override_settings(REMINDER_CLAIM_STALE_SECONDS=STALE_SECONDS):
            while not done.is_set():
                scans.append(reminders_dispatch(now=timezone.now()))
                done.wait(SCAN_EVERY)
        connection.close()

    with TemporaryDirectory() as log_dir:
        workers = [_worker(f"bench-{n}", smtp_port, Path(log_dir)) for n in range(WORKERS)]
        workers_wait_ready(WORKERS)
        started = time.perf_counter()
        scanner = threading.Thread(target=scan)
        scanner.start()
        killed_worker = False
        kill_s = None
        while time.perf_counter() - started < DEADLINE:
            received = len(sink.counts)
            if not killed_worker and received >= KILL_AFTER * len(ids):
                os.killpg(workers[0].pid, signal.SIGKILL)  # the machine it ran on is gone
                workers[0].wait()
                kill_s = time.perf_counter() - started
                killed_worker = True
                workers[0] = _worker("bench-0-restarted", smtp_port, Path(log_dir))
            if received >= len(ids):
                break
            time.sleep(0.05)
        seconds = (sink.last_at or time.perf_counter()) - started
        time.sleep(2)  # a duplicate would come now, if it came at all
        done.set()
        scanner.join()
        for worker in workers:
            worker.terminate()
            worker.wait(timeout=30)
        sink.controller.stop()
        errors = worker_errors(Path(log_dir))

    counts = {int(k): v for k, v in sink.counts.items() if k is not None}
    duplicates = sum(count - 1 for count in counts.values() if count > 1)
    lost = len(set(ids) - set(counts))
    statuses = Counter(Reminder.objects.values_list("status", flat=True))
    report(
        "reminders",
        [
            ("due reminders", f"{len(ids)} (rows written in {generate_s:.1f} s, not timed)"),
            ("workers", f"{WORKERS} celery workers x {CONCURRENCY} processes, Redis, SMTP sink"),
            ("worker settings", WORKER_SETTINGS),
            ("first scan -> last mail accepted", f"{seconds:.1f} s"),
            ("throughput", f"{len(counts) / seconds:.0f} reminders/s"),
            ("worker killed (SIGKILL) at", f"{kill_s:.1f} s, restarted" if kill_s else "never"),
            ("stale-claim timeout (bench)", f"{STALE_SECONDS} s"),
            ("claimed by scans", f"{sum(scans)} in {len(scans)} scans"),
            ("mails received", sink.received()),
            ("duplicates", duplicates),
            ("lost", lost),
            ("rows by status", dict(statuses)),
            ("errors in worker logs", len(errors)),
        ],
        {
            "seconds": round(seconds, 1),
            "duplicates": duplicates,
            "lost": lost,
            "killed_worker": killed_worker,
            "target_met": seconds <= TARGET_SECONDS
            and duplicates == 0
            and lost == 0
            and killed_worker,
        },
    )


if __name__ == "__main__":
    main()
