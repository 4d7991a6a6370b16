"""The cache backend: Django's Redis cache that treats Redis being down as a cache miss.

Everything kept in this cache can be lost: the branding (read again from the database), the
unread badge and the threads' live versions (the database answers instead), the double-submit
guard of the booking form (the database's exclusion constraint still refuses an overlap) and
the rate limits of sign-in and the API. So a Redis outage must cost a page its speed, never the
page: reads return the default, writes do nothing, `add` answers "added" so that callers who
wait on it (allauth's rate-limit lock, our submit guard) go ahead instead of looping. Rate
limits therefore fail open while Redis is away, as do allauth's guards against reusing a TOTP
code or a JWT (logged as warnings; readiness probes report the outage).

After one failure the process leaves Redis alone for `RETRY_AFTER` seconds, so a hung Redis (a
socket that accepts but never answers) costs one timeout every few seconds, not one per call.
"""

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Connection refused, reset, timed out, or the connection pool gave up: Redis is not there.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 10.0  # seconds this process skips Redis after it failed once


class FailSoftRedisCache(RedisCache):
    """RedisCache whose every call survives Redis being down (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _soft(self, operation: str, call: Callable[[], Any], fallback: Any) -> Any:
        if time.monotonic() < self._down_until:
            return fallback
        try:
            return call()
        except UNREACHABLE as exc:
            with self._lock:
                first = time.monotonic() >= self._down_until
                self._down_until = time.monotonic() + RETRY_AFTER
            if first:  # one line per outage and process, no traceback: the cause is known
                logger.warning(
                    "cache unreachable (%s: %s): served without it for %.0f s",
                    operation,
                    exc,
                    RETRY_AFTER,
                )
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", lambda: RedisCache.add(self, key, value, timeout, version), True)

    def get(self, key, default=None, version=None):
        return self._soft("get", lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._soft("set", lambda: RedisCache.set(self, key, value, timeout, version), None)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", lambda: RedisCache.touch(self, key, timeout, version), False)

    def delete(self, key, version=None):
        return self._soft("delete", lambda: RedisCache.delete(self, key, version), False)

    def get_many(self, keys, version=None):
        return self._soft("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._soft("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None):
        # Nothing stored can be counted on: answer as if the count started now.
        return self._soft("incr", lambda: RedisCache.incr(self, key, delta, version), delta)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set_many", lambda: RedisCache.set_many(self, data, timeout, version), [])

    def delete_many(self, keys, version=None):
        self._soft("delete_many", lambda: RedisCache.delete_many(self, keys, version), None)

    def clear(self):
        return self._soft("clear", lambda: RedisCache.clear(self), False)
