"""What every benchmark shares: its own PostgreSQL database, timing, query counts, the report,
and the real processes (gunicorn, Celery workers) that the server-side benchmarks start."""

import contextlib
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE", "mentoring_bench")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}
# The key both the benchmark (sessions, tokens, encrypted fields it writes) and the processes it
# starts sign and decrypt with.
SECRET_KEY = "bench-only-" + "x" * 50
# Benchmarks that take many minutes: `python -m bench` (run_all) names them but does not run them.
LONG = {"load"}


def database_url() -> str:
    return f"postgres://{PG['user']}@{PG['host']}:{PG['port']}/{BENCH_DB}"


def setup_django(*, fresh: bool = True) -> None:
    """Point Django at the benchmark database (new and migrated when `fresh`) and set it up."""
    if fresh:
        conn = psycopg2.connect(dbname="postgres", **PG)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(BENCH_DB))
            )
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(BENCH_DB)))
        conn.close()
    os.environ["DATABASE_URL"] = database_url()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mentoring.settings.base")
    os.environ.setdefault("DEBUG", "1")
    import django

    django.setup()
    if fresh:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


def bench_organisation():
    """The organisation every benchmark's cohorts belong to (after setup_django)."""
    from organisations.models import Organisation

    organisation, _ = Organisation.objects.get_or_create(
        slug="bench", defaults={"name": "Bench organisation"}
    )
    return organisation


def timed(fn: Callable[[], object], *, repeat: int, warmup: int = 2) -> list[float]:
    """Milliseconds of each of `repeat` calls, after `warmup` untimed ones."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def count_queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def count_calls(fn: Callable[[], object]) -> int:
    """Python function calls made by one `fn()`, counted by cProfile: unlike a time, the same
    on a busy host as on a quiet one, so two versions of a page compare exactly (on this
    machine about 1,000 calls take 0.4 ms, a query's wait aside)."""
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.runcall(fn)
    return pstats.Stats(profile).total_calls


def p50(samples: Iterable[float]) -> float:
    return round(statistics.median(samples), 2)


def report(name: str, rows: list[tuple[str, object]], figures: dict) -> None:
    """Print a two-column table, then the one JSON line that issue notes quote."""
    width = max(len(label) for label, _ in rows)
    print(f"\n{name}\n" + "-" * (width + 20))
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print(json.dumps({"bench": name, **figures}))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def web_env(**extra: str) -> dict[str, str]:
    """The environment of a production-like web process on the benchmark database: DEBUG off,
    plain HTTP on 127.0.0.1 (no TLS redirect, cookies not marked Secure)."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._pages_settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        **extra,
    }


def _answers(port: int, path: str) -> bool:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": "127.0.0.1"})
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn_running(
    *,
    env: dict[str, str],
    workers: int | None = 2,
    log: Path | None = None,
    ready_path: str = "/healthz",
    ready_seconds: float = 120,
    args: Iterable[str] = (),
) -> Iterator[int]:
    """gunicorn with the project's gunicorn.conf.py (read from ROOT), on a free port, until the
    block ends; yields the port once `ready_path` answers 200 (the workers load Django after
    the port opens). `workers` None keeps the file's count (2 x CPUs + 1). The access log goes
    to `log`, or nowhere; `args` are more command-line options (they win over the file's)."""
    port = free_port()
    command = [str(ROOT / ".venv/bin/gunicorn"), "mentoring.wsgi:application"]
    command += ["--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
    if workers is not None:
        command += ["--workers", str(workers)]
    command += list(args)
    with contextlib.ExitStack() as stack:
        output = stack.enter_context(log.open("ab")) if log else subprocess.DEVNULL
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            deadline = time.monotonic() + ready_seconds
            while not _answers(port, ready_path):
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn did not answer {ready_path}")
                time.sleep(0.2)
            yield port
        finally:
            server.terminate()
            server.wait(timeout=60)


def worker_start(
    name: str,
    *,
    broker: str,
    log_dir: Path,
    concurrency: int = 1,
    settings: str = "mentoring.settings.base",
    beat: bool = False,
    **extra: str,
) -> subprocess.Popen:
    """A `celery worker` process (prefork pool of `concurrency`, with beat's schedule when
    `beat`) on the benchmark database and `broker`, DEBUG off, its output in
    log_dir/<name>.log. It leads its own process group, so `os.killpg(worker.pid, SIGKILL)`
    takes its pool along, as a lost machine would."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings,
        "DEBUG": "0",  # DEBUG would keep every query in memory
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker,
        "CELERY_BROKER_URL": broker,
        "SITE_URL": "http://127.0.0.1:8000",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    log = (log_dir / f"{name}.log").open("ab")
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "mentoring",
            "worker",
            "--pool=prefork",
            f"--concurrency={concurrency}",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "--loglevel=WARNING",
            f"--hostname={name}@localhost",
            *(["--beat", f"--schedule={log_dir / f'{name}-beat'}"] if beat else []),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def workers_wait_ready(count: int, *, seconds: float = 60) -> None:
    """Until `count` workers answer a ping on the broker (after setup_django)."""
    from mentoring.celery import app

    deadline = time.monotonic() + seconds
    while len(app.control.ping(timeout=0.5)) < count:
        if time.monotonic() > deadline:
            sys.exit(f"{count} workers did not answer within {seconds:.0f} s")


def worker_errors(log_dir: Path) -> list[str]:
    """The ERROR lines of every worker log in log_dir (the first few are printed)."""
    logs = "".join(p.read_text(errors="replace") for p in log_dir.glob("*.log"))
    errors = [line for line in logs.splitlines() if "ERROR" in line]
    if errors:
        print("\n".join(["First errors in the worker logs:", *errors[:5]]))
    return errors


def run_all() -> int:
    """Run every benchmark module in this folder, each in its own process (not the LONG ones)."""
    failed = 0
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "harness":
            continue
        if path.stem in LONG:
            print(f"== skipped bench.{path.stem} (long): python -m bench.{path.stem}", flush=True)
            continue
        print(f"== python -m bench.{path.stem}", flush=True)
        failed += (
            subprocess.run([sys.executable, "-m", f"bench.{path.stem}"], cwd=ROOT).returncode != 0
        )
    return failed
