"""The load model of issue 16: how many people one two-core machine carries at a programme's
busiest hour, with every request's p95 at most 300 ms and no errors.

The stack, all on this machine (the same 2 cores as Locust):
- PostgreSQL: a fresh database (BENCH_DATABASE), migrated, then seeded in bulk;
- Redis: the Celery broker (BENCH_REDIS_URL) and the cache (BENCH_CACHE_URL), both emptied;
- gunicorn with the project's gunicorn.conf.py (its worker count, 2 x CPUs + 1, its access log,
  to a file), DEBUG off, Redis cache (so thread polls answer from it), bench._pages_settings
  (the production settings with plain static storage: no collectstatic; the static files are
  not requested, a returning browser has them cached);
- one Celery worker with beat (concurrency 1, emails to Django's dummy backend);
- Locust 2 as a library (bench/_load_locust.py, FastHttpUser, its own process, whose CPU use
  is measured and reported).

The programme: PEOPLE (BENCH_LOAD_PEOPLE, default 20,000) in one organisation, in cohorts of
about 2,000 (10 cohorts for 20,000): per cohort 995 mentors, 995 mentees paired one to one
(95 % active, 5 % closed) and 10 programme admins (100 in all), 90 days in. Each pairing has
its history from bench.cohort_page (sessions every two weeks, a few cancelled, some ahead;
up to 15 messages; feedback; health and 90 daily snapshots), a contact agreement both
acknowledged (video, phone, chat, email; weekday hours 9-18), and each mentor's availability
(weekdays 9-17, 30/45/60 minutes, 12 hours' notice, at most 5 a week, 8 weeks ahead).

Signing in: not through the login form (a password hash each: 2,000 of them would measure
PBKDF2, not the pages). Each simulated person gets a session made beforehand in
django.contrib.sessions' table (SESSION_ENGINE db), exactly what a sign-in stores (user id,
backend, auth hash), and a CSRF cookie whose secret its forms post back. Programme admins have
a TOTP authenticator, so admin pages open.

The personas (Locust weights) and what they do, with think times between actions:
- mentee (52 %), 10-40 s between actions: dashboard (3), My agenda (2), the pairing's sessions
  (1), the booking page (2; one visit in four books: 5-15 s to choose among the first offered
  times, POST, then the session page), the message thread (3);
- mentor (46 %), 10-40 s: dashboard (3), My agenda (2), availability (1), the thread (3);
- programme admin (2 %), 15-45 s: the cohort page (3), the cohort's pairings (2), dashboard (1).
The thread stays open 30-120 s and polls as the page does (templates/exchange/thread.html and
static/js/thread.js: every 3 s while a message came or went or the person typed in the last
2 minutes, else every 15 s; with the signed `live` token and the `since` cursor, HX-Request),
answered 204 from Redis while nothing changed; in 3 threads of 10 a message is sent (htmx
POST) meanwhile, after 5-30 s of typing. BENCH_LOAD_POLLS=every3s polls every 3 s in every
thread, as the page did before it slowed quiet threads down, for comparison. A booking
of a time taken meanwhile is OK only when the page says so; any other answer than the
expected one (a 302 to the sign-in page, a 4xx/5xx) is an error.

The ramp: users in steps (BENCH_LOAD_STEPS, default 250,500,1000,1500,2000,2500,3000), started
at BENCH_LOAD_SPAWN_RATE a second (default 5), each new user opening its first page within
30 s (people arrive one by one), each step settled for BENCH_LOAD_SETTLE s (default 60: a new
person's first pages read rows no one read yet, from disk, and fill their cache entries; the
queue those make must drain before the step is measured) and then measured over
BENCH_LOAD_HOLD s (default 120); it stops at the first step that misses the target. The
result: the highest step with p95 <= 300 ms over all requests and no errors. The polls are
most of the requests and take milliseconds, so the p95 of the pages alone is reported beside
it, and each page's p50/p95 as Locust saw it and as gunicorn's access log
timed it inside the worker (the difference is time queued for a free worker, or in Locust).
Before the first step every page is asked a few times, so each gunicorn worker has imported
its views and compiled its templates, as on a server that has been up a while.

CPU: the figures give, per step, the CPU of Locust, gunicorn, the Celery worker and
PostgreSQL's backends for this database, in percent of one core, and how busy the whole
machine was: on a shared machine the rest is other people's work, and every figure is
slower for it. Print `cat /proc/loadavg` beside any figure you quote. A gunicorn worker that
gunicorn.conf.py's max_requests restarts during a hold takes its CPU time with it: that
step's gunicorn CPU is undercounted (the workers booted are counted and printed).

A quick smoke run (about 2 minutes, seeding included):
  BENCH_LOAD_PEOPLE=2000 BENCH_LOAD_STEPS=100 BENCH_LOAD_HOLD=30 python -m bench.load
BENCH_LOAD_LOGS=<folder> keeps gunicorn's access log, the worker's log and Locust's results;
BENCH_LOAD_REUSE=1 skips the seeding and runs on the database the last run left.
"""

import http.client
import json
import os
import random
import re
import shutil
import subprocess
import sys
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from tempfile import TemporaryDirectory

os.environ.setdefault("BENCH_DATABASE", "mentoring_bench_load")

from bench._load_pages import page_of, url
from bench.harness import (
    ROOT,
    SECRET_KEY,
    gunicorn_running,
    report,
    setup_django,
    web_env,
    worker_errors,
    worker_start,
    workers_wait_ready,
)

PEOPLE = int(os.environ.get("BENCH_LOAD_PEOPLE", 20_000))
STEPS = [
    int(n)
    for n in os.environ.get("BENCH_LOAD_STEPS", "250,500,1000,1500,2000,2500,3000").split(",")
]
HOLD = float(os.environ.get("BENCH_LOAD_HOLD", 120))
SETTLE = float(os.environ.get("BENCH_LOAD_SETTLE", 60))
SPAWN_RATE = float(os.environ.get("BENCH_LOAD_SPAWN_RATE", 5))
# Keep the database of the last run (its people, with the bookings and messages that run
# added) instead of seeding anew: minutes less for a second run of the same size.
REUSE = os.environ.get("BENCH_LOAD_REUSE") == "1"
GUNICORN_ARGS = os.environ.get("BENCH_LOAD_GUNICORN_ARGS", "").split()
QUIET_POLLS = os.environ.get("BENCH_LOAD_POLLS", "quiet") != "every3s"
BROKER = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")
CACHE = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/14")
TARGET_P95_MS = 300
COHORT_SIZE = 2_000
ADMIN_SHARE = 0.005  # 100 programme admins in 20,000 people
COHORT_NAMES = ["Aldgate", "Bow", "Camden", "Dalston", "Ealing", "Fulham", "Greenwich",
                "Hackney", "Islington", "Kensington", "Lambeth", "Merton"]  # fmt: skip
PERSONA_SHARE = {"mentee": 0.52, "mentor": 0.46, "admin": 0.02}  # as in bench/_load_locust.py
SEED = 2027
WARM_CLIENTS = 8  # concurrent warm-up requests of each page: every worker gets some
# gunicorn's access log (gunicorn.conf.py): time, request line, status, duration in ms.
ACCESS = re.compile(r'\[([^\]]+)\] "(\w+) ([^ ?"]+)[^"]*" (\d{3}) \S+ "[^"]*" "[^"]*" (\d+)ms')
REQUEST_ID = re.compile(r"request_id=(\w+)")
BOOTED = re.compile(r"^\[([^\]]+)\] \[\d+\] \[INFO\] Booting worker")


def _seed(now) -> None:
    """The programme, in bulk."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from django.db.models import F

    from accounts.models import Profile, User
    from accounts.services import user_make_programme_admin
    from bench.cohort_page import _cohort_with
    from bench.harness import bench_organisation
    from feedback.models import Feedback
    from feedback.selectors import REMIND_AFTER
    from feedback.services import feedback_scan
    from notifications.models import Notification
    from organisations.models import Role
    from organisations.services import membership_ensure
    from outbox.models import QueuedTask
    from pairings.models import Acknowledgement, ContactAgreement, ContactTerms, Pairing
    from sessions_app.live import booking_rules_changed
    from sessions_app.models import Availability, WeeklyWindow

    rng = random.Random(SEED)
    cohorts = max(1, round(PEOPLE / COHORT_SIZE))
    admins_per_cohort = max(1, round(PEOPLE * ADMIN_SHARE / cohorts))
    pairings_per_cohort = (PEOPLE // cohorts - admins_per_cohort) // 2
    organisation = bench_organisation()
    admin_ids = []
    for c in range(cohorts):
        name = COHORT_NAMES[c]
        admins = User.objects.bulk_create(
            User(
                email=f"admin{c}-{a}@bench.example",
                display_name=f"Admin {name} {a}",
                timezone="Europe/London",
            )
            for a in range(admins_per_cohort)
        )
        cohort, *_ = _cohort_with(pairings_per_cohort, name=name, admin=admins[0], now=now, rng=rng)
        for admin in admins:
            user_make_programme_admin(user=admin)
            membership_ensure(organisation=organisation, user=admin, role=Role.ADMIN)
            admin_ids.append(admin.pk)
        cohort.admins.add(*admins)

    Authenticator.objects.bulk_create(
        Authenticator(user_id=admin, type=Authenticator.Type.TOTP, data={"secret": "x"})
        for admin in admin_ids
    )
    users = list(User.objects.filter(email__endswith="@bench.example").only("pk", "email"))
    mentors = set(Pairing.objects.values_list("mentor_id", flat=True))
    mentees = set(Pairing.objects.values_list("mentee_id", flat=True))
    Profile.objects.bulk_create(
        (
            Profile(
                user=user,
                is_mentor=user.pk in mentors,
                is_mentee=user.pk in mentees,
                headline="Mentor in the bench programme" if user.pk in mentors else "",
                city=rng.choice(["London", "Leeds", "Bristol", "Glasgow"]),
                languages=["en"],
                capacity=1 if user.pk in mentors else None,
                onboarded_at=now - timedelta(days=100),
            )
            for user in users
        ),
        batch_size=5000,
    )
    EmailAddress.objects.bulk_create(
        (EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in users),
        batch_size=5000,
    )
    availabilities = Availability.objects.bulk_create(
        (
            Availability(
                mentor_id=mentor,
                session_lengths=[30, 45, 60],
                buffer_before=0,
                buffer_after=10,
                notice_hours=12,
                weekly_limit=5,
                horizon_weeks=8,
            )
            for mentor in mentors
        ),
        batch_size=5000,
    )
    WeeklyWindow.objects.bulk_create(
        (
            WeeklyWindow(availability=a, weekday=day, starts=clock(9), ends=clock(17))
            for a in availabilities
            for day in range(5)
        ),
        batch_size=10000,
    )
    booking_rules_changed(mentor_ids=mentors)  # bulk creates send no signal
    pairings = list(Pairing.objects.values_list("pk", "mentor_id", "mentee_id"))
    agreements = ContactAgreement.objects.bulk_create(
        (ContactAgreement(pairing_id=pk, version=1) for pk, *_ in pairings), batch_size=5000
    )
    zones = dict(User.objects.values_list("pk", "timezone"))
    sides = [
        (a, person) for a, (_pk, *two) in zip(agreements, pairings, strict=True) for person in two
    ]
    ContactTerms.objects.bulk_create(
        (
            ContactTerms(
                agreement=agreement,
                person_id=person,
                channels=["video", "phone", "chat", "email"],
                contact_hours=[[day, 9 * 60, 18 * 60] for day in range(5)],
                timezone=zones[person],
            )
            for agreement, person in sides
        ),
        batch_size=5000,
    )
    Acknowledgement.objects.bulk_create(
        (
            Acknowledgement(agreement=agreement, person_id=person, version=1)
            for agreement, person in sides
        ),
        batch_size=5000,
    )
    # 90 days in, the feedback scan (every 15 minutes) has long reminded whoever did not answer
    # and asked the check-ins that fell due, and their emails went out. Left to the run, its
    # first scan reminded some 8,000 people and asked some 3,000 check-ins at once: 71 s of the
    # worker's CPU and as much of PostgreSQL's, in the middle of whichever step it fell on (the
    # unexplained burst of the first 1,500-user run). So the scan runs here, and what it
    # scheduled counts as sent.
    Feedback.objects.filter(
        answered_at__isnull=True, reminded_at__isnull=True, asked_at__lte=now - REMIND_AFTER
    ).update(reminded_at=F("asked_at") + REMIND_AFTER)
    feedback_scan(now=now)
    Notification.objects.filter(status=Notification.Status.PENDING).update(
        status=Notification.Status.SENT, sent_at=now
    )
    QueuedTask.objects.all().delete()


def _people() -> dict[str, list[tuple[int, int]]]:
    """Each persona's people in the seeded programme: (user id, their pairing or cohort id)."""
    from pairings.models import Pairing
    from programmes.models import Cohort

    active = Pairing.objects.filter(status=Pairing.Status.ACTIVE).order_by("pk")
    return {
        "mentee": list(active.values_list("mentee_id", "pk")),
        "mentor": list(active.values_list("mentor_id", "pk")),
        "admin": list(
            Cohort.admins.through.objects.order_by("pk").values_list("user_id", "cohort_id")
        ),
    }


def _signed_in(people: dict[str, list[tuple[int, int]]], now) -> dict[str, list[dict]]:
    """Sessions made beforehand for as many people of each persona as the largest step has
    users of it (all of them if fewer), with a CSRF cookie each."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils.crypto import get_random_string

    from accounts.models import User

    rng = random.Random(SEED)
    store = SessionStore()
    chars = "abcdefghijklmnopqrstuvwxyz0123456789"
    identities: dict[str, list[dict]] = {}
    rows = []
    for role, share in PERSONA_SHARE.items():
        wanted = min(len(people[role]), int(max(STEPS) * share * 1.1) + 5)
        chosen = rng.sample(people[role], wanted)
        users = User.objects.in_bulk([person for person, _target in chosen])
        identities[role] = []
        for person, target in chosen:
            user = users[person]
            key = get_random_string(32, chars)
            data = {
                SESSION_KEY: str(user.pk),
                BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash(),
            }
            rows.append(
                Session(
                    session_key=key,
                    session_data=store.encode(data),
                    expire_date=now + timedelta(days=14),
                )
            )
            identity = {"session": key, "csrf": get_random_string(32)}
            identity["cohort" if role == "admin" else "pairing"] = target
            identities[role].append(identity)
    Session.objects.all().delete()  # a reused database's sessions of an earlier run
    Session.objects.bulk_create(rows, batch_size=5000)
    return identities


def _locust(port: int, identities: dict, folder: Path) -> list[dict]:
    config = folder / "locust.json"
    result = folder / "result.json"
    config.write_text(
        json.dumps(
            {
                "host": f"http://127.0.0.1:{port}",
                "steps": STEPS,
                "hold": HOLD,
                "settle": SETTLE,
                "spawn_rate": SPAWN_RATE,
                "target_p95_ms": TARGET_P95_MS,
                "database": os.environ["BENCH_DATABASE"],
                "quiet_polls": QUIET_POLLS,
                "identities": identities,
            }
        )
    )
    subprocess.run(
        [sys.executable, "-m", "bench._load_locust", str(config), str(result)],
        cwd=ROOT,
        check=True,
    )
    return json.loads(result.read_text()) if result.exists() else []


def _warm(port: int, identities: dict) -> None:
    """Each page a few times per gunicorn worker before the first step, as a server that has
    been up a while has them: a fresh worker imports the views and compiles the templates on
    its first requests (seconds on this machine)."""
    mentee, mentor, admin = (identities[role][0] for role in ("mentee", "mentor", "admin"))
    pairing = mentee["pairing"]
    pages = [(mentee, url(name, pairing=pairing)) for name in ("dashboard", "my agenda")]
    pages += [(mentee, url(n, pairing=pairing)) for n in ("pairing's sessions", "booking page")]
    pages += [(mentee, url("thread", pairing=pairing)), (mentor, url("availability"))]
    pages += [
        (admin, url(name, cohort=admin["cohort"])) for name in ("cohort page", "cohort pairings")
    ]

    def get(page: tuple[dict, str]) -> None:
        who, path = page
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", path, headers={"Cookie": f"sessionid={who['session']}"})
        conn.getresponse().read()
        conn.close()

    with ThreadPoolExecutor(WARM_CLIENTS) as pool:
        list(pool.map(get, pages * WARM_CLIENTS))


def _percentile(samples: list[int], share: float) -> int:
    return sorted(samples)[min(len(samples) - 1, int(share * len(samples)))]


def _server_side(log: Path, steps: list[dict]) -> None:
    """Add to each step what gunicorn's access log says of its hold: the time each request
    spent inside the worker (not waiting in the listen queue, nor in Locust), per page, and
    how many workers were booted (gunicorn.conf.py's max_requests restarts them)."""
    rows, boots, inside = [], [], {}
    for line in log.read_text(errors="replace").splitlines():
        if found := ACCESS.search(line):
            at = datetime.strptime(found[1], "%d/%b/%Y:%H:%M:%S %z").timestamp()
            rows.append((at, page_of(found[2], found[3]), int(found[4]), int(found[5])))
            if request_id := REQUEST_ID.search(line):
                inside[request_id[1]] = int(found[5])
        elif found := BOOTED.search(line):
            boots.append(datetime.strptime(found[1], "%Y-%m-%d %H:%M:%S %z").timestamp())
    for step in steps:
        for request in step.get("slow", []):  # how much of a slow answer was spent inside
            request["inside_ms"] = inside.get(request["request_id"])
        start, end = step["window"]
        ms: dict[str, list[int]] = defaultdict(list)
        for at, page, _status, duration in rows:
            if start <= at + 1 and at <= end:  # the log's times are whole seconds
                ms[page].append(duration)
        everything = [d for durations in ms.values() for d in durations]
        step["server"] = {
            "p50_ms": _percentile(everything, 0.5) if everything else None,
            "p95_ms": _percentile(everything, 0.95) if everything else None,
            "workers_booted": sum(start <= at <= end for at in boots),
            "pages": {
                page: {"p50_ms": _percentile(d, 0.5), "p95_ms": _percentile(d, 0.95)}
                for page, d in sorted(ms.items())
            },
        }


def main() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="bench._pages_settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1",
        REDIS_URL=BROKER,
        CELERY_BROKER_URL=BROKER,
        CACHE_URL=CACHE,
        EMAIL_URL="dummymail://",
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    started = time.perf_counter()
    setup_django(fresh=not REUSE)
    import redis
    from django.db import connection
    from django.utils import timezone

    for redis_url in (BROKER, CACHE):
        redis.Redis.from_url(redis_url).flushdb()  # no task or version of an earlier run
    now = timezone.now()
    if not REUSE:
        _seed(now)
        for redis_url in (BROKER, CACHE):
            redis.Redis.from_url(redis_url).flushdb()  # the seed's own tasks: counted as done
    identities = _signed_in(_people(), now)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # a live database has its statistics (autovacuum)
    connection.close()
    seed_s = time.perf_counter() - started
    print(f"{'reused' if REUSE else 'seeded'} {PEOPLE} people in {seed_s:.0f} s", flush=True)

    with TemporaryDirectory() as folder:
        log_dir = Path(folder)
        worker = worker_start(
            "load", broker=BROKER, log_dir=log_dir, beat=True, CACHE_URL=CACHE,
            EMAIL_URL="dummymail://",
        )  # fmt: skip
        try:
            workers_wait_ready(1)
            with gunicorn_running(
                env=web_env(),
                workers=None,
                log=log_dir / "gunicorn.log",
                # its worker boots, counted per step; BENCH_LOAD_GUNICORN_ARGS to try a change of
                # gunicorn.conf.py ("--max-requests 0") before making it
                args=["--log-level", "info", *GUNICORN_ARGS],
            ) as port:
                _warm(port, identities)
                steps = _locust(port, identities, log_dir)
        finally:
            worker.terminate()
            worker.wait(timeout=60)
        errors = worker_errors(log_dir)
        gunicorn_errors = [
            line
            for line in (log_dir / "gunicorn.log").read_text(errors="replace").splitlines()
            if "[ERROR]" in line or "Traceback" in line
        ]
        if gunicorn_errors:
            print("\n".join(["First errors in the gunicorn log:", *gunicorn_errors[:5]]))
        _server_side(log_dir / "gunicorn.log", steps)
        if os.environ.get("BENCH_LOAD_LOGS"):  # keep gunicorn's, the worker's and Locust's files
            shutil.copytree(log_dir, os.environ["BENCH_LOAD_LOGS"], dirs_exist_ok=True)

    passed = [step for step in steps if step["passed"]]
    best = passed[-1] if passed else None
    rows: list[tuple[str, object]] = [
        ("people", f"{PEOPLE}, {'reused' if REUSE else 'seeded'} in {seed_s:.0f} s"),
        ("gunicorn", f"gunicorn.conf.py {' '.join(GUNICORN_ARGS)}".strip()),
        ("thread polls", "quiet threads every 15 s" if QUIET_POLLS else "every 3 s everywhere"),
        ("steps (users)", ", ".join(str(s["users"]) for s in steps)),
    ]
    for step in steps:
        rows.append(
            (
                f"{step['users']} users",
                f"p50 {step['p50_ms']} ms, p95 {step['p95_ms']} ms (pages alone, no polls: "
                f"{step['pages_p95_ms']} ms), {step['rps']} req/s, {step['errors']} errors, "
                f"Locust {step['locust_cpu_percent']} % of a core, "
                f"machine {step['machine_cpu_percent']} % busy, load {' '.join(step['loadavg'])}",
            )
        )
        server = step["server"]
        cpu = ", ".join(f"{part} {share} %" for part, share in step["stack_cpu_percent"].items())
        rows.append(("  CPU (% of one core; 200 % in all)", cpu))
        rows.append(
            (
                "  inside gunicorn",
                f"p50 {server['p50_ms']} ms, p95 {server['p95_ms']} ms, "
                f"{server['workers_booted']} workers booted",
            )
        )
        for page, figures in step["pages"].items():
            inside = server["pages"].get(page, {})
            rows.append(
                (
                    f"  {page}",
                    f"p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
                    f"{figures['rps']} req/s, {figures['errors']} errors; inside gunicorn "
                    f"p50 {inside.get('p50_ms')} ms, p95 {inside.get('p95_ms')} ms",
                )
            )
        for sample in step["error_samples"]:
            rows.append(("  error", sample))
        slow = step.get("slow", [])
        if slow:
            outside = [r["ms"] - r["inside_ms"] for r in slow if r.get("inside_ms") is not None]
            median = _percentile(outside, 0.5) if outside else "-"
            rows.append(
                (
                    "  answers >= 1 s (first 200)",
                    f"{len(slow)}; of their time, outside gunicorn's worker (queued for a "
                    f"free worker, or in Locust): median {median} ms",
                )
            )
    rows.append(("errors in worker logs", len(errors)))
    report(
        "load",
        rows,
        {
            "users": best["users"] if best else 0,
            "p95_ms": best["p95_ms"] if best else None,
            "errors": best["errors"] if best else None,
            "rps": best["rps"] if best else None,
            "pages_p95_ms": best["pages_p95_ms"] if best else None,
            "pages": best["pages"] if best else {},
            "server": best["server"] if best else {},
            "locust_cpu_percent": best["locust_cpu_percent"] if best else None,
            "stack_cpu_percent": best["stack_cpu_percent"] if best else None,
            "loadavg": best["loadavg"] if best else None,
            "people": PEOPLE,
            "gunicorn_args": GUNICORN_ARGS,
            "quiet_polls": QUIET_POLLS,
            "hold_seconds": HOLD,
            "steps": [
                {
                    k: v
                    for k, v in step.items()
                    if k not in ("pages", "error_samples", "window", "slow")
                }
                for step in steps
            ],
            "target_met": bool(best) and best["users"] >= 2000,
        },
    )


if __name__ == "__main__":
    main()
