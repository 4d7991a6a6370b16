"""A mentor's booking rules from the shared cache (mentoring/live.py), for the pages that show
free times (booking a session, moving one): the availability with its weekly windows and the
date overrides from the day before the mentor's local today on, in one cache round trip instead
of three queries.

They are kept per mentor under a version that every write to the mentor's Availability,
WeeklyWindow and DateOverride rows bumps: the signals in sessions_app/receivers.py, and by hand
the writes that send none (the weekly windows' bulk create in availability_save, the removals
of a leaver, the benchmarks' seeds). What is kept is rows, not free times: the mentor's time
zone, sessions and calendars are read afresh on every page.

Only showing free times reads the copy. Booking and moving (the pages' POST and the services
behind them) read the database, the rules locked, so a copy out of date could at worst show a
time that is then refused, never book one. The setting BOOKING_RULES_CACHE (on unless a test
turns it off) and a shared cache (LIVE_VERSIONS_CACHED) turn the copy on; without them, or when
the cache fails, the rules come from the database.
"""

import hashlib
from collections.abc import Iterable
from datetime import datetime

import django
from django.conf import settings

from accounts.models import User
from mentoring.live import bump_now_and_on_commit, cached
from sessions_app.models import Availability, WeeklyWindow
from sessions_app.selectors.availability import (
    BookingRules,
    booking_rules_read,
    booking_rules_since,
    local_today,
)

# Kept copies are model instances: a release that changes those models (or Django) reads new
# copies under a new key rather than unpickling old ones.
_SHAPE = hashlib.sha256(
    repr(
        (
            django.__version__,
            [f.attname for f in Availability._meta.concrete_fields],
            [f.attname for f in WeeklyWindow._meta.concrete_fields],
        )
    ).encode()
).hexdigest()[:12]


def _version_key(mentor_id: int) -> str:
    return f"live:rules-v:{mentor_id}"


def booking_rules_changed(*, mentor_ids: Iterable[int | None]) -> None:
    """These mentors' rules, weekly windows or date overrides were written: their booking
    pages read them afresh, now and once committed."""
    bump_now_and_on_commit(sorted({_version_key(pk) for pk in mentor_ids if pk}))


def booking_rules_for(*, mentor: User, now: datetime, kept: bool = True) -> BookingRules:
    """The mentor's rules to show free times with: from the shared cache while the mentor's
    version stands, when `kept` (a page's GET); else from the database (three queries)."""
    since = booking_rules_since(mentor=mentor, now=now)

    def read() -> BookingRules:
        return booking_rules_read(mentor=mentor, since=since)

    if not kept:
        return read()
    rules = cached(
        version_keys=[_version_key(mentor.pk)],
        key=f"live:rules:{_SHAPE}:{mentor.pk}",
        compute=read,
        enabled=getattr(settings, "BOOKING_RULES_CACHE", True),
    )
    # A copy from a later day (only when clocks move back, as in tests) misses today's dates.
    return rules if rules.covers(local_today(user=mentor, now=now)) else read()
