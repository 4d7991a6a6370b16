"""/metrics under gunicorn with several workers (PROMETHEUS_MULTIPROC_DIR, gunicorn.conf.py): every
scrape, whichever worker answers it, counts the requests of all workers."""

import os
import threading
from pathlib import Path

import pytest
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.cluster import Gunicorn
from tests.integration.support import database_url

pytestmark = pytest.mark.django_db

TOKEN = "metrics-token-for-the-multiprocess-test"
WORKERS = 2
CLIENTS = 6
REQUESTS_EACH = 25
COUNTER = "django_http_requests_total_by_view_transport_method_total"


def healthz_requests_counted(body: str) -> float:
    return sum(
        sample.value
        for family in text_string_to_metric_families(body)
        for sample in family.samples
        if sample.name == COUNTER and sample.labels.get("view") == "healthz"
    )


def healthz_requests_by_worker(folder: Path) -> dict[str, float]:
    """What each worker's own file in the metrics folder counted."""
    counted = {}
    for path in folder.glob("counter_*.db"):
        families = MultiProcessCollector.merge([str(path)], accumulate=False)
        counted[path.stem.removeprefix("counter_")] = sum(
            sample.value
            for family in families
            for sample in family.samples
            if sample.name == COUNTER and sample.labels.get("view") == "healthz"
        )
    return counted


def test_every_scrape_adds_up_the_requests_of_every_gunicorn_worker(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.test",
        "DATABASE_URL": database_url(),
        "PROMETHEUS_MULTIPROC_DIR": str(folder),
        "METRICS_TOKEN": TOKEN,
    }
    web = Gunicorn(env=env, workers=WORKERS, log_path=tmp_path / "gunicorn.log")
    try:
        web.wait_ready()
        pids = web.worker_pids()
        statuses: list[int] = []

        def client() -> None:
            for _ in range(REQUESTS_EACH):
                statuses.append(web.get("/healthz")[0])

        threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert set(statuses) == {200}
        # wait_ready's probes count too: at least one per worker, counted by whoever served it.
        scrapes = [
            web.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}) for _ in range(12)
        ]
        by_worker = healthz_requests_by_worker(folder)
    finally:
        web.stop()

    assert set(by_worker) == {str(pid) for pid in pids}
    assert sum(1 for n in by_worker.values() if n) >= 2, f"one worker served all: {by_worker}"
    counted = [healthz_requests_counted(body.decode()) for status, body in scrapes]
    assert all(status == 200 for status, _ in scrapes)
    sent = CLIENTS * REQUESTS_EACH
    # Each scrape sees the requests of every worker: never fewer than were sent, and the same
    # total whichever worker answered.
    assert min(counted) >= sent, counted
    assert len(set(counted)) == 1, counted
    print(f"\n/healthz served by worker: {by_worker}; every scrape counted {counted[0]:.0f}")
