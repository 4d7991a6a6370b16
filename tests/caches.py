"""Cache settings the tests that check fail-soft caching share."""

# A shared cache that refuses every connection: nothing listens on the discard port. Pages must
# still render, computed from the database (mentoring/cache.py's fail-soft Redis cache).
REFUSING_CACHES = {
    "default": {
        "BACKEND": "mentoring.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
        "KEY_PREFIX": "mentoring",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}
