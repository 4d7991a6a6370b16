"""The pages the load model's personas ask for (bench/_load_locust.py), named as Locust reports
them; bench.load finds the same pages in gunicorn's access log by these paths, and
tests/test_bench_load.py checks that each path is the view named here. No imports: the Locust
process (gevent) and Django's both read it."""

import re

# name: (method, path with {pairing}, {cohort} or {session} ids, the view's URL name)
PAGES = {
    "dashboard": ("GET", "/dashboard/", "home:dashboard"),
    "my agenda": ("GET", "/sessions/my-agenda/", "sessions_app:my_agenda"),
    "availability": ("GET", "/sessions/availability/", "sessions_app:availability"),
    "pairing's sessions": ("GET", "/sessions/pairings/{pairing}/", "sessions_app:pairing_sessions"),
    "booking page": ("GET", "/sessions/pairings/{pairing}/book/", "sessions_app:book"),
    "book": ("POST", "/sessions/pairings/{pairing}/book/", "sessions_app:book"),
    "session page": ("GET", "/sessions/{session}/", "sessions_app:detail"),
    "thread": ("GET", "/exchange/messages/pairing/{pairing}/", "exchange:thread"),
    "send message": ("POST", "/exchange/messages/pairing/{pairing}/", "exchange:thread"),
    "poll": ("GET", "/exchange/messages/pairing/{pairing}/poll/", "exchange:thread_poll"),
    "cohort page": ("GET", "/programmes/cohorts/{cohort}/", "oversight:cohort_detail"),
    "cohort pairings": (
        "GET",
        "/programmes/cohorts/{cohort}/pairings/",
        "oversight:cohort_pairings",
    ),
}
IDS = re.compile(r"\{\w+\}")


def url(name: str, **ids: object) -> str:
    return PAGES[name][1].format(**ids)


def page_of(method: str, path: str) -> str:
    """The name of the page a request (method, path without the query) asked for."""
    for name, (page_method, template, _view) in PAGES.items():
        if method == page_method and re.fullmatch(IDS.sub(r"\\d+", template), path):
            return f"{method} {name}"
    return f"{method} other"
