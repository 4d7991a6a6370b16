"""Faults at full length, run by hand: the mail server down for ten minutes with production's retry
schedule, and PostgreSQL restarted under gunicorn and a Celery worker.

    REDIS_URL is not needed: the benchmark starts a Redis of its own (broker and cache) on a
    free port, and a PostgreSQL cluster of its own for the restart, so nothing else is touched.

    BENCH_DATABASE=<db> python -m bench.faults            # about 20 minutes
    FAULTS_OUTAGE_SECONDS=60 python -m bench.faults       # a quick look

Part 1: two workers (prefork, as in production, EMAIL_RETRY_* unset so production's 5 s
doubling to 10 minutes, 10 retries) and beat's minute scans run here. Nothing listens on the
SMTP port for FAULTS_OUTAGE_SECONDS; meanwhile every WAVE_EVERY seconds emails of five kinds
fall due (account emails, invites, reminders, a message notification, an announcement), each to
an address of its own. Then a sink starts; the benchmark waits for every address, then a while
longer for duplicates.

Part 2: a private PostgreSQL cluster, migrated, served by gunicorn (gunicorn.conf.py, 2
workers) and a Celery worker; `pg_ctl restart -m fast` while a client loads the dashboard
without pause; then a welcome email task.
"""

import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from bench.harness import ROOT, database_url, report, setup_django

OUTAGE = float(os.environ.get("FAULTS_OUTAGE_SECONDS", "600"))
WAVES = 6  # emails fall due at the start of the outage, then every OUTAGE / 5, last just before
PER_KIND = 5  # per wave: 5 of each kind, reminders 10 (one per person of 5 sessions)
SCAN_EVERY = 60.0  # beat's minute scans
DEADLINE = 45 * 60.0  # longest wait for the last email after the outage (production: 40 min)
LINGER = float(os.environ.get("FAULTS_LINGER_SECONDS", "120"))  # then this long for a duplicate
RESTART_CLIENT_SECONDS = 10.0  # the dashboard loaded without pause for this long after restart
RETRY_LINE = re.compile(r"\] retry: Retry in")
GAVE_UP = re.compile(r"raised unexpected")


class PrivateRedis:
    def __init__(self, port: int) -> None:
        self.port = port
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.5)

    def url(self, db: int) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _log_count(workers: list, pattern: re.Pattern) -> int:
    return sum(len(pattern.findall(worker.log())) for worker in workers)


def _beat(stop: threading.Event) -> None:
    """Beat's minute scans, as production runs them during the outage."""
    from django.db import connection

    from notifications.tasks import notifications_dispatch_task
    from oversight.tasks.outreach import announcements_resume_task
    from sessions_app.tasks.reminders import reminders_dispatch_task

    while not stop.wait(SCAN_EVERY):
        reminders_dispatch_task()
        notifications_dispatch_task()
        announcements_resume_task()
        connection.close()


def _wait(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)
    return True


def smtp_outage(worker_env: dict[str, str], folder: Path) -> dict:
    from tests.factories import CohortFactory, UserFactory
    from tests.integration.cluster import CeleryWorker, free_port
    from tests.integration.outage import copies_by_address, mail_made_due
    from tests.integration.support import SmtpSink

    smtp_port = free_port()
    env = {**worker_env, "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}"}
    for name in ("EMAIL_RETRY_BACKOFF", "EMAIL_RETRY_BACKOFF_MAX", "EMAIL_RETRIES"):
        env.pop(name, None)  # production's schedule
    workers = [
        CeleryWorker(env=env, concurrency=1, log_path=folder / f"worker{n}.log") for n in range(2)
    ]
    stop_beat = threading.Event()
    beat = threading.Thread(target=_beat, args=(stop_beat,), daemon=True)
    try:
        for worker in workers:
            worker.wait_ready()
        admin = UserFactory(email="admin@faults.example.org")
        cohort = CohortFactory(admins=[admin])
        beat.start()
        expected: set[str] = set()
        by_kind: dict[str, int] = {}
        down_at = time.monotonic()
        for wave in range(WAVES):
            at = min(wave * OUTAGE / (WAVES - 1), OUTAGE - 15)
            time.sleep(max(0.0, down_at + at - time.monotonic()))
            for kind, addresses in mail_made_due(
                tag=f"w{wave}", per_kind=PER_KIND, cohort=cohort, by=admin
            ).items():
                expected |= set(addresses)
                by_kind[kind] = by_kind.get(kind, 0) + len(addresses)
            print(
                f"{time.monotonic() - down_at:6.0f} s: wave {wave}, {len(expected)} due", flush=True
            )
        time.sleep(max(0.0, down_at + OUTAGE - time.monotonic()))
        tries_during = _log_count(workers, RETRY_LINE)
        with SmtpSink(smtp_port) as sink:
            up_at = time.monotonic()
            print(f"{up_at - down_at:6.0f} s: the mail server answers again", flush=True)
            complete = _wait(lambda: set(copies_by_address(sink.messages)) >= expected, DEADLINE)
            all_sent_after = time.monotonic() - up_at
            print(f"{time.monotonic() - down_at:6.0f} s: complete={complete}", flush=True)
            time.sleep(LINGER)
            copies = copies_by_address(sink.messages)
    finally:
        stop_beat.set()
        for worker in workers:
            worker.stop()
    return {
        "smtp_outage_seconds": round(up_at - down_at, 1),  # longer than OUTAGE if a wave ran late
        "emails_due_during_fault": len(expected),
        "due_by_kind": by_kind,
        "emails_sent_after": len(set(copies) & expected),
        "emails_missing": len(expected - set(copies)),
        "duplicates": sum(n - 1 for n in copies.values() if n > 1),
        "last_email_seconds_after_smtp_returned": round(all_sent_after, 1),
        "failed_tries_during_outage": tries_during,
        "tasks_given_up": _log_count(workers, GAVE_UP),
    }


def postgres_restart(worker_env: dict[str, str], folder: Path) -> dict:
    from accounts.tasks import user_welcome_send_task
    from tests.integration.cluster import (
        CeleryWorker,
        Gunicorn,
        PrivateCluster,
        app_shell,
        free_port,
        manage,
        signed_in_session,
    )
    from tests.integration.support import SmtpSink

    smtp_port = free_port()
    with PrivateCluster() as cluster, SmtpSink(smtp_port) as sink:
        env = {
            **worker_env,
            "DATABASE_URL": cluster.create_database("faults"),
            "CONN_MAX_AGE": "600",
            "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
            "WEB_CONCURRENCY": "2",
        }
        manage(env, "migrate", "--noinput")
        cookie = {"Cookie": f"sessionid={signed_in_session(env, 'restart@faults.example.org')}"}
        user_ids = app_shell(
            env,
            "from tests.factories import UserFactory\n"
            "print(','.join(str(UserFactory(welcome_email_sent_at=None).pk) for _ in range(2)))",
        ).split(",")
        web = Gunicorn(env=env, workers=2, log_path=folder / "gunicorn.log")
        worker = CeleryWorker(env=env, concurrency=1, log_path=folder / "pg-worker.log")
        try:
            web.wait_ready()
            worker.wait_ready()
            for _ in range(20):
                web.get("/dashboard/", headers=cookie)
            user_welcome_send_task.delay(int(user_ids[0]))
            _wait(lambda: len(sink.messages) == 1, 30)
            web_pids, worker_pids = web.worker_pids(), worker.pids()

            results: list[tuple[float, int]] = []
            stop = threading.Event()

            def client() -> None:
                while not stop.is_set():
                    results.append((time.monotonic(), web.get("/dashboard/", headers=cookie)[0]))

            clients = [threading.Thread(target=client) for _ in range(2)]
            for thread in clients:
                thread.start()
            time.sleep(2)
            issued = time.monotonic()
            cluster.restart()
            returned = time.monotonic()
            user_welcome_send_task.delay(int(user_ids[1]))
            time.sleep(RESTART_CLIENT_SECONDS)
            stop.set()
            for thread in clients:
                thread.join()
            task_done = _wait(lambda: len(sink.messages) == 2, 30)
            same_web = web.worker_pids() == web_pids
            same_celery = worker.pids() == worker_pids
        finally:
            web.stop()
            worker.stop()
    during = [status for at, status in results if issued <= at < returned]
    after = [(at, status) for at, status in results if at >= returned]
    first_ok = next((at for at, status in after if status == 200), None)
    return {
        "pg_restart_seconds": round(returned - issued, 2),
        "requests_during_restart": len(during),
        "requests_failed_during_restart": sum(status != 200 for status in during),
        "requests_after_restart": len(after),
        "requests_failed_after_restart": sum(status != 200 for _, status in after),
        "recovery_seconds": round(first_ok - returned, 3) if first_ok else None,
        "task_after_restart_done": task_done,
        "same_web_workers": same_web,
        "same_celery_processes": same_celery,
        "worker_operational_errors": worker.log().count("OperationalError"),
    }


def main() -> None:
    from tests.integration.cluster import free_port

    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's line per SMTP command
    folder = Path(tempfile.mkdtemp(prefix="bench-faults-"))
    redis_server = PrivateRedis(free_port())
    os.environ["REDIS_URL"] = redis_server.url(0)
    os.environ["CACHE_URL"] = redis_server.url(1)
    os.environ["CELERY_BROKER_URL"] = redis_server.url(0)
    os.environ["SITE_URL"] = "http://127.0.0.1:8000"
    try:
        setup_django()
        worker_env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
            "DEBUG": "1",
            "DATABASE_URL": database_url(),
            "PYTHONUNBUFFERED": "1",
            "PYTHONPATH": str(ROOT),
        }
        started = time.monotonic()
        figures = smtp_outage(worker_env, folder)
        figures |= postgres_restart(worker_env, folder)
        figures["seconds"] = round(time.monotonic() - started)
        figures["loadavg"] = Path("/proc/loadavg").read_text().split()[:3]
    finally:
        redis_server.stop()
    report(
        "faults",
        [(name, value) for name, value in figures.items()]
        + [("logs", str(folder)), ("python", sys.version.split()[0])],
        figures,
    )


if __name__ == "__main__":
    main()
