"""Pages under gunicorn (2 workers, PostgreSQL) against a trivial Django view on the same server.

Target (DESIGN.md): each page serves >= 40% of the trivial view's requests per second, and its
query count does not depend on the rows it lists. Measured: the dashboard, the profile page, the
booking page, a message thread and the poll an open thread sends every 3 seconds (its rate / 3
is how many open threads the two workers keep up with).
"""

import http.client
import os
import socket
import subprocess
import time
from multiprocessing import Pool

from bench.harness import ROOT, database_url, report, setup_django

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = 4  # concurrent client processes: enough to keep 2 sync workers busy
TARGET_RATIO = 0.40
SECRET_KEY = "bench-only-" + "x" * 50  # the session cookie made here must verify in gunicorn


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _hammer(args: tuple[int, str, str, float]) -> tuple[int, int]:
    """Send GETs for `seconds`; return (ok responses, other responses)."""
    port, path, cookie, seconds = args
    ok = bad = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", path, headers={"Cookie": cookie, "Host": "127.0.0.1"})
        response = conn.getresponse()
        response.read()
        conn.close()
        ok, bad = (ok + 1, bad) if response.status == 200 else (ok, bad + 1)
    return ok, bad


def _rps(port: int, path: str, cookie: str) -> tuple[float, int]:
    with Pool(CLIENTS) as pool:
        results = pool.map(_hammer, [(port, path, cookie, SECONDS)] * CLIENTS)
    ok = sum(r[0] for r in results)
    return round(ok / SECONDS, 1), sum(r[1] for r in results)


def main() -> None:
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # seed_demo's emails, sent in this process
    setup_django()
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils.timezone import now

    from accounts.models import User
    from exchange.selectors.messages import cursor_from
    from pairings.models import Pairing

    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    lucy = User.objects.get(email__startswith="lucy@")
    client = Client()
    client.force_login(lucy)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    # Her thread (the demo's four messages) and the poll an open thread sends every 3 seconds.
    pairing = Pairing.objects.filter(mentee=lucy, status=Pairing.Status.ACTIVE).first()
    booking = reverse("sessions_app:book", args=[pairing.pk])
    thread = reverse("exchange:thread", args=[pairing.pk])
    poll = f"{reverse('exchange:thread_poll', args=[pairing.pk])}?since={cursor_from(now())}"

    port = _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench._pages_settings",
        "DATABASE_URL": database_url(),
        "DEBUG": "0",
        "SECRET_KEY": SECRET_KEY,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "mentoring.wsgi:application",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        _hammer((port, "/dashboard/", cookie, 1.0))  # warm both workers
        trivial, _ = _rps(port, "/bench/trivial", cookie)
        signed_in, _ = _rps(port, "/bench/trivial-signed-in", cookie)
        pages = {path: _rps(port, path, cookie) for path in ("/dashboard/", "/profile/")}
        pages["booking"] = _rps(port, booking, cookie)
        pages["thread"] = _rps(port, thread, cookie)
        pages["thread poll"] = _rps(port, poll, cookie)
    finally:
        server.terminate()
        server.wait(timeout=10)

    # The target compares with the trivial view. The signed-in trivial view is shown beside it
    # to tell what any signed-in page pays (session and user) from what the page itself costs.
    rows = [("trivial view (req/s)", trivial), ("trivial view, signed in (req/s)", signed_in)]
    figures: dict = {"trivial_rps": trivial, "trivial_signed_in_rps": signed_in}
    met = True
    for path, (rps, errors) in pages.items():
        ratio = round(rps / trivial, 2)
        rows.append((f"{path} (req/s, share of trivial, errors)", f"{rps}  {ratio:.0%}  {errors}"))
        key = path.strip("/").replace("/", "_").replace(" ", "_")
        figures[f"{key}_rps"] = rps
        figures[f"{key}_ratio"] = ratio
        met = met and ratio >= TARGET_RATIO and errors == 0
    figures["target_met"] = met
    report("pages", rows, figures)


if __name__ == "__main__":
    main()
