"""Liveness (/healthz) and readiness (/readyz) for load balancers, orchestrators and compose.

/healthz only says the process answers: it touches nothing else, so a database outage does not
get every web process restarted. /readyz says whether this process can serve real requests now:
the database answers and every migration on disk is applied; the cache's Redis and the Celery
broker are checked too, but their outage only makes it "degraded" (still 200): pages serve
without them. Each check has a short timeout; the whole probe costs one
connection to each service and two small queries.
"""

import logging
import time
from collections.abc import Callable

import redis
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from mentoring.celery import app

logger = logging.getLogger(__name__)

CHECK_TIMEOUT = 2  # seconds per service: a probe must answer before the prober gives up

_migrations_on_disk: dict[tuple[str, str], tuple[tuple[str, str], ...]] | None = None


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process answers. Nothing else is touched (see /readyz)."""
    return JsonResponse({"status": "ok"})


def check_database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")


def check_cache() -> None:
    """The cache's Redis answers a PING, on a fresh connection with a short timeout."""
    cache_settings = settings.CACHES["default"]
    if not cache_settings["BACKEND"].endswith("RedisCache"):
        cache = caches["default"]  # local memory: answers whenever the process does
        cache.set("readyz", 1, 5)
        return
    location = cache_settings["LOCATION"]
    location = location[0] if isinstance(location, list | tuple) else location.split(",")[0]
    client = redis.Redis.from_url(
        location, socket_connect_timeout=CHECK_TIMEOUT, socket_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()


def check_broker() -> None:
    """The Celery broker takes a connection (Redis in production, a folder in embedded mode)."""
    with app.connection_for_write(
        url=settings.CELERY_BROKER_URL, connect_timeout=CHECK_TIMEOUT
    ) as conn:
        conn.ensure_connection(
            max_retries=1, interval_start=0, interval_step=0, timeout=CHECK_TIMEOUT
        )


def unapplied_migrations() -> list[str]:
    """Migrations on disk that the database has not recorded (one query; the files are read
    once per process). A squashed migration counts as applied when everything it replaces is."""
    global _migrations_on_disk
    if _migrations_on_disk is None:
        loader = MigrationLoader(None, ignore_no_migrations=True)
        _migrations_on_disk = {
            key: tuple(tuple(r) for r in loader.graph.nodes[key].replaces or ())
            for key in loader.graph.nodes
        }
    applied = set(MigrationRecorder(connection).applied_migrations())
    return sorted(
        f"{app}.{name}"
        for (app, name), replaces in _migrations_on_disk.items()
        if (app, name) not in applied and not (replaces and set(replaces) <= applied)
    )


def check_migrations() -> None:
    missing = unapplied_migrations()
    if missing:
        raise RuntimeError(f"{len(missing)} unapplied, first {missing[0]}")


CHECKS: dict[str, Callable[[], None]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "migrations": check_migrations,
}


# Pages serve without Redis (the cache fails soft, tasks wait as outbox rows): a Redis outage
# must not take every web process out of the load balancer at once. Reported, not failing.
DEGRADED_ONLY = {"cache", "broker"}


@require_GET
@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """Readiness: 200 when the database answers and its migrations are applied ("degraded",
    naming them, when only the cache or the broker is down), else 503 naming what failed."""
    checks: dict[str, dict[str, object]] = {}
    for name, check in CHECKS.items():
        if name == "migrations" and checks["database"]["status"] != "ok":
            checks[name] = {"status": "skipped"}
            continue
        started = time.monotonic()
        try:
            check()
        except Exception:
            # The details (host names, addresses) go to the log, not to anonymous probers.
            logger.warning("Readiness check %s failed", name, exc_info=True)
            checks[name] = {"status": "failed"}
        else:
            checks[name] = {"status": "ok"}
        checks[name]["ms"] = round((time.monotonic() - started) * 1000, 1)
    failed = [name for name, result in checks.items() if result["status"] == "failed"]
    failing = [name for name in failed if name not in DEGRADED_ONLY]
    if failing:
        body = {"status": "unavailable", "failing": failed, "checks": checks}
        return JsonResponse(body, status=503)
    if failed:
        return JsonResponse({"status": "degraded", "degraded": failed, "checks": checks})
    return JsonResponse({"status": "ready", "checks": checks})
