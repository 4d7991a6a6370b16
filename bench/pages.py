"""Server time and query count of the main pages, in process, against the demo data.

Target (issue 16): each page's server time p50 is at most 15 ms, and its query count does not
depend on the rows it lists. Measured with Django's test Client (no network, no gunicorn): each
GET is repeated REPEAT times after a warm-up, timed with `time.perf_counter`, and the median
kept; the queries of one GET are counted with CaptureQueriesContext. Pages: the dashboard, the
profile page, the booking page, a message thread and the poll an open thread sends every 3
seconds (as the demo mentee), and the cohort page (as the demo admin).

The cache is production's when REDIS_URL and CACHE_URL are set, as they should be for the
figures (CACHE_URL a Redis database of its own: the run clears it): the unread badge, the
dashboard's counters and the navigation's admin links then come from Redis, invalidated on
write, as on a real server. Without them it runs as the embedded mode does (a per-process
cache, in which those caches are off) and says so in its report.

Then every page: each persona (the demo mentee, her mentor, the demo admin) follows every link of
the site's own pages from its start pages, breadth first, GET only (up to BENCH_CRAWL_LIMIT pages
each, default 250; 0 skips this part), and each HTML page found is timed in rounds: a warm-up
round, then BENCH_CRAWL_REPEAT rounds (default 9), each GETting every page once, and each page's
median kept. The report gives how many pages there are, how many are over the target, the median,
and the slowest with their queries.

Pages differ only by their query string count as pages of their own (a week of free times, a
sort order). Each page's Python calls per GET are counted too (cProfile, one GET): times swing
with the load of the host, the calls do not, so two versions of the code compare by them
exactly.

The earlier gunicorn throughput comparison with a trivial view (">= 40 % of its req/s") was
dropped: it measured the worker setup as much as the pages, and took minutes to run.
"""

import contextlib
import os
import statistics
import time
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from bench.harness import count_calls, count_queries, p50, report, setup_django, timed

REPEAT = int(os.environ.get("BENCH_REPEAT", "50"))
TARGET_P50_MS = 15.0
CRAWL_REPEAT = int(os.environ.get("BENCH_CRAWL_REPEAT", "9"))
CRAWL_LIMIT = int(os.environ.get("BENCH_CRAWL_LIMIT", "250"))
CRAWL_STARTS = ("/dashboard/", "/profile/", "/sessions/agenda/", "/programmes/")
# Not followed: Django's admin site, files, and signing out (the persona would stop being one).
CRAWL_SKIP = ("/admin/", "/static/", "/media/", "/accounts/logout/")
SLOWEST_SHOWN = 15


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _site_pages(client, starts=CRAWL_STARTS) -> list[str]:
    """The site's own HTML pages a signed-in client reaches from `starts`, breadth first."""
    seen: set[str] = set()
    pages: list[str] = []
    queue = list(starts)
    while queue and len(seen) < CRAWL_LIMIT:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages.append(path)
        links = _Links()
        links.feed(response.content.decode())
        for href in links.hrefs:
            url = urlsplit(urljoin(path, href))
            if url.scheme not in ("", "http") or url.netloc not in ("", "testserver"):
                continue
            if url.path.startswith(CRAWL_SKIP):
                continue
            found = url.path + (f"?{url.query}" if url.query else "")
            if found not in seen:
                queue.append(found)
    return pages


def every_page(personas: list[tuple[str, object]]) -> dict:
    """p50 and queries of every page each persona reaches, the slowest first.

    The pages are timed in rounds, each GETting every page once: a burst of load on the host
    (another process on the same cores) then costs one sample of many pages, which their
    medians shed, rather than every sample of the one page timed during it."""
    found = [
        (persona, client, path) for persona, client in personas for path in _site_pages(client)
    ]
    samples: list[list[float]] = [[] for _ in found]
    for round_ in range(CRAWL_REPEAT + 1):  # the first round warms up, untimed
        for (_, client, path), times in zip(found, samples, strict=True):
            started = time.perf_counter()
            client.get(path)
            if round_:
                times.append((time.perf_counter() - started) * 1000)
    timed_pages = []
    for (persona, client, path), times in zip(found, samples, strict=True):

        def get(client=client, path=path):
            client.get(path)

        timed_pages.append((p50(times), count_queries(get), count_calls(get), persona, path))
    timed_pages.sort(key=lambda page: page[0], reverse=True)
    over = [page for page in timed_pages if page[0] > TARGET_P50_MS]
    return {
        "pages": len(timed_pages),
        "over_target": len(over),
        "median_ms": p50(page[0] for page in timed_pages),
        "median_calls": round(statistics.median(page[2] for page in timed_pages)),
        "over_30000_calls": sum(1 for page in timed_pages if page[2] > 30_000),
        "slowest": [
            {"p50_ms": ms, "queries": queries, "calls": calls, "persona": persona, "path": path}
            for ms, queries, calls, persona, path in timed_pages[:SLOWEST_SHOWN]
        ],
    }


def main() -> None:
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "1"  # seed_demo's emails, sent in this process
    # Production-like: DEBUG off (no query log kept), the static files manifest not needed.
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench._pages_settings"
    os.environ.update(
        DEBUG="0",
        SECRET_KEY="bench-only-" + "x" * 50,
        ALLOWED_HOSTS="testserver",
        SECURE_SSL_REDIRECT="0",
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
    )
    setup_django()
    from django.conf import settings
    from django.core.cache import cache
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils.timezone import now

    from accounts.models import User
    from exchange.selectors.messages import cursor_from
    from pairings.models import Pairing

    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        call_command("seed_demo", force=True, verbosity=0, stdout=devnull)  # and its emails
    cache.clear()  # nothing cached from an earlier run's rows, whose ids the new ones reuse
    lucy = User.objects.get(email__startswith="lucy@")
    mentee = Client()
    mentee.force_login(lucy)
    pairing = Pairing.objects.filter(mentee=lucy, status=Pairing.Status.ACTIVE).first()
    poll = f"{reverse('exchange:thread_poll', args=[pairing.pk])}?since={cursor_from(now())}"
    pages = [
        (mentee, "/dashboard/"),
        (mentee, "/profile/"),
        (mentee, reverse("sessions_app:book", args=[pairing.pk])),
        (mentee, reverse("exchange:thread", args=[pairing.pk])),
        (mentee, poll),
    ]
    mentor = Client()
    mentor.force_login(pairing.mentor)
    personas = [("mentee", mentee), ("mentor", mentor)]
    admin_user = User.objects.filter(email__startswith="admin@").first()
    cohort = pairing.cohort if hasattr(pairing, "cohort") else None
    if admin_user is not None and cohort is not None:
        from allauth.mfa.models import Authenticator

        # Admin pages open only with a second factor; a TOTP authenticator stands for it.
        Authenticator.objects.get_or_create(
            user=admin_user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
        )
        admin = Client()
        admin.force_login(admin_user)
        pages.append((admin, reverse("oversight:cohort_detail", args=[cohort.pk])))
        personas.append(("admin", admin))

    rows: list[tuple[str, object]] = []
    shared = settings.LIVE_VERSIONS_CACHED
    figures: dict = {
        "repeat": REPEAT,
        "target_p50_ms": TARGET_P50_MS,
        "cache": "redis" if shared else "local memory (embedded mode: live caches off)",
        "pages": {},
    }
    met = True
    for client, path in pages:

        def get(client=client, path=path):
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        ms = p50(timed(get, repeat=REPEAT, warmup=3))
        queries, calls = count_queries(get), count_calls(get)
        ok = ms <= TARGET_P50_MS
        met = met and ok
        figures["pages"][path] = {
            "p50_ms": ms,
            "queries": queries,
            "calls": calls,
            "target_met": ok,
        }
        rows.append((f"{path} (p50 ms, queries, calls)", f"{ms}  {queries}  {calls}"))
    if CRAWL_LIMIT:  # BENCH_CRAWL_LIMIT=0: the pages above only
        every = figures["every_page"] = every_page(personas)
        rows.append(("every page: pages, over target, median ms, median calls", ""))
        rows.append(
            (
                f"  {every['pages']} pages",
                f"{every['over_target']} over  {every['median_ms']} ms  "
                f"{every['median_calls']} calls ({every['over_30000_calls']} over 30,000)",
            )
        )
        for page in every["slowest"]:
            rows.append(
                (
                    f"  {page['persona']} {page['path']}",
                    f"{page['p50_ms']}  {page['queries']}  {page['calls']}",
                )
            )
        met = met and every["over_target"] == 0
    rows.append(("cache", figures["cache"]))
    figures["target_met"] = met
    report("pages", rows, figures)


if __name__ == "__main__":
    main()
