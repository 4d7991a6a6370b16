"""What a worker restart costs the requests: gunicorn with one worker retired after every
RETIRE_AFTER requests (max_requests, as gunicorn.conf.py retires them every 20,000-30,000), asked
for /healthz one request at a time. The request that arrives as a worker retires waits for its
replacement: its wait is the restart's cost to a user, while the pool has one worker less.

Run twice: with the project's gunicorn.conf.py (the app preloaded in the master and warmed
there, a retired worker leaving without Python's teardown of its heap) and with gunicorn's own
defaults (an empty config file: each new worker imports Django itself, each leaving one tears
its heap down).
"""

import http.client
import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "mentoring_bench_worker_restart")

from bench.harness import gunicorn_running, report, setup_django, web_env

RETIRE_AFTER = 5
RETIREMENTS = int(os.environ.get("BENCH_RETIREMENTS", 10))


def _waits(port: int) -> tuple[list[float], list[float]]:
    """Each request's time in ms, split into those that met a retirement (the slowest, one per
    retirement) and the others."""
    times = []
    for _ in range(RETIRE_AFTER * (RETIREMENTS + 1)):
        started = time.perf_counter()
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            try:
                conn.request("GET", "/healthz", headers={"Host": "127.0.0.1"})
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.005)  # between workers: the connection was refused or reset
            finally:
                conn.close()
        times.append((time.perf_counter() - started) * 1000)
    ordered = sorted(times, reverse=True)
    return ordered[:RETIREMENTS], ordered[RETIREMENTS:]


def _run(config: Path | None) -> dict[str, float]:
    args = ["--max-requests", str(RETIRE_AFTER), "--max-requests-jitter", "0"]
    if config is not None:
        args += ["--config", str(config)]
    started = time.perf_counter()
    with gunicorn_running(env=web_env(), workers=1, args=args) as port:
        ready = time.perf_counter() - started
        retiring, others = _waits(port)
    return {
        "ready_s": round(ready, 2),
        "retirement_wait_ms_p50": round(statistics.median(retiring), 1),
        "retirement_wait_ms_max": round(max(retiring), 1),
        "other_requests_ms_p50": round(statistics.median(others), 1),
    }


def main() -> None:
    setup_django()
    project = _run(None)
    with tempfile.TemporaryDirectory() as folder:
        empty = Path(folder) / "gunicorn.conf.py"
        empty.write_text("")
        defaults = _run(empty)
    rows = []
    for name, figures in (("gunicorn.conf.py", project), ("gunicorn's defaults", defaults)):
        rows += [
            (name, f"first answer {figures['ready_s']} s after start"),
            (
                "  request meeting a retirement",
                f"p50 {figures['retirement_wait_ms_p50']} ms, "
                f"max {figures['retirement_wait_ms_max']} ms ({RETIREMENTS} retirements)",
            ),
            ("  other requests", f"p50 {figures['other_requests_ms_p50']} ms"),
        ]
    report("worker_restart", rows, {"project": project, "defaults": defaults})


if __name__ == "__main__":
    main()
