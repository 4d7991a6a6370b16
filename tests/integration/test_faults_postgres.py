"""PostgreSQL restarted under a running site: gunicorn's workers and a Celery worker go on serving
with no restart of their own, and not one request fails once the database is back.

The database is a cluster of this test's own (the machine's shared server is never stopped):
migrated, then served by a real gunicorn (gunicorn.conf.py, 2 workers, persistent connections)
and a real prefork Celery worker; then `pg_ctl restart -m fast` ends every connection they hold.
"""

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

from accounts.tasks import user_welcome_send_task
from mentoring.celery import app as celery_app
from tests.integration.cluster import (
    CeleryWorker,
    Gunicorn,
    PrivateCluster,
    app_shell,
    manage,
    signed_in_session,
)
from tests.integration.support import SITE_URL, SmtpSink, is_addressed_to

pytestmark = pytest.mark.integration

CLIENTS = 4
REQUESTS_EACH = 10


def stack_env(*, database_url: str, smtp_port: int) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
        "DEBUG": "1",
        "DATABASE_URL": database_url,
        "CONN_MAX_AGE": "600",  # the connections outlive the restart: the case to survive
        "REDIS_URL": settings.REDIS_URL,
        "CACHE_URL": settings.CACHES["default"]["LOCATION"],
        "CELERY_BROKER_URL": celery_app.conf.broker_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "SITE_URL": SITE_URL,
        "WEB_CONCURRENCY": "2",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture
def cluster() -> Iterator[PrivateCluster]:
    with PrivateCluster() as cluster:
        yield cluster


def new_people_awaiting_welcome(env: dict[str, str], count: int) -> list[int]:
    code = (
        "from tests.factories import UserFactory\n"
        f"print(','.join(str(UserFactory(welcome_email_sent_at=None).pk) for _ in range({count})))"
    )
    return [int(pk) for pk in app_shell(env, code).split(",")]


def dashboard_statuses(web: Gunicorn, cookie: str) -> list[int]:
    """CLIENTS people at once, each loading the dashboard REQUESTS_EACH times."""
    statuses: list[int] = []

    def client() -> None:
        for _ in range(REQUESTS_EACH):
            statuses.append(web.get("/dashboard/", headers={"Cookie": cookie})[0])

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statuses


def test_web_and_celery_workers_recover_from_a_database_restart_by_themselves(
    cluster: PrivateCluster, smtp_port: int, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    env = stack_env(database_url=cluster.create_database("faults"), smtp_port=smtp_port)
    manage(env, "migrate", "--noinput")
    cookie = f"sessionid={signed_in_session(env, 'restart@faults.example.org')}"
    before, after = new_people_awaiting_welcome(env, 2)
    web = Gunicorn(env=env, workers=2, log_path=tmp_path / "gunicorn.log")
    worker = CeleryWorker(env=env, concurrency=1, log_path=tmp_path / "worker.log")
    try:
        web.wait_ready()
        worker.wait_ready()
        assert set(dashboard_statuses(web, cookie)) == {200}
        user_welcome_send_task.delay(before)
        smtp_sink.wait_for(lambda m: "Welcome" in m["Subject"], timeout=30)
        web_pids, worker_pids = web.worker_pids(), worker.pids()
        # Kept open (CONN_MAX_AGE, CELERY_DB_REUSE_MAX): the restart breaks them under the
        # processes' feet.
        assert cluster.connections("faults") >= 2

        cluster.restart()  # returns once the database accepts connections again
        restarted = time.monotonic()
        statuses = dashboard_statuses(web, cookie)
        recovered_in = time.monotonic() - restarted
        user_welcome_send_task.delay(after)
        welcomed = len(smtp_sink.messages)
        deadline = time.monotonic() + 30
        while len(smtp_sink.messages) == welcomed and time.monotonic() < deadline:
            time.sleep(0.1)

        failed = [status for status in statuses if status != 200]
        print(
            f"\nPostgreSQL restarted: {len(statuses)} dashboard requests after it, "
            f"{len(failed)} failed, all answered in {recovered_in:.2f} s"
        )
        assert not failed, f"requests failed right after the restart: {failed}"
        assert len(smtp_sink.messages) == 2, (
            "the task sent after the restart did not send its email:\n" + worker.log()
        )
        assert "OperationalError" not in worker.log()
        assert web.worker_pids() == web_pids  # no gunicorn worker died or was replaced
        assert worker.pids() == worker_pids  # the same worker processes did the task
        addresses = [m["To"].addresses[0].addr_spec for m in smtp_sink.messages]
        assert len(set(addresses)) == 2
        assert all(is_addressed_to(m, m["To"].addresses[0].addr_spec) for m in smtp_sink.messages)
    finally:
        web.stop()
        worker.stop()
