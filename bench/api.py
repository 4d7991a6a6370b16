"""The REST API's session list beside the page that lists the same sessions, under gunicorn
(2 workers, PostgreSQL) on the same server in one run.

A mentor with 300 upcoming sessions (30 mentees, 10 each): requests per second of
GET /api/v1/sessions/ with a personal token (its default page of 50, and a page of 25 like the
page's), of "My agenda" (/sessions/my-agenda/, 25 a page, signed in by cookie), and of the
trivial view; and the queries each answer costs. The API's throttles are raised for the run
(one token sends thousands of requests a minute here).
"""

import http.client
import os
import time
from datetime import timedelta
from multiprocessing import Pool

from bench.harness import (
    SECRET_KEY,
    bench_organisation,
    gunicorn_running,
    report,
    setup_django,
    web_env,
)

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CLIENTS = 4  # concurrent client processes: enough to keep 2 sync workers busy
SESSIONS = 300
MENTEES = 30
UNTHROTTLED = "100000000/minute"


def _hammer(args: tuple[int, str, dict, float]) -> tuple[int, int]:
    """Send GETs for `seconds`; return (ok responses, other responses)."""
    port, path, headers, seconds = args
    ok = bad = 0
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
        response = conn.getresponse()
        response.read()
        conn.close()
        ok, bad = (ok + 1, bad) if response.status == 200 else (ok, bad + 1)
    return ok, bad


def _rps(port: int, path: str, headers: dict) -> tuple[float, int]:
    with Pool(CLIENTS) as pool:
        results = pool.map(_hammer, [(port, path, headers, SECONDS)] * CLIENTS)
    return round(sum(r[0] for r in results) / SECONDS, 1), sum(r[1] for r in results)


def _mentor_with_sessions():
    """Bob, mentoring 30 mentees with 10 upcoming sessions each, an hour apart."""
    from django.utils import timezone

    from accounts.models import User
    from pairings.models import Pairing
    from programmes.models import Cohort
    from sessions_app.models import Appointment

    today = timezone.now().date()
    cohort = Cohort.objects.create(
        organisation=bench_organisation(),
        name="API bench",
        starts_on=today,
        ends_on=today + timedelta(days=365),
        enrolment_deadline=today,
    )
    bob = User.objects.create_user(
        email="bob@bench.example", password=None, display_name="Bob", timezone="America/New_York"
    )
    first = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=1)
    rows = []
    for m in range(MENTEES):
        mentee = User.objects.create_user(
            email=f"mentee{m}@bench.example", password=None, display_name=f"Mentee {m}"
        )
        pairing = Pairing.objects.create(
            cohort=cohort, mentor=bob, mentee=mentee, status=Pairing.Status.ACTIVE
        )
        for n in range(SESSIONS // MENTEES):
            starts = first + timedelta(hours=m * (SESSIONS // MENTEES) + n)
            rows.append(
                Appointment(
                    pairing=pairing,
                    mentor=bob,
                    mentee=mentee,
                    starts_at=starts,
                    ends_at=starts + timedelta(minutes=45),
                    blocked_from=starts,
                    blocked_until=starts + timedelta(minutes=55),
                    mode=Appointment.Mode.VIDEO,
                    booked_by=mentee,
                )
            )
    Appointment.objects.bulk_create(rows)
    return bob


def _queries(client: object, path: str, **headers: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(path, **headers)  # warm: the token's last use, the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path, **headers)
    assert response.status_code == 200, (path, response.status_code)
    return len(ctx.captured_queries)


def main() -> None:
    os.environ["SECRET_KEY"] = SECRET_KEY
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,testserver"  # the query counts ask in-process
    for rate in ("API_RATE_PER_TOKEN", "API_RATE_PER_ADDRESS"):
        os.environ[rate] = UNTHROTTLED
    setup_django()
    from django.test import Client
    from django.urls import reverse

    from api.services import api_token_create

    bob = _mentor_with_sessions()
    _token, text = api_token_create(user=bob, name="bench", scope="read", expires_at=None)
    client = Client()
    client.force_login(bob)
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    agenda = reverse("sessions_app:my_agenda")
    api = "/api/v1/sessions/"
    api_25 = f"{api}?page_size=25"
    bearer = {"Authorization": f"Bearer {text}"}
    queries = {
        "api": _queries(Client(), api, HTTP_AUTHORIZATION=bearer["Authorization"]),
        "api_25": _queries(Client(), api_25, HTTP_AUTHORIZATION=bearer["Authorization"]),
        "my_agenda": _queries(client, agenda),
    }

    # The session cookie made here verifies in gunicorn: the same SECRET_KEY (harness).
    with gunicorn_running(env=web_env()) as port:
        _hammer((port, agenda, {"Cookie": cookie}, 1.0))  # warm both workers
        _hammer((port, api, bearer, 1.0))
        measured = {
            "trivial": _rps(port, "/bench/trivial", {}),
            "api": _rps(port, api, bearer),
            "api_25": _rps(port, api_25, bearer),
            "my_agenda": _rps(port, agenda, {"Cookie": cookie}),
        }

    labels = {
        "trivial": "trivial view",
        "api": f"GET {api} (token, 50 a page)",
        "api_25": f"GET {api_25} (token)",
        "my_agenda": f"My agenda {agenda} (cookie, 25 a page)",
    }
    rows = [("sessions of the mentor", SESSIONS)]
    figures: dict = {"sessions": SESSIONS, "seconds": SECONDS, "clients": CLIENTS}
    for key, (rps, errors) in measured.items():
        count = queries.get(key)
        rows.append(
            (
                f"{labels[key]} (req/s, errors, queries)",
                f"{rps}  {errors}  {'-' if count is None else count}",
            )
        )
        figures[f"{key}_rps"] = rps
        figures[f"{key}_errors"] = errors
        if count is not None:
            figures[f"{key}_queries"] = count
    figures["api_vs_my_agenda"] = round(measured["api_25"][0] / measured["my_agenda"][0], 2)
    report("api", rows, figures)


if __name__ == "__main__":
    main()
