"""Versions in the cache that let an open thread's poll and the unread badge skip the database.

A thread's version changes on every committed write that changes what the thread shows (a
message sent, edited or deleted; the pairing's status). The poll carries a signed, short-lived
token naming the version it has seen, the pairing and a digest of the session cookie: when the
cache still holds that version, `ThreadPollNotModifiedMiddleware` answers "nothing new" before
the session or the user is read, so no database query runs. Anything else (no token, an expired
or altered one, another session's, another pairing's, a changed version, the cache down) falls
through to the view, which checks access as always.

A person's unread count is cached under their own version, bumped after every committed write
that can change it (the version machinery is mentoring/live.py's).
"""

import logging

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.utils.crypto import salted_hmac

from mentoring.live import bump_now_and_on_commit, cached, peek, shared, version

logger = logging.getLogger(__name__)

SIGNING_NAMESPACE = "exchange.live.thread-poll"
TOKEN_MAX_AGE = 300  # seconds: a stolen token answers only "nothing new", for five minutes


def _thread_key(pairing_id: int) -> str:
    return f"live:thread:{pairing_id}"


def _unread_version_key(user_id: int) -> str:
    return f"live:unread-v:{user_id}"


def thread_version(pairing_id: int) -> str | None:
    return version(_thread_key(pairing_id))


def thread_changed(*, pairing_id: int, people: list[int]) -> None:
    """The thread and its people's unread counts are new (now and once committed)."""
    bump_now_and_on_commit(
        [_thread_key(pairing_id)] + [_unread_version_key(pk) for pk in people if pk]
    )


def unread_changed(*, user_id: int) -> None:
    """This person's unread count is new (now and once committed)."""
    bump_now_and_on_commit([_unread_version_key(user_id)])


def _unread_key(user_id: int) -> str:
    return f"live:unread:{user_id}"


def _unread_badge_cached() -> bool:
    return getattr(settings, "UNREAD_BADGE_CACHE", True)


def read_ahead_keys(request) -> list[str]:
    """The unread badge's keys, read with the page's others in one round trip
    (mentoring.cache.ReadAheadMiddleware): every signed-in page shows the badge."""
    user = request.user
    if not (user.is_authenticated and _unread_badge_cached() and shared()):
        return []
    return [_unread_version_key(user.pk), _unread_key(user.pk)]


def unread_cached(user_id: int, compute) -> int:
    """The person's unread count from the cache when their version has not moved (setting
    UNREAD_BADGE_CACHE, on unless a test turns it off)."""
    return cached(
        version_keys=[_unread_version_key(user_id)],
        key=_unread_key(user_id),
        compute=compute,
        enabled=_unread_badge_cached(),
    )


def unread_none_known(user_id: int) -> bool:
    """True when the cache knows, at the person's current version, that nothing is unread;
    False when it does not know (it never counts)."""
    return (
        peek(
            version_keys=[_unread_version_key(user_id)],
            key=_unread_key(user_id),
            enabled=_unread_badge_cached(),
        )
        == 0
    )


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
    if not token or not session_key or not shared():
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
