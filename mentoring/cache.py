"""The cache backend: Django's Redis cache that treats Redis being down as a cache miss.

Everything kept in this cache can be lost: the branding (read again from the database), the
unread badge and the threads' live versions (the database answers instead), the double-submit
guard of the booking form (the database's exclusion constraint still refuses an overlap) and
the rate limits of sign-in and the API. So a Redis outage must cost a page its speed, never the
page: reads return the default, writes do nothing, `add` answers "added" so that callers who
wait on it (allauth's rate-limit lock, our submit guard) go ahead instead of looping. Rate
limits therefore fail open while Redis is away, as do allauth's guards against reusing a TOTP
code or a JWT (logged as warnings; /readyz reports the cache as degraded).

A write missed during the outage (a version bump, the branding forgotten after a change) would
leave a stale entry once Redis returns with its saved data. So each process remembers the keys
it failed to write and deletes them before its first call that reaches Redis again: what was
stale is read afresh from the database.

After one failure the process leaves Redis alone for `RETRY_AFTER` seconds, so a hung Redis (a
socket that accepts but never answers) costs one timeout every few seconds, not one per call.

Every page reads a few keys (the branding, the unread badge's version and count, the admin
links'): `ReadAheadMiddleware` reads them all in one round trip as the request starts
(`read_ahead`), and this request's reads of them answer from what it found, present or absent,
instead of one round trip each. A write or delete of a key by this request drops it from what
was read ahead; other processes' writes show from the next request, as they would have had
they come a moment later. Which keys: the functions named in the setting CACHE_READ_AHEAD, each
given the request. What was read ahead is kept as Redis sent it and unpickled at each read, so
each read gets an object of its own, as it would from Redis.
"""

import contextvars
import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# Connection refused, reset, timed out, or the connection pool gave up: Redis is not there.
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER = 10.0  # seconds this process skips Redis after it failed once
MISSED_KEYS_KEPT = 10_000  # beyond this, the rest stay stale until their own timeout
_ABSENT = object()
# This request's keys read ahead (full keys, as stored) with what Redis sent for each (absent ones
# as _ABSENT); None outside a request.
_read: contextvars.ContextVar[dict[str, Any] | None] = contextvars.ContextVar(
    "cache_read_ahead", default=None
)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client builds a new `redis.Redis` for every call (its constructor fills a
    table of some 170 reply parsers): about 0.1 ms each, six times on the dashboard and once
    on every poll. One per connection pool does the same work: a `redis.Redis` is safe to
    share between threads, its pool hands each call its own connection."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            if index not in self._pools:
                self._pools[index] = self._pool_class.from_url(
                    self._servers[index], **self._pool_options
                )
            client = self._clients[index] = self._client(connection_pool=self._pools[index])
        return client


class FailSoftRedisCache(RedisCache):
    """RedisCache whose every call survives Redis being down (see the module docstring)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._down_until = 0.0
        self._missed: set[str] = set()
        self._lock = threading.Lock()

    def _soft(
        self,
        operation: str,
        call: Callable[[], Any],
        fallback: Any,
        writes: Iterable[str] = (),
        version: int | None = None,
    ) -> Any:
        if time.monotonic() < self._down_until:
            self._remember(writes, version)
            return fallback
        try:
            if self._missed:
                self._forget_missed()
            return call()
        except UNREACHABLE as exc:
            self._remember(writes, version)
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

    def _remember(self, keys: Iterable[str], version: int | None) -> None:
        with self._lock:
            for key in keys:
                if len(self._missed) >= MISSED_KEYS_KEPT:
                    logger.error("cache: more missed writes than kept; some stay stale")
                    return
                self._missed.add(self.make_and_validate_key(key, version=version))

    def _forget_missed(self) -> None:
        """Delete every key this process failed to write while Redis was away."""
        with self._lock:
            keys, self._missed = list(self._missed), set()
        try:
            self._cache.delete_many(keys)
        except UNREACHABLE:
            with self._lock:
                self._missed.update(keys)
            raise
        logger.info("cache reachable again: %d keys written during the outage dropped", len(keys))

    def read_ahead(self, keys: Iterable[str]) -> None:
        """Read `keys` in one round trip; this request's reads of them answer from it."""
        made = [self.make_and_validate_key(key) for key in keys]
        sent = self._soft("get_many", lambda: self._cache.get_client(None).mget(made), None)
        read = _read.get()
        if read is not None and sent is not None:
            for key, value in zip(made, sent, strict=True):
                read[key] = _ABSENT if value is None else value

    def _drop_read(self, keys: Iterable[str], version: int | None) -> None:
        read = _read.get()
        if read:
            for key in keys:
                read.pop(self.make_and_validate_key(key, version=version), None)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._drop_read([key], version)
        call = lambda: RedisCache.add(self, key, value, timeout, version)  # noqa: E731
        return self._soft("add", call, True, [key], version)

    def get(self, key, default=None, version=None):
        read = _read.get()
        if read:
            found = read.get(self.make_and_validate_key(key, version=version), None)
            if found is not None:
                return default if found is _ABSENT else self._cache._serializer.loads(found)
        return self._soft("get", lambda: RedisCache.get(self, key, default, version), default)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._drop_read([key], version)
        call = lambda: RedisCache.set(self, key, value, timeout, version)  # noqa: E731
        self._soft("set", call, None, [key], version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        call = lambda: RedisCache.touch(self, key, timeout, version)  # noqa: E731
        return self._soft("touch", call, False, [key], version)

    def delete(self, key, version=None):
        self._drop_read([key], version)
        call = lambda: RedisCache.delete(self, key, version)  # noqa: E731
        return self._soft("delete", call, False, [key], version)

    def get_many(self, keys, version=None):
        read = _read.get()
        if read:
            keys = list(keys)
            full = [read.get(self.make_and_validate_key(key, version=version)) for key in keys]
            if None not in full:  # every one read ahead
                loads = self._cache._serializer.loads
                return {
                    key: loads(value)
                    for key, value in zip(keys, full, strict=True)
                    if value is not _ABSENT
                }
        return self._soft("get_many", lambda: RedisCache.get_many(self, keys, version), {})

    def has_key(self, key, version=None):
        return self._soft("has_key", lambda: RedisCache.has_key(self, key, version), False)

    def incr(self, key, delta=1, version=None):
        self._drop_read([key], version)
        # Nothing stored can be counted on: answer as if the count started now.
        call = lambda: RedisCache.incr(self, key, delta, version)  # noqa: E731
        return self._soft("incr", call, delta, [key], version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._drop_read(list(data), version)
        call = lambda: RedisCache.set_many(self, data, timeout, version)  # noqa: E731
        return self._soft("set_many", call, [], list(data), version)

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._drop_read(keys, version)
        call = lambda: RedisCache.delete_many(self, keys, version)  # noqa: E731
        self._soft("delete_many", call, None, keys, version)

    def clear(self):
        read = _read.get()
        if read:
            read.clear()
        return self._soft("clear", lambda: RedisCache.clear(self), False)


class ReadAheadMiddleware:
    """Reads the keys every page asks for in one round trip as the request starts (see the
    module docstring); after AuthenticationMiddleware, since most keys are the person's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.sources = [import_string(path) for path in getattr(settings, "CACHE_READ_AHEAD", [])]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not (self.sources and hasattr(cache, "read_ahead")):  # a per-process cache: no trips
            return self.get_response(request)
        token = _read.set({})
        try:
            cache.read_ahead(key for source in self.sources for key in source(request))
            return self.get_response(request)
        finally:
            _read.reset(token)
