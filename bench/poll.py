"""Open threads one server keeps up with: the poll an open thread sends every 3 seconds while
it is lively, every 15 seconds once it is quiet (static/js/thread.js).

gunicorn with 2 sync workers, PostgreSQL and Redis (the cache), the demo data. "Before" is the
poll without its `live` token, so it runs the whole checked view (session, user, pairing and the
thread's changes); "after" sends the token the thread page gave, and, nothing having changed,
is answered 204 from Redis by exchange.middleware with no database query. Open threads =
requests per second x 3 (one poll per lively thread every 3 seconds), or x 15 for quiet ones.
"""

import http.client
import os
import re
import time
from multiprocessing import Pool
from urllib.parse import urlencode

# Its own database and Redis numbers: benchmarks others run at the same time use theirs.
os.environ.setdefault("BENCH_DATABASE", "mentoring_bench_poll")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/11")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/12")

from bench.harness import SECRET_KEY, gunicorn_running, report, setup_django, web_env

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = 4  # concurrent client processes: enough to keep 2 sync workers busy
POLL_EVERY = 3  # seconds, as templates/exchange/thread.html asks
QUIET_POLL_EVERY = 15  # seconds between a quiet thread's polls (static/js/thread.js)


def _hammer(args: tuple[int, str, str, float, int]) -> tuple[int, int]:
    """Send GETs for `seconds`; return (answers with the expected status, other answers)."""
    port, path, cookie, seconds, expected = args
    ok = bad = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request(
            "GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1", "HX-Request": "true"}
        )
        response = conn.getresponse()
        response.read()
        conn.close()
        ok, bad = (ok + 1, bad) if response.status == expected else (ok, bad + 1)
    return ok, bad


def _rps(port: int, path: str, cookie: str, expected: int) -> tuple[float, int]:
    with Pool(CLIENTS) as pool:
        results = pool.map(_hammer, [(port, path, cookie, SECONDS, expected)] * CLIENTS)
    return round(sum(r[0] for r in results) / SECONDS, 1), sum(r[1] for r in results)


def main() -> None:
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # seed_demo's emails, sent in this process
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"
    setup_django()
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from accounts.models import User
    from pairings.models import Pairing

    cache.clear()
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    lucy = User.objects.get(email__startswith="lucy@")
    client = Client()
    client.force_login(lucy)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    pairing = Pairing.objects.filter(mentee=lucy, status=Pairing.Status.ACTIVE).first()
    html = client.get(reverse("exchange:thread", args=[pairing.pk])).content.decode()
    since = re.search(r'id="thread-cursor" name="since" value="(\d+)"', html).group(1)
    live = re.search(r'id="thread-live" name="live" value="([^"]*)"', html).group(1)
    url = reverse("exchange:thread_poll", args=[pairing.pk])
    before = f"{url}?{urlencode({'since': since})}"
    after = f"{url}?{urlencode({'since': since, 'live': live})}"
    with CaptureQueriesContext(connection) as queries_before:
        assert client.get(before, headers={"HX-Request": "true"}).status_code == 200
    with CaptureQueriesContext(connection) as queries_after:
        assert client.get(after, headers={"HX-Request": "true"}).status_code == 204

    with gunicorn_running(env=web_env()) as port:
        _hammer((port, before, cookie, 1.0, 200))  # warm both workers
        rps_before, bad_before = _rps(port, before, cookie, 200)
        rps_after, bad_after = _rps(port, after, cookie, 204)

    threads_before = int(rps_before * POLL_EVERY)
    threads_after = int(rps_after * POLL_EVERY)
    report(
        "poll",
        [
            ("before: full view, req/s", rps_before),
            ("before: queries per poll", len(queries_before)),
            ("before: open threads at one poll / 3 s", threads_before),
            ("after: 204 from Redis, req/s", rps_after),
            ("after: queries per poll", len(queries_after)),
            ("after: open threads at one poll / 3 s", threads_after),
            ("after: quiet open threads at one poll / 15 s", int(rps_after * QUIET_POLL_EVERY)),
            ("unexpected answers (before, after)", (bad_before, bad_after)),
        ],
        {
            "rps_before": rps_before,
            "rps_after": rps_after,
            "queries_before": len(queries_before),
            "queries_after": len(queries_after),
            "open_threads_before": threads_before,
            "open_threads_after": threads_after,
            "open_quiet_threads_after": int(rps_after * QUIET_POLL_EVERY),
            "errors": bad_before + bad_after,
        },
    )


if __name__ == "__main__":
    main()
