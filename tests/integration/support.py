"""The real parts integration tests talk to: an SMTP sink and Celery worker processes.

Tasks leave the test process through Redis and run in a separate `celery worker` process that
reads the test database and sends to the sink; the tests read what the sink received.
"""

import asyncio
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType
from typing import NamedTuple, Self
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from django.conf import settings
from django.db import connection

from mentoring.celery import app as celery_app

SITE_URL = "http://testserver"  # what the test client's links start with, in the worker's mail
WORKER_READY_TIMEOUT = 45.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(condition: Callable[[], bool], *, timeout: float, what: str) -> None:
    """Poll until `condition()` holds; fail with `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out after {timeout:.0f} s waiting for {what}.")
        time.sleep(0.1)


def a_query_waits_for_a_lock(query_like: str) -> bool:
    """Whether a backend of this database waits on a row lock in a query LIKE `query_like`:
    a worker's task stopped mid-way behind a row the test holds from another connection."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND query LIKE %s",
            [query_like],
        )
        return cursor.fetchone()[0] > 0


def text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    assert part is not None, f"no text/plain part in {message['Subject']!r}"
    return part.get_content()


def is_addressed_to(message: EmailMessage, address: str) -> bool:
    return any(a.addr_spec == address for a in message["To"].addresses)


class SmtpSink:
    """A real SMTP server on 127.0.0.1 that keeps every message it accepts.

    `delay` holds each DATA command that long before accepting, so a test can keep a sender
    busy mid-send.
    """

    def __init__(self, port: int, *, delay: float = 0.0) -> None:
        self.port = port
        self.delay = delay
        self._messages: list[EmailMessage] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._messages.append(message)
        return "250 Message accepted for delivery"

    @property
    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)

    def matching(self, predicate: Callable[[EmailMessage], bool]) -> list[EmailMessage]:
        return [m for m in self.messages if predicate(m)]

    def wait_for(
        self, predicate: Callable[[EmailMessage], bool], *, timeout: float = 20.0
    ) -> EmailMessage:
        """The first message that satisfies `predicate`, once it has arrived."""
        deadline = time.monotonic() + timeout
        while not (found := self.matching(predicate)):
            if time.monotonic() > deadline:
                received = [(m["To"], m["Subject"]) for m in self.messages]
                pytest.fail(
                    f"No matching email reached the SMTP sink within {timeout:.0f} s; "
                    f"it received {received or 'nothing'}."
                )
            time.sleep(0.1)
        return found[0]

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class TaskRun(NamedTuple):
    task_id: str
    worker: str  # the worker's hostname
    value: str  # the return value as the worker logged it
    seconds: float


class LoggedProcess:
    """A process of ours (worker, beat, gunicorn) with its output kept in a log file, stopped
    with SIGTERM (a graceful shutdown: a task in progress finishes first) or killed after
    `stop_timeout` seconds."""

    stop_timeout = 15.0

    def __init__(self, argv: list[str], *, env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self._log_file = log_path.open("wb")
        self.process = subprocess.Popen(
            argv, cwd=settings.BASE_DIR, env=env, stdout=self._log_file, stderr=subprocess.STDOUT
        )

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=self.stop_timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._log_file.close()


def celery_argv(command: str, *options: str) -> list[str]:
    """`celery -A mentoring <command> <options>` with this interpreter."""
    return [sys.executable, "-m", "celery", "-A", "mentoring", command, *options]


class Worker(LoggedProcess):
    """A `celery worker` process of this project (one task at a time)."""

    def __init__(self, *, hostname: str, log_path: Path, env: dict[str, str]) -> None:
        self.hostname = hostname
        super().__init__(
            celery_argv(
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-heartbeat",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
                f"--hostname={hostname}",
            ),
            env=env,
            log_path=log_path,
        )

    def wait_ready(self, timeout: float = WORKER_READY_TIMEOUT) -> None:
        ready = f"{self.hostname} ready."
        deadline = time.monotonic() + timeout
        while ready not in self.log():
            if self.process.poll() is not None:
                pytest.fail(f"Worker {self.hostname} exited with {self.process.returncode}.")
            if time.monotonic() > deadline:
                pytest.fail(f"Worker {self.hostname} was not ready within {timeout:.0f} s.")
            time.sleep(0.1)

    def task_runs(self, task_name: str) -> list[TaskRun]:
        """The runs of `task_name` this worker finished, from its log."""
        pattern = re.compile(
            rf"Task {re.escape(task_name)}\[(?P<id>[\w-]+)\] succeeded in "
            rf"(?P<seconds>[\d.]+)s: (?P<value>.*)"
        )
        return [
            TaskRun(m["id"], self.hostname, m["value"].strip(), float(m["seconds"]))
            for m in pattern.finditer(self.log())
        ]


def database_url() -> str:
    """The database this test runs on (pytest-django's `test_` copy), as a DATABASE_URL."""
    db = connection.settings_dict
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = quote(db["HOST"] or "127.0.0.1", safe="")  # a socket directory needs its / escaped
    port = db["PORT"] or 5432
    return f"postgres://{credentials}{host}:{port}/{quote(db['NAME'], safe='')}"


def worker_env(*, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        # base, not test: the worker runs as in production, only pointed at the test's services.
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "REDIS_URL": settings.REDIS_URL,
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": SITE_URL,
        "PYTHONUNBUFFERED": "1",
    }
