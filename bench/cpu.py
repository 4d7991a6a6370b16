"""CPU time per request inside a gunicorn worker, page by page, on the demo data.

What bench.load's capacity depends on is the CPU a page view costs the web worker, not its wall
time: on a shared machine wall time swings by tens of percent from one minute to the next, CPU
time much less. One gunicorn worker (gunicorn.conf.py, DEBUG off, Redis cache as in production
when REDIS_URL and CACHE_URL are set) serves the requests one at a time from one client; the
worker's user + system CPU time (psutil, from /proc) is read before and after BENCH_REPEAT
requests of each page, after 20 untimed ones. Pages: the health check, a quiet thread's poll
answered from Redis, the mentee's dashboard, thread, My agenda, booking page and pairing's
sessions, the mentor's availability page and dashboard, and the admin's cohort page.

To compare two commits, run it from a checkout of each in turn, twice each, alternating.
"""

import http.client
import os
import re
import tempfile
from pathlib import Path

os.environ.setdefault("BENCH_DATABASE", "mentoring_bench_cpu")

from bench.harness import SECRET_KEY, gunicorn_running, report, setup_django, web_env

REPEAT = int(os.environ.get("BENCH_REPEAT", "150"))


def main() -> None:
    import psutil

    os.environ.update(
        CELERY_TASK_ALWAYS_EAGER="1",  # seed_demo's emails, sent in this process
        DJANGO_SETTINGS_MODULE="bench._pages_settings",
        DEBUG="0",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    setup_django()
    from allauth.mfa.models import Authenticator
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from pairings.models import Pairing

    with open(os.devnull, "w") as devnull:
        call_command("seed_demo", force=True, verbosity=0, stdout=devnull)
    cache.clear()

    def cookie_of(user: User) -> str:
        client = Client()
        client.force_login(user)
        return f"sessionid={client.cookies['sessionid'].value}"

    lucy = User.objects.get(email__startswith="lucy@")
    pairing = Pairing.objects.filter(mentee=lucy, status=Pairing.Status.ACTIVE).first()
    admin = User.objects.filter(email__startswith="admin@").first()
    # Admin pages open only with a second factor; a TOTP authenticator stands for it.
    Authenticator.objects.get_or_create(
        user=admin, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    mentor, admin_cookie = cookie_of(pairing.mentor), cookie_of(admin)
    thread = reverse("exchange:thread", args=[pairing.pk])
    reader = Client()
    reader.force_login(lucy)
    html = reader.get(thread).content.decode()
    since = re.search(r'id="thread-cursor" name="since" value="(\d+)"', html)[1]
    live = re.search(r'id="thread-live" name="live" value="([^"]*)"', html)[1]
    mentee = f"sessionid={reader.cookies['sessionid'].value}"  # the session the token names
    pages = {
        "health check": ("/healthz", "", 200),
        "poll (204 from Redis)": (
            f"{reverse('exchange:thread_poll', args=[pairing.pk])}?since={since}&live={live}",
            mentee,
            204,
        ),
        "dashboard (mentee)": ("/dashboard/", mentee, 200),
        "thread": (thread, mentee, 200),
        "my agenda": (reverse("sessions_app:my_agenda"), mentee, 200),
        "booking page": (reverse("sessions_app:book", args=[pairing.pk]), mentee, 200),
        "pairing's sessions": (
            reverse("sessions_app:pairing_sessions", args=[pairing.pk]),
            mentee,
            200,
        ),
        "availability (mentor)": (reverse("sessions_app:availability"), mentor, 200),
        "dashboard (mentor)": ("/dashboard/", mentor, 200),
        "cohort page (admin)": (
            reverse("oversight:cohort_detail", args=[pairing.cohort_id]),
            admin_cookie,
            200,
        ),
    }

    log = Path(tempfile.mkdtemp()) / "gunicorn.log"
    env = web_env(ALLOWED_HOSTS="127.0.0.1")
    with gunicorn_running(env=env, workers=1, log=log, args=["--access-logfile", str(log)]) as port:
        server = next(
            p
            for p in psutil.process_iter(["cmdline"])
            if f"127.0.0.1:{port}" in (p.info["cmdline"] or []) and "--bind" in p.info["cmdline"]
        )

        def worker_cpu() -> float:
            return sum(sum(child.cpu_times()[:2]) for child in server.children())

        def get(path: str, cookie: str, expected: int) -> None:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            headers = {"Cookie": cookie, "Host": "127.0.0.1"}
            if "/poll/" in path:
                headers["HX-Request"] = "true"
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            assert response.status == expected, (path, response.status)

        rows, figures = [], {"repeat": REPEAT, "cpu_ms": {}}
        for name, (path, cookie, expected) in pages.items():
            for _ in range(20):
                get(path, cookie, expected)
            before = worker_cpu()
            for _ in range(REPEAT):
                get(path, cookie, expected)
            ms = round((worker_cpu() - before) * 1000 / REPEAT, 2)
            figures["cpu_ms"][name] = ms
            rows.append((f"{name} (ms CPU per request)", ms))
    rows.append(("load average", " ".join(f"{load:.2f}" for load in os.getloadavg())))
    report("cpu", rows, figures)


if __name__ == "__main__":
    main()
