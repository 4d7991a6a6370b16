"""The cohort page's cohort-wide content from the shared cache (mentoring/live.py): its headline
figures and charts, the queue ("Needs you now": pairings at risk or needing attention, mentees
waiting for a mentor, pauses waiting for agreement), the latest matching and the pairings table
(as the page shows it and as htmx asks for it alone, page by page and filter by filter).

They are the same for every admin who sees the cohort the same way, so they are kept, as
rendered HTML, per (cohort, viewer's local day, viewer's time zone, language, and for the table
its normalised query: oversight.views.cohort_page) for at most COHORT_FIGURES_CACHE_SECONDS (300
unless set; 0 turns the cache off), under a per-cohort version that the writes an admin makes
or sees as structural bump (pairings, enrolments, pauses, health and its snoozes, match runs,
mentors' requests, the cohort itself: oversight/receivers.py and the health refresh): a snooze,
a close, a rematch or a pause agreed shows at once. The partners' own activity (sessions held,
messages, feedback) bumps nothing: it shows within that many seconds, and the page says how old
its figures, queue and table are. Nothing in the cache belongs to one viewer: the forms' CSRF
token and the page's own address are stand-ins there, each viewer's put in on the way out.
The printable report and the CSV exports are never cached.
"""

import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import get_language

from mentoring.live import bump_now_and_on_commit, shared, version

logger = logging.getLogger(__name__)

DEFAULT_SECONDS = 300


def figures_cache_seconds() -> int:
    """How long the page's cohort-wide content may be kept: COHORT_FIGURES_CACHE_SECONDS, 0 (or
    less) for never."""
    return int(getattr(settings, "COHORT_FIGURES_CACHE_SECONDS", DEFAULT_SECONDS))


def figures_cached() -> bool:
    """Whether that content comes from the cache at all: only a cache every worker shares keeps
    it (mentoring.live), and only while the setting allows."""
    return figures_cache_seconds() > 0 and shared()


def _version_key(cohort_id: int) -> str:
    return f"live:cohort-figures-v:{cohort_id}"


def cohort_figures_changed(*, cohort_ids: Iterable[int | None]) -> None:
    """These cohorts' pages (figures, charts, queue and table) are computed afresh, now and
    once committed."""
    bump_now_and_on_commit(sorted({_version_key(pk) for pk in cohort_ids if pk}))


Part = tuple[str, Callable[[], dict]]  # what the part's HTML depends on besides the base key


def cohort_page_cached(
    *, cohort_id: int, now: datetime, today: date, tz: ZoneInfo, parts: dict[str, Part]
) -> dict[str, dict]:
    """Each part's `compute()` (a dict with "as_of": when it was computed), kept in the shared
    cache while the cohort's version stands, within one window of COHORT_FIGURES_CACHE_SECONDS:
    the window is part of the key (with the cohort, the viewer's day, zone and language, and the
    part's name and own key), so nothing is older than that. One round trip reads the version
    and every part. The first part says how old the page is: a later part computed before it is
    computed again, so nothing the page shows is older than the time it states.

    Without the cache (setting 0, no shared cache, or the cache failing) every part is computed.
    """
    seconds = figures_cache_seconds()
    if not figures_cached():
        return {name: compute() for name, (_key, compute) in parts.items()}
    window = int(now.timestamp()) // seconds
    base = (
        f"live:cohort-page:{cohort_id}:{today.isoformat()}:{tz.key}:{get_language()}"
        f":{seconds}:{window}"
    )
    keys = {name: f"{base}:{name}:{key}" for name, (key, _compute) in parts.items()}
    version_key = _version_key(cohort_id)
    try:
        found = cache.get_many([version_key, *keys.values()])
    except Exception:  # the cache is an optimisation: down means "ask the database"
        logger.warning("cache unavailable reading %s", base, exc_info=True)
        return {name: compute() for name, (_key, compute) in parts.items()}
    current = found.get(version_key)
    values: dict[str, dict] = {}
    fresh: dict[str, dict] = {}
    page_as_of = None
    for name, (_key, compute) in parts.items():
        stored = found.get(keys[name])
        if (
            current is not None
            and stored is not None
            and stored[0] == current
            and (page_as_of is None or stored[1]["as_of"] >= page_as_of)
        ):
            values[name] = stored[1]
        else:
            if current is None:
                current = version(version_key)  # set before computing, as mentoring.live does
            values[name] = fresh[name] = compute()
        if page_as_of is None:
            page_as_of = values[name]["as_of"]
    if fresh and current is not None:
        try:
            cache.set_many({keys[name]: (current, value) for name, value in fresh.items()}, seconds)
        except Exception:
            logger.warning("cache unavailable storing %s", base, exc_info=True)
    return values
