"""What every benchmark shares: its own PostgreSQL database, timing, query counts, the report."""

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
BENCH_DB = os.environ.get("BENCH_DATABASE", "mentoring_bench")
PG = {"host": "127.0.0.1", "port": 5432, "user": "postgres"}


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


def p50(samples: Iterable[float]) -> float:
    return round(statistics.median(samples), 2)


def report(name: str, rows: list[tuple[str, object]], figures: dict) -> None:
    """Print a two-column table, then the one JSON line that issue notes quote."""
    width = max(len(label) for label, _ in rows)
    print(f"\n{name}\n" + "-" * (width + 20))
    for label, value in rows:
        print(f"{label.ljust(width)}  {value}")
    print(json.dumps({"bench": name, **figures}))


def run_all() -> int:
    """Run every benchmark module in this folder, each in its own process."""
    failed = 0
    for path in sorted(Path(__file__).parent.glob("*.py")):
        if path.stem.startswith("_") or path.stem == "harness":
            continue
        print(f"== python -m bench.{path.stem}", flush=True)
        failed += (
            subprocess.run([sys.executable, "-m", f"bench.{path.stem}"], cwd=ROOT).returncode != 0
        )
    return failed
