"""Versions in the shared cache, bumped on every committed write that changes what they stand
for, so a value cached under a version is never shown once it is out of date.

A value is cached with the versions it was computed at; a write bumps the version (now, and
again once committed), so the next read finds them differ and recomputes. The versions are
read before the value is computed, so a value computed from a state older than a write is
stored with a version that is already out of date. Only a cache every worker shares (Redis,
LIVE_VERSIONS_CACHED) is trusted: a per-process cache would miss the other workers' bumps, so
without one every read computes. A cache error computes too: the cache is an optimisation,
never a reason for a 500.

Used by the thread poll and the unread badge (exchange/live.py), by the dashboard's
counters: each person's under their own version, which the writes of every app bump through
`counters_changed` (signals in home/receivers.py, and the bulk writes by hand), and by the
booking pages for a mentor's booking rules (sessions_app/live.py).
"""

import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

logger = logging.getLogger(__name__)

VERSION_TTL = 24 * 3600
VALUE_TTL = 3600


def shared() -> bool:
    """Versions are trusted only from a cache every worker shares (Redis), not a per-process one."""
    return getattr(settings, "LIVE_VERSIONS_CACHED", False)


def _person_counters_cached() -> bool:
    """The dashboard's counters and the admin links come from the cache (on unless a test turns
    the setting PERSON_COUNTERS_CACHE off)."""
    return getattr(settings, "PERSON_COUNTERS_CACHE", True)


def _new_version() -> str:
    """Unique even when two bumps fall in the same clock tick (or the clock stands still)."""
    return uuid.uuid4().hex


def versions(keys: list[str]) -> list[str] | None:
    """The versions under `keys` (each set to a new one when absent), in one round trip when
    all are there; None when the cache fails."""
    try:
        found = cache.get_many(keys)
        for key in keys:
            if found.get(key) is None:
                version = _new_version()
                if not cache.add(key, version, VERSION_TTL):
                    version = cache.get(key)
                found[key] = version
        return [found[key] for key in keys]
    except Exception:  # the cache is an optimisation: down means "ask the database"
        logger.warning("cache unavailable reading %s", keys, exc_info=True)
        return None


def version(key: str) -> str | None:
    found = versions([key])
    return None if found is None else found[0]


def bump(keys: list[str]) -> None:
    try:
        cache.set_many({key: _new_version() for key in keys}, VERSION_TTL)
    except Exception:
        # A missed bump would leave a stale version: drop the keys instead, or give up loudly.
        logger.warning("cache unavailable bumping %s", keys, exc_info=True)
        try:
            cache.delete_many(keys)
        except Exception:
            logger.error("live versions not invalidated: %s", keys, exc_info=True)


def bump_now_and_on_commit(keys: list[str]) -> None:
    """Now, so the rest of this request (the page's own badge) sees the change; and again once
    committed, so a value read meanwhile from the state before the write is not kept. A
    rollback only costs one recount."""
    if not keys:
        return
    bump(keys)
    transaction.on_commit(lambda: bump(keys))


def cached(*, version_keys: list[str], key: str, compute: Callable, enabled: bool = True):
    """`compute()`, kept in the shared cache under `key` with the versions of `version_keys`
    it was computed at: one round trip reads the versions and the value together, and a value
    stored at other versions is computed again."""
    if not (enabled and shared()):
        return compute()
    try:
        found = cache.get_many([*version_keys, key])
    except Exception:
        logger.warning("cache unavailable reading %s", key, exc_info=True)
        return compute()
    current = [found.get(k) for k in version_keys]
    stored = found.get(key)
    if None not in current and stored is not None and stored[0] == current:
        return stored[1]
    if None in current:
        current = versions(version_keys)  # set the missing ones first, then compute
        if current is None:
            return compute()
    value = compute()
    try:
        cache.set(key, (current, value), VALUE_TTL)
    except Exception:
        logger.warning("cache unavailable storing %s", key, exc_info=True)
    return value


def peek(*, version_keys: list[str], key: str, enabled: bool = True):
    """The value `cached` keeps under `key` if it is there at the current versions, else None
    (never computed; None too without a shared cache or when it fails)."""
    if not (enabled and shared()):
        return None
    try:
        found = cache.get_many([*version_keys, key])
    except Exception:
        logger.warning("cache unavailable reading %s", key, exc_info=True)
        return None
    current = [found.get(k) for k in version_keys]
    stored = found.get(key)
    if None in current or stored is None or stored[0] != current:
        return None
    return stored[1]


# --- the dashboard's counters ----------------------------------------------------------------

INVITES_KEY = "live:invites-v"  # any invitation written: few, so one version for everyone


def _counters_key(user_id: int) -> str:
    return f"live:counters-v:{user_id}"


def counters_changed(*, user_ids: Iterable[int | None]) -> None:
    """These people's dashboard counters (sessions to come, feedback waiting, invitations,
    cohorts, opportunities) are new, now and once committed."""
    bump_now_and_on_commit(sorted({_counters_key(pk) for pk in user_ids if pk}))


def invites_changed() -> None:
    """Some invitation was written: everyone's invitation counter is recounted."""
    bump_now_and_on_commit([INVITES_KEY])


def invites_committed() -> None:
    """Invitations were written and committed (in bulk, one batch at a time): everyone's
    invitation counter is recounted. Called outside any transaction, so no callback waits."""
    bump([INVITES_KEY])


def _counters_keys(user_id: int) -> tuple[list[str], str]:
    return [_counters_key(user_id), INVITES_KEY], f"live:counters:{user_id}"


def counters_known(*, user_id: int) -> dict | None:
    """The person's dashboard counters if the cache holds them at their current versions (never
    computed): e.g. {"upcoming": 0} lets the booking page skip asking for sessions to come."""
    version_keys, key = _counters_keys(user_id)
    return peek(version_keys=version_keys, key=key, enabled=_person_counters_cached())


def counters_cached(*, user_id: int, compute: Callable[[], dict]) -> dict:
    """The person's dashboard counters, from the cache while neither their version nor the
    invitations' has moved (setting PERSON_COUNTERS_CACHE, on unless a test turns it off)."""
    version_keys, key = _counters_keys(user_id)
    return cached(
        version_keys=version_keys, key=key, compute=compute, enabled=_person_counters_cached()
    )


# --- whether a person runs programmes, for the navigation ------------------------------------

ROLES_KEY = "live:roles-v"  # a group's permissions changed: everyone's is asked again


def _roles_key(user_id: int) -> str:
    return f"live:roles-v:{user_id}"


def roles_changed(*, user_ids: Iterable[int | None] | None = None) -> None:
    """These people's (or, with None, everyone's) programme-admin role may have changed."""
    if user_ids is None:
        bump_now_and_on_commit([ROLES_KEY])
    else:
        bump_now_and_on_commit(sorted({_roles_key(pk) for pk in user_ids if pk}))


def _roles_keys(user_id: int) -> tuple[list[str], str]:
    return [_roles_key(user_id), ROLES_KEY], f"live:roles:{user_id}"


def programme_admin_cached(*, user_id: int, compute: Callable[[], bool]) -> bool:
    """Whether the navigation shows the admin links, from the cache while the person's roles
    version stands (setting PERSON_COUNTERS_CACHE). Admin pages check with the database."""
    version_keys, key = _roles_keys(user_id)
    return cached(
        version_keys=version_keys, key=key, compute=compute, enabled=_person_counters_cached()
    )


def read_ahead_keys(request) -> list[str]:
    """The admin links' keys, which every signed-in page's navigation asks for, and the
    dashboard counters' (the dashboard and the booking pages), read with the page's other keys
    in one round trip (mentoring.cache.ReadAheadMiddleware)."""
    user = request.user
    if not (user.is_authenticated and _person_counters_cached() and shared()):
        return []
    roles, roles_value = _roles_keys(user.pk)
    counters, counters_value = _counters_keys(user.pk)
    return [*roles, roles_value, *counters, counters_value]
