"""The cohort page's headline figures and charts from the shared cache (mentoring/live.py).

They are aggregates over the whole cohort, the same for every admin who sees it the same way,
so they are kept per (cohort, viewer's local day, viewer's time zone, language) for at most
COHORT_FIGURES_CACHE_SECONDS (300 unless set; 0 turns the cache off), under a per-cohort version
that the writes an admin makes or sees as structural bump (pairings, enrolments, pauses,
health and its snoozes, published match runs, the cohort's dates: oversight/receivers.py and
the health refresh). The partners' own activity (sessions held, messages, feedback) bumps
nothing: it shows within that many seconds, and the page says how old its figures are.
The queue ("Needs you now") and the pairings table are never cached.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language

from mentoring.live import bump_now_and_on_commit, cached, shared

DEFAULT_SECONDS = 300


def figures_cache_seconds() -> int:
    """How long the figures may be kept: COHORT_FIGURES_CACHE_SECONDS, 0 (or less) for never."""
    return int(getattr(settings, "COHORT_FIGURES_CACHE_SECONDS", DEFAULT_SECONDS))


def figures_cached() -> bool:
    """Whether the figures come from the cache at all: only a cache every worker shares keeps
    them (mentoring.live), and only while the setting allows."""
    return figures_cache_seconds() > 0 and shared()


def _version_key(cohort_id: int) -> str:
    return f"live:cohort-figures-v:{cohort_id}"


def cohort_figures_changed(*, cohort_ids: Iterable[int | None]) -> None:
    """These cohorts' figures and charts are computed afresh, now and once committed."""
    bump_now_and_on_commit(sorted({_version_key(pk) for pk in cohort_ids if pk}))


def cohort_dashboard_cached(
    *, cohort_id: int, now: datetime, today: date, tz: ZoneInfo, compute: Callable[[], dict]
) -> dict:
    """`compute()` (the figures and charts as the viewer sees them), kept in the shared cache
    while the cohort's version stands, within one window of COHORT_FIGURES_CACHE_SECONDS: the
    window is part of the key, so nothing is shown older than that."""
    seconds = figures_cache_seconds()
    if seconds <= 0:
        return compute()
    window = int(now.timestamp()) // seconds
    key = (
        f"live:cohort-figures:{cohort_id}:{today.isoformat()}:{tz.key}:{get_language()}"
        f":{seconds}:{window}"
    )
    return cached(version_keys=[_version_key(cohort_id)], key=key, compute=compute)
