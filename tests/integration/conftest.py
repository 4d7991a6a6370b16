"""Fixtures for integration tests: tasks go through Redis to real workers that mail a real sink."""

import uuid
from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest

from mentoring.celery import app as celery_app
from tests.integration.support import SmtpSink, Worker, free_port, worker_env

WORKER_LOGS = pytest.StashKey[list[Path]]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Show the workers' logs under a failed test: what went wrong happened over there."""
    report = yield
    if report.failed:
        for path in item.stash.get(WORKER_LOGS, []):
            if path.exists():
                report.sections.append(
                    (f"worker log {path.name}", path.read_text(errors="replace"))
                )
    return report


@pytest.fixture(autouse=True)
def _tasks_go_through_the_broker() -> Iterator[None]:
    """Publish tasks to Redis instead of running them here, on an empty queue."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    # Messages left by an earlier run or test would reach our workers and send stray mail.
    celery_app.control.purge()
    # A worker killed mid-task leaves its message unacked; Redis would hand it to a later run's
    # worker once the visibility timeout (1 h) passes.
    with celery_app.connection_for_write() as conn:
        conn.default_channel.client.delete("unacked", "unacked_index")
    yield
    celery_app.control.purge()
    celery_app.conf.task_always_eager = eager


@pytest.fixture
def smtp_port() -> int:
    """The port the workers send mail to; nothing listens until a sink starts on it."""
    return free_port()


@pytest.fixture
def smtp_sink(smtp_port: int) -> Iterator[SmtpSink]:
    with SmtpSink(smtp_port) as sink:
        yield sink


@pytest.fixture
def start_workers(
    transactional_db: None, request: pytest.FixtureRequest, tmp_path: Path, smtp_port: int
) -> Iterator[Callable[..., list[Worker]]]:
    """Start worker processes (all at once, then wait for each) and stop them after the test.

    Depends on transactional_db so the workers stop before the tables are flushed: a worker
    mid-task could hold a row lock that the flush waits for.
    """
    workers: list[Worker] = []
    request.node.stash[WORKER_LOGS] = []

    def start(count: int = 1) -> list[Worker]:
        started = []
        for _ in range(count):
            name = f"integration-{uuid.uuid4().hex[:8]}"
            log_path = tmp_path / f"{name}.log"
            request.node.stash[WORKER_LOGS].append(log_path)
            worker = Worker(
                hostname=f"{name}@localhost", log_path=log_path, env=worker_env(smtp_port=smtp_port)
            )
            workers.append(worker)
            started.append(worker)
        for worker in started:
            worker.wait_ready()
        return started

    yield start
    for worker in workers:
        worker.stop()


@pytest.fixture
def worker(start_workers: Callable[..., list[Worker]]) -> Worker:
    return start_workers()[0]
