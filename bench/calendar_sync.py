"""1,000 connected ICS calendars refreshed by real Celery workers from a local HTTP server.

What a refresh costs when most calendars have not changed: the feeds are served by a threaded
HTTP server in this process (127.0.0.1, allowed by CALENDAR_ALLOWED_HOSTS) with ETags; one
person in two has two calendars. First every connection is read once in full (the initial
read, timed apart). Then, with every connection due, the scan that beat runs every 10 minutes
(`calendars_refresh_due_task`, sent as beat sends it) queues one refresh each, and WORKERS
`celery worker` processes work them:
- 70 % of the feeds have not changed: they answer 304 to If-None-Match, and each must cost
  exactly one conditional request (checked);
- 20 % changed: a new ETag and a new body of a few hundred events (recurring ones included),
  whose busy times replace the old ones;
- 10 % fail, half with an error 500 and half by closing the connection without an answer (no
  time-out to wait for): they must keep their last busy times and say what went wrong.

Redis: BENCH_REDIS_URL, a database of its own that the benchmark empties first (default
redis://127.0.0.1:6379/15). BENCH_CONCURRENCY: processes per worker (default 1: two processes
in all).
"""

import hashlib
import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from tempfile import TemporaryDirectory

from bench.harness import (
    SECRET_KEY,
    report,
    setup_django,
    worker_errors,
    worker_start,
    workers_wait_ready,
)

CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", 1_000))
WORKERS = 2
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", 1))  # processes per worker
BROKER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/15")
DEADLINE = float(os.environ.get("BENCH_DEADLINE", 300))  # give up waiting after this many s
UNCHANGED, CHANGED, FAILING_500, REFUSING = "unchanged", "changed", "error 500", "refusing"


def _kind(n: int) -> str:
    share = n % 20  # 14 unchanged, 4 changed, 1 answering 500, 1 refusing in every 20
    if share < 14:
        return UNCHANGED
    if share < 18:
        return CHANGED
    return FAILING_500 if share == 18 else REFUSING


def feed_body(n: int, version: int, now: datetime) -> bytes:
    """Feed `n` as it reads at `version`: 50-150 events at first, 200-400 once changed, spread
    over the 8 weeks from `now`; one event in ten repeats weekly."""
    rng = random.Random(n * 1000 + version)
    count = rng.randrange(50, 150) if version == 1 else rng.randrange(200, 400)
    stamp = f"{now:%Y%m%dT%H%M%SZ}"
    base = now.replace(minute=0, second=0, microsecond=0)
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bench//Feed//EN"]
    for event in range(count):
        starts = base + timedelta(minutes=15 * rng.randrange(8 * 7 * 96))
        ends = starts + timedelta(minutes=rng.choice([15, 30, 30, 45, 60, 90]))
        lines += [
            "BEGIN:VEVENT",
            f"UID:feed{n}-v{version}-{event}@bench.example",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{starts:%Y%m%dT%H%M%SZ}",
            f"DTEND:{ends:%Y%m%dT%H%M%SZ}",
            f"SUMMARY:Meeting {event}",
            *(["RRULE:FREQ=WEEKLY;COUNT=8"] if event % 10 == 0 else []),
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


class Feeds:
    """The feeds' versions and failures, and every request the server got, per feed."""

    def __init__(self, now: datetime) -> None:
        self.now = now
        self.version: dict[int, int] = defaultdict(lambda: 1)
        self.failing: dict[int, str] = {}
        self.requests: Counter[int] = Counter()
        self.conditional: Counter[int] = Counter()  # carried If-None-Match
        self.answers: Counter[tuple[int, int]] = Counter()  # (feed, status): count
        self._lock = threading.Lock()

    def etag(self, n: int) -> str:
        return f'"feed{n}-v{self.version[n]}"'

    def reset_counts(self) -> None:
        with self._lock:
            self.requests.clear()
            self.conditional.clear()
            self.answers.clear()

    def seen(self, n: int, *, conditional: bool, status: int) -> None:
        with self._lock:
            self.requests[n] += 1
            self.conditional[n] += conditional
            self.answers[n, status] += 1


def _serve(feeds: Feeds) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args) -> None:
            pass

        def do_GET(self) -> None:
            n = int(self.path.removeprefix("/feed/").removesuffix(".ics"))
            asked = self.headers.get("If-None-Match")
            failing = feeds.failing.get(n)
            if failing == REFUSING:
                feeds.seen(n, conditional=bool(asked), status=0)
                self.close_connection = True  # no answer at all: the reader sees it closed
                return
            if failing == FAILING_500:
                feeds.seen(n, conditional=bool(asked), status=500)
                self.send_response(500)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            etag = feeds.etag(n)
            if asked == etag:
                feeds.seen(n, conditional=True, status=304)
                self.send_response(304)
                self.send_header("ETag", etag)
                self.end_headers()
                return
            body = feed_body(n, feeds.version[n], feeds.now)
            feeds.seen(n, conditional=bool(asked), status=200)
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _generate(base_url: str, now: datetime) -> list[int]:
    """CONNECTIONS ICS connections of CONNECTIONS * 2 / 3 people, never read yet and due."""
    from accounts.models import User
    from mentoring.crypto import encrypt
    from sessions_app.models import CalendarConnection

    zones = ["Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
    people = User.objects.bulk_create(
        User(email=f"c{i}@bench.example", display_name=f"Person {i}", timezone=zones[i % 4])
        for i in range(CONNECTIONS * 2 // 3)
    )
    connections = CalendarConnection.objects.bulk_create(
        CalendarConnection(
            user=people[n % len(people)],
            name=f"Calendar {n}",
            url_encrypted=encrypt(f"{base_url}/feed/{n}.ics"),
            checked_at=now - timedelta(hours=1),
        )
        for n in range(CONNECTIONS)
    )
    return [connection.pk for connection in connections]


def _worker(name: str, log_dir: Path) -> subprocess.Popen:
    return worker_start(
        name,
        broker=BROKER,
        log_dir=log_dir,
        concurrency=CONCURRENCY,
        CACHE_URL=BROKER,
        CALENDAR_ALLOWED_HOSTS="127.0.0.1",
    )


def _scan_and_wait(since: datetime) -> tuple[float, int]:
    """Send beat's scan and wait until every connection was tried after `since` (read, or its
    failure recorded); (seconds, connections not done by the deadline)."""
    from sessions_app.models import CalendarConnection
    from sessions_app.tasks.calendars import calendars_refresh_due_task

    started = time.perf_counter()
    calendars_refresh_due_task.delay()
    while True:
        done = CalendarConnection.objects.filter(last_synced_at__gte=since).count()
        done += CalendarConnection.objects.filter(
            last_error__gt="", failing_since__gte=since
        ).count()
        seconds = time.perf_counter() - started
        if done >= CONNECTIONS or seconds > DEADLINE:
            return seconds, CONNECTIONS - done
        time.sleep(0.05)


def _busy_digest(connection_ids: list[int]) -> dict[int, str]:
    """Each connection's busy times, as a digest to compare before and after."""
    from sessions_app.models import BusyInterval

    spans: dict[int, list[str]] = defaultdict(list)
    rows = BusyInterval.objects.filter(connection_id__in=connection_ids).order_by(
        "connection_id", "starts_at"
    )
    for connection_id, starts_at, ends_at in rows.values_list(
        "connection_id", "starts_at", "ends_at"
    ):
        spans[connection_id].append(f"{starts_at.isoformat()}/{ends_at.isoformat()}")
    return {pk: hashlib.sha256("|".join(spans[pk]).encode()).hexdigest() for pk in connection_ids}


def main() -> None:
    os.environ["REDIS_URL"] = os.environ["CELERY_BROKER_URL"] = os.environ["CACHE_URL"] = BROKER
    os.environ["SECRET_KEY"] = SECRET_KEY  # the workers decrypt the addresses stored here
    os.environ["CALENDAR_ALLOWED_HOSTS"] = "127.0.0.1"
    setup_django()
    import redis
    from django.db.models import Count
    from django.utils import timezone

    from sessions_app.models import BusyInterval, CalendarConnection

    redis.Redis.from_url(BROKER).flushdb()  # no message of an earlier run may come back
    now = timezone.now()
    feeds = Feeds(now)
    server = _serve(feeds)
    ids = _generate(f"http://127.0.0.1:{server.server_address[1]}", now)
    feed_of = {pk: n for n, pk in enumerate(ids)}

    with TemporaryDirectory() as log_dir:
        workers = [_worker(f"sync-{n}", Path(log_dir)) for n in range(WORKERS)]
        try:
            workers_wait_ready(WORKERS)
            initial_s, initial_missing = _scan_and_wait(now)
            if initial_missing:
                sys.exit(f"initial read: {initial_missing} connections not read in {DEADLINE} s")
            initial_requests = sum(feeds.requests.values())
            initial_busy = BusyInterval.objects.count()

            # The feeds move on: some changed, some broken; every connection is due again.
            kinds = {pk: _kind(n) for pk, n in feed_of.items()}
            for pk, kind in kinds.items():
                if kind == CHANGED:
                    feeds.version[feed_of[pk]] = 2
                elif kind in (FAILING_500, REFUSING):
                    feeds.failing[feed_of[pk]] = kind
            failing_ids = [pk for pk, kind in kinds.items() if kind in (FAILING_500, REFUSING)]
            failing_before = _busy_digest(failing_ids)
            CalendarConnection.objects.update(checked_at=timezone.now() - timedelta(minutes=11))
            feeds.reset_counts()
            since = timezone.now()
            seconds, missing = _scan_and_wait(since)
            time.sleep(1)  # a second request to any feed would come now, if it came at all
        finally:
            for worker in workers:
                worker.terminate()
            for worker in workers:
                worker.wait(timeout=60)
        errors = worker_errors(Path(log_dir))
    server.shutdown()

    by_kind: dict[str, list[int]] = defaultdict(list)
    for pk, kind in kinds.items():
        by_kind[kind].append(pk)
    requests = sum(feeds.requests.values())
    unchanged = [feed_of[pk] for pk in by_kind[UNCHANGED]]
    unchanged_requests = Counter(feeds.requests[n] for n in unchanged)
    unchanged_ok = all(
        feeds.requests[n] == 1 and feeds.conditional[n] == 1 and feeds.answers[n, 304] == 1
        for n in unchanged
    )
    connections = CalendarConnection.objects.in_bulk(ids)
    changed_ok = all(
        connections[pk].etag == feeds.etag(feed_of[pk]) and connections[pk].last_error == ""
        for pk in by_kind[CHANGED]
    )
    failing_kept = _busy_digest(failing_ids) == failing_before
    failing_said = all(
        connections[pk].last_error and connections[pk].failing_since for pk in failing_ids
    )
    busy_counts = dict(
        CalendarConnection.objects.filter(pk__in=failing_ids)
        .annotate(busy_count=Count("busy"))
        .values_list("pk", "busy_count")
    )
    statuses: Counter[int] = Counter()
    for (_feed, status), count in feeds.answers.items():
        statuses[status] += count
    report(
        "calendar_sync",
        [
            ("connections", f"{CONNECTIONS} ICS feeds on a local server, ETags"),
            ("workers", f"{WORKERS} celery workers x {CONCURRENCY} process(es), Redis"),
            ("initial read (full)", f"{initial_s:.1f} s, {initial_requests} requests"),
            ("busy times after the initial read", initial_busy),
            ("mix", {kind: len(pks) for kind, pks in sorted(by_kind.items())}),
            ("refresh: scan -> last connection done", f"{seconds:.1f} s"),
            ("not done by the deadline", missing),
            ("requests made", requests),
            ("answers", {("refused" if s == 0 else s): c for s, c in sorted(statuses.items())}),
            ("requests per unchanged feed", dict(unchanged_requests)),
            ("unchanged: exactly one conditional request, 304", unchanged_ok),
            ("changed: new ETag kept, busy times replaced", changed_ok),
            ("failing: last busy times kept", failing_kept),
            ("failing: busy times kept (min per feed)", min(busy_counts.values(), default=0)),
            ("failing: problem recorded in words", failing_said),
            ("errors in worker logs", len(errors)),
        ],
        {
            "connections": CONNECTIONS,
            "workers": WORKERS * CONCURRENCY,
            "initial_seconds": round(initial_s, 1),
            "seconds": round(seconds, 1),
            "requests": requests,
            "requests_per_unchanged_feed": max(unchanged_requests, default=0),
            "unchanged_one_conditional_request_each": unchanged_ok,
            "unchanged": len(by_kind[UNCHANGED]),
            "changed": len(by_kind[CHANGED]),
            "failing": len(failing_ids),
            "not_done": missing,
            "failing_kept_busy_times": failing_kept,
            "target_met": not missing and unchanged_ok and changed_ok and failing_kept,
        },
    )
    assert not missing, f"{missing} connections were not refreshed within {DEADLINE} s"
    assert unchanged_ok, f"unchanged feeds cost {dict(unchanged_requests)} requests"
    assert changed_ok, "a changed feed was not read again"
    assert failing_kept, "a failing feed lost its busy times"
    assert failing_said, "a failing feed does not say what went wrong"


if __name__ == "__main__":
    main()
