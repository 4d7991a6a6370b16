"""gunicorn.conf.py: it loads, sizes the workers from the CPUs and serves the app."""

import contextlib
import os
import runpy
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")


def environment(**variables: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "mentoring.settings.test", **variables}


def test_the_config_passes_gunicorns_own_check():
    result = subprocess.run(
        [GUNICORN, "--check-config", "-c", "gunicorn.conf.py", "mentoring.wsgi:application"],
        cwd=ROOT,
        env=environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("cpus", "cap", "expected"),
    [(1, None, 3), (2, None, 5), (4, "", 9), (4, "3", 3), (2, "50", 5), (2, "0", 1)],
)
def test_workers_are_two_per_cpu_plus_one_capped_by_web_concurrency(cpus, cap, expected):
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["worker_count"](cpus, cap) == expected


def test_the_limits_are_set(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "2")
    monkeypatch.setenv("GUNICORN_TIMEOUT", "45")
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["workers"] <= 2
    assert config["timeout"] == 45
    assert config["graceful_timeout"] == 30
    assert config["limit_request_line"] == 4094
    assert config["limit_request_fields"] == 100
    assert config["limit_request_field_size"] == 8190


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn_serving(log: Path, *options: str) -> Iterator[int]:
    """gunicorn with one worker and the project's gunicorn.conf.py (found in ROOT by gunicorn
    itself), its output in `log`, until the block ends; yields its port."""
    port = free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [GUNICORN, "mentoring.wsgi:application", "--bind", f"127.0.0.1:{port}", *options],
            cwd=ROOT,
            env=environment(WEB_CONCURRENCY="1"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        yield port
    finally:
        server.terminate()
        server.wait(timeout=40)


def healthz(port: int, request_id: str, *, log: Path) -> tuple[int, str]:
    """GET /healthz with that request id: (status, the X-Request-ID answered), asking again
    while gunicorn is not listening yet or is between workers, for at most 30 s."""
    deadline = time.monotonic() + 30
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"X-Request-ID": request_id}
    )
    while True:
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.headers["X-Request-ID"]
        except OSError:
            assert time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)


def test_gunicorn_serves_healthz_and_logs_the_request_id(tmp_path):
    log = tmp_path / "gunicorn.log"
    with gunicorn_serving(log) as port:
        assert healthz(port, "probe-1", log=log) == (200, "probe-1")
    text = log.read_text()
    assert "Booting worker" in text
    assert text.count("Booting worker") == 1  # WEB_CONCURRENCY=1
    assert '"GET /healthz HTTP/1.1" 200' in text
    assert "request_id=probe-1" in text


def test_a_retired_worker_is_replaced_and_every_request_is_served_and_logged(tmp_path):
    """gunicorn.conf.py loads the app in the master and lets a retired worker exit without
    Python's teardown (worker_exit): the forks that replace it serve at once, and the access
    log lines of the one that left are still written."""
    log = tmp_path / "gunicorn.log"
    with gunicorn_serving(log, "--max-requests", "3", "--max-requests-jitter", "0") as port:
        answers = [healthz(port, f"r-{number}", log=log) for number in range(10)]
    text = log.read_text()
    assert answers == [(200, f"r-{number}") for number in range(10)]
    assert text.count("Booting worker") == 4, text  # retired after 3, 6 and 9 requests
    assert "Autorestarting worker" in text
    for number in range(10):
        assert f"request_id=r-{number}\n" in text, text
    assert "Exception during worker exit" not in text, text
    assert "exited with code" not in text, text
