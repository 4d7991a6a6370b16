"""Redis stopped for two minutes under a steady stream of bookings and messages.

The issue's fault, at full length: a private redis-server (never the machine's shared one)
is the broker and the cache of this process and of one real worker and beat (production
settings: beat's outbox scan every OUTBOX_SCAN_SECONDS, 60 s unless set). People book
sessions and send messages through the pages (Django's test client in this process, one
action every STEP_SECONDS) before, during and after the outage; every page and form must answer
200 throughout. The SMTP sink counts every email by what it is about: a booking's invite by
recipient and subject, a message's notification by its X-Notification-Ids, so a digest that
carries three messages counts three. Due during the outage: what the bookings and messages
made while Redis was down owe; sent after: how many of those reached the sink after it
returned; duplicates: anything received twice, over the whole run.

    BENCH_DATABASE=<db> .venv/bin/python -m bench.redis_outage

BENCH_OUTAGE_SECONDS shortens the outage (default 120). The start-up of Django is
bench.harness's; the private Redis, worker, beat and sink are the integration tests' own
(tests/integration/redis_fault.py, support.py).
"""

import logging
import os
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path

OUTAGE_SECONDS = float(os.environ.get("BENCH_OUTAGE_SECONDS", 120))
BEFORE_SECONDS = 20.0
AFTER_SECONDS = 20.0  # the stream goes on this long after Redis returns
DRAIN_DEADLINE = 240.0  # after Redis returns, wait at most this long for what is owed
STEP_SECONDS = 2.0
PAIRINGS = 8
ALL_WEEK = [[day, 0, 24 * 60] for day in range(7)]

_tmp = Path(tempfile.mkdtemp(prefix="bench-redis-outage-"))


def main() -> int:
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # the sink's line per SMTP command
    from tests.integration.redis_fault import PrivateRedis

    redis = PrivateRedis(_tmp / "redis")
    os.environ.update(
        {
            "REDIS_URL": redis.url(0),
            "CELERY_BROKER_URL": redis.url(0),
            "CACHE_URL": redis.url(1),
            "EMAIL_URL": "smtp://127.0.0.1:1",  # this process sends nothing itself
            "SITE_URL": "http://testserver",
            "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        }
    )
    redis.start()
    from bench.harness import database_url, setup_django

    setup_django()
    from django.conf import settings
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client keeps each page's context (the booking form)

    from tests.integration.redis_fault import Beat
    from tests.integration.support import SmtpSink, Worker, free_port

    sink = SmtpSink(free_port())
    sink.start()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mentoring.settings.base",
        "DEBUG": "1",
        "DATABASE_URL": database_url(),
        "EMAIL_URL": f"smtp://127.0.0.1:{sink.port}",
        "PYTHONUNBUFFERED": "1",
    }
    pairings = _seed()
    worker = Worker(hostname="bench-outage@localhost", log_path=_tmp / "worker.log", env=env)
    beat = Beat(directory=_tmp, env=env)
    try:
        worker.wait_ready()
        return _run(redis, sink, pairings, scan=settings.OUTBOX_SCAN_SECONDS)
    finally:
        beat.stop()
        worker.stop()
        sink.stop()
        redis.stop()
        print(f"logs: {_tmp}", file=sys.stderr)


def _seed() -> list:
    from sessions_app.live import booking_rules_changed
    from sessions_app.models import Availability, WeeklyWindow
    from tests.agreements import agreement_reach
    from tests.factories import CohortFactory, EnrolmentFactory, PairingFactory, ProfileFactory

    cohort = CohortFactory(name="Outage cohort")
    pairings = []
    for n in range(PAIRINGS):
        mentor = ProfileFactory(mentor=True, user__email=f"mentor{n}@bench.example").user
        mentee = ProfileFactory(mentee=True, user__email=f"mentee{n}@bench.example").user
        EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
        EnrolmentFactory(cohort=cohort, user=mentee, role="mentee")
        pairing = PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)
        agreement_reach(pairing, channels=["video", "email"], contact_hours=ALL_WEEK)
        availability = Availability.objects.create(mentor=mentor, weekly_limit=40)
        WeeklyWindow.objects.bulk_create(
            WeeklyWindow(availability=availability, weekday=d, starts=clock(7), ends=clock(21))
            for d in range(7)
        )
        booking_rules_changed(mentor_ids=[mentor.pk])  # a bulk create sends no signal
        pairings.append(pairing)
    return pairings


class Stream:
    """People at work: each step a mentee books and a mentor writes, and pages are read."""

    def __init__(self, pairings: list) -> None:
        from django.test import Client

        self.pairings = pairings
        self.step = 0
        self.page_errors = 0
        self.page_ms: dict[str, list[float]] = {"up": [], "down": []}
        self.made: list[tuple[str, set[str]]] = []  # (phase, keys of the emails owed)
        self.clients = []
        for pairing in pairings:
            mentee, mentor = Client(), Client()
            mentee.force_login(pairing.mentee)
            mentor.force_login(pairing.mentor)
            self.clients.append((mentee, mentor))

    def _get(self, client, url: str, phase: str, **params):
        started = time.perf_counter()
        try:
            response = client.get(url, params)
        except Exception as exc:  # a page that raised is an error page for the person
            print(f"page error {url}: {exc!r}", file=sys.stderr)
            self.page_errors += 1
            return None
        self.page_ms[phase].append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            print(f"page {url} answered {response.status_code}", file=sys.stderr)
            self.page_errors += 1
            return None
        return response

    def once(self, phase: str) -> None:
        from django.urls import reverse
        from django.utils import timezone

        from notifications.models import Notification

        index = self.step % len(self.pairings)
        self.step += 1
        pairing = self.pairings[index]
        mentee, mentor = self.clients[index]
        self._get(mentee, reverse("home:dashboard"), phase)
        book = reverse("sessions_app:book", args=[pairing.pk])
        page = self._get(mentee, book, phase, length=45)
        thread = reverse("exchange:thread", args=[pairing.pk])
        self._get(mentor, thread, phase)
        if page is not None:
            form = page.context["form"]
            later = timezone.now() + timedelta(days=3)
            free = [v for _d, options in form.fields["starts_at"].choices for v, _l in options]
            starts_at = next(v for v in free if datetime.fromisoformat(v) >= later)
            data = {"length": 45, "token": str(form["token"].value()), "mode": "video"}
            try:
                done = mentee.post(book, {**data, "place": "", "starts_at": starts_at}, follow=True)
            except Exception as exc:
                print(f"booking raised {exc!r}", file=sys.stderr)
                done = None
            if done is None or done.status_code != 200 or b"Session booked" not in done.content:
                self.page_errors += 1
            else:
                subjects = {
                    _invite_key(person, other, when)
                    for person, other, when in _invite_parties(pairing, starts_at)
                }
                self.made.append((phase, subjects))
        body = f"Step {self.step}: see you soon"
        try:
            sent = mentor.post(thread, {"body": body}, follow=True)
        except Exception as exc:
            print(f"message raised {exc!r}", file=sys.stderr)
            sent = None
        if sent is None or sent.status_code != 200:
            self.page_errors += 1
        else:
            ids = Notification.objects.filter(message__body=body, message__pairing=pairing)
            self.made.append(
                (phase, {f"notification:{pk}" for pk in ids.values_list("pk", flat=True)})
            )


def _invite_parties(pairing, starts_at: str):
    moment = datetime.fromisoformat(starts_at)
    return [(pairing.mentor, pairing.mentee, moment), (pairing.mentee, pairing.mentor, moment)]


def _invite_key(person, partner, moment: datetime) -> str:
    from django.utils import timezone
    from django.utils.formats import date_format

    local = timezone.localtime(moment, person.zoneinfo)
    return f"invite:{person.email}:{date_format(local, 'D j M Y, H:i')}"


def _received(sink) -> Counter:
    """What the sink got, one count per thing owed (a digest counts each message in it)."""
    got: Counter = Counter()
    for message in sink.messages:
        ids = message["X-Notification-Ids"]
        if ids:
            for pk in str(ids).split(","):
                got[f"notification:{pk.strip()}"] += 1
        elif str(message["Subject"]).startswith("[Mentoring] Session booked"):
            when = str(message["Subject"]).split(": ", 1)[1].rsplit(" (", 1)[0]
            got[f"invite:{message['To'].addresses[0].addr_spec}:{when}"] += 1
    return got


def _run(redis, sink, pairings: list, *, scan: float) -> int:
    import json

    stream = Stream(pairings)
    phase_until = time.monotonic() + BEFORE_SECONDS
    while time.monotonic() < phase_until:
        stream.once("up")
        time.sleep(STEP_SECONDS)
    before_outage = sum(_received(sink).values())

    redis.stop()
    print(f"Redis stopped for {OUTAGE_SECONDS:.0f} s", file=sys.stderr)
    down_until = time.monotonic() + OUTAGE_SECONDS
    sent_during = None
    while time.monotonic() < down_until:
        stream.once("down")
        time.sleep(STEP_SECONDS)
    sent_during = sum(_received(sink).values()) - before_outage
    redis.start()
    back = time.monotonic()
    print("Redis back", file=sys.stderr)
    while time.monotonic() < back + AFTER_SECONDS:
        stream.once("up")
        time.sleep(STEP_SECONDS)

    owed_down = set().union(*(keys for phase, keys in stream.made if phase == "down"))
    owed_all = set().union(*(keys for _phase, keys in stream.made))
    drained_at = None
    while time.monotonic() < back + DRAIN_DEADLINE:
        got = _received(sink)
        if owed_all <= set(got):
            drained_at = time.monotonic() - back
            break
        time.sleep(0.5)
    time.sleep(2 * scan if scan < 30 else 10)  # room for a second copy to show up
    got = _received(sink)
    duplicates = sum(count - 1 for count in got.values() if count > 1)
    down_ms = stream.page_ms["down"]
    figures = {
        "outage_s": OUTAGE_SECONDS,
        "bookings_during": sum(
            1 for phase, keys in stream.made if phase == "down" and any("invite" in k for k in keys)
        ),
        "messages_during": sum(
            1
            for phase, keys in stream.made
            if phase == "down" and not any("invite" in k for k in keys)
        ),
        "emails_due": len(owed_down),
        "emails_sent_during": sent_during,
        "emails_sent_after": len(owed_down & set(got)),
        "emails_due_whole_run": len(owed_all),
        "emails_sent_whole_run": len(owed_all & set(got)),
        "duplicates": duplicates,
        "page_errors": stream.page_errors,
        "pages_during_outage": len(down_ms),
        "page_ms_p50_during": round(statistics.median(down_ms), 1) if down_ms else None,
        "page_ms_max_during": round(max(down_ms), 1) if down_ms else None,
        "page_ms_p50_up": round(statistics.median(stream.page_ms["up"]), 1),
        "all_sent_s_after_return": round(drained_at, 1) if drained_at is not None else None,
        "outbox_scan_s": scan,
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }
    print(json.dumps({"bench": "redis_outage", **figures}))
    lost = len(owed_all - set(got))
    return 1 if lost or duplicates or stream.page_errors else 0


if __name__ == "__main__":
    sys.exit(main())
