"""Versions in the cache that let an open thread's poll and the unread badge skip the database.

A thread's version changes on every committed write that changes what the thread shows (a
message sent, edited or deleted; the pairing's status). The poll carries a signed, short-lived
token naming the version it has seen, the pairing and a digest of the session cookie: when the
cache still holds that version, `ThreadPollNotModifiedMiddleware` answers "nothing new" before
the session or the user is read, so no database query runs. Anything else (no token, an expired
or altered one, another session's, another pairing's, a changed version, the cache down) falls
through to the view, which checks access as always.

A person's unread count is cached under their own version, bumped after every committed write
that can change it; the version is read before the count, so a count computed from a state
older than a write is stored under a version that is already out of date.
"""

import logging
import time

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import salted_hmac

logger = logging.getLogger(__name__)

SIGNING_NAMESPACE = "exchange.live.thread-poll"
TOKEN_MAX_AGE = 300  # seconds: a stolen token answers only "nothing new", for five minutes
VERSION_TTL = 24 * 3600
UNREAD_TTL = 3600


def _shared() -> bool:
    """Versions are trusted only from a cache every worker shares (Redis), not a per-process one."""
    return getattr(settings, "LIVE_VERSIONS_CACHED", False)


def _thread_key(pairing_id: int) -> str:
    return f"live:thread:{pairing_id}"


def _unread_version_key(user_id: int) -> str:
    return f"live:unread-v:{user_id}"


def _new_version() -> str:
    return str(time.time_ns())


def _version(key: str) -> str | None:
    """The version under `key`, set to a new one when absent; None when the cache fails."""
    try:
        version = cache.get(key)
        if version is None:
            version = _new_version()
            if not cache.add(key, version, VERSION_TTL):
                version = cache.get(key)
        return version
    except Exception:  # the cache is an optimisation: down means "ask the database"
        logger.warning("cache unavailable reading %s", key, exc_info=True)
        return None


def _bump(keys: list[str]) -> None:
    try:
        cache.set_many({key: _new_version() for key in keys}, VERSION_TTL)
    except Exception:
        # A missed bump would leave a stale version: drop the keys instead, or give up loudly.
        logger.warning("cache unavailable bumping %s", keys, exc_info=True)
        try:
            cache.delete_many(keys)
        except Exception:
            logger.error("live versions not invalidated: %s", keys, exc_info=True)


def _bump_now_and_on_commit(keys: list[str]) -> None:
    """Now, so the rest of this request (the page's own badge) sees the change; and again once
    committed, so a count read meanwhile from the state before the write is not kept. A
    rollback only costs one recount."""
    _bump(keys)
    transaction.on_commit(lambda: _bump(keys))


def thread_version(pairing_id: int) -> str | None:
    return _version(_thread_key(pairing_id))


def thread_changed(*, pairing_id: int, people: list[int]) -> None:
    """The thread and its people's unread counts are new (now and once committed)."""
    _bump_now_and_on_commit(
        [_thread_key(pairing_id)] + [_unread_version_key(pk) for pk in people if pk]
    )


def unread_changed(*, user_id: int) -> None:
    """This person's unread count is new (now and once committed)."""
    _bump_now_and_on_commit([_unread_version_key(user_id)])


def unread_cached(user_id: int, compute) -> int:
    """The person's unread count from the cache when their version has not moved (setting
    UNREAD_BADGE_CACHE, on unless a test turns it off)."""
    if not (_shared() and getattr(settings, "UNREAD_BADGE_CACHE", True)):
        return compute()
    version = _version(_unread_version_key(user_id))
    if version is None:
        return compute()
    key = f"live:unread:{user_id}:{version}"
    try:
        count = cache.get(key)
    except Exception:
        return compute()
    if count is None:
        count = compute()
        try:
            cache.set(key, count, UNREAD_TTL)
        except Exception:
            logger.warning("cache unavailable storing %s", key, exc_info=True)
    return count


def _session_digest(session_key: str) -> str:
    return salted_hmac(SIGNING_NAMESPACE, session_key).hexdigest()[:24]


def poll_token(
    *, session_key: str | None, user_id: int, pairing_id: int, version: str | None
) -> str:
    """The token the next poll sends; empty when there is nothing to bind or no version."""
    if not session_key or version is None:
        return ""
    return signing.dumps(
        [pairing_id, version, _session_digest(session_key), user_id], salt=SIGNING_NAMESPACE
    )


def poll_unchanged(*, token: str, session_key: str | None, pairing_id: int) -> bool:
    """True only when the token is genuine, fresh, for this session and pairing, and names the
    thread's current version. Reads the cache, never the database."""
    if not token or not session_key or not _shared():
        return False
    try:
        token_pairing, version, digest, _user_id = signing.loads(
            token, salt=SIGNING_NAMESPACE, max_age=TOKEN_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return False
    if token_pairing != pairing_id or digest != _session_digest(session_key):
        return False
    try:
        current = cache.get(_thread_key(pairing_id))
    except Exception:
        logger.warning("cache unavailable for the thread poll", exc_info=True)
        return False
    return current is not None and current == version


def session_key_of(request) -> str | None:
    """The session cookie's value, read without loading the session."""
    return request.COOKIES.get(settings.SESSION_COOKIE_NAME)
