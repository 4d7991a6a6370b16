"""Rates per token (or signed-in person) and per client address, counted in the Redis cache;
over the rate, 429 with Retry-After (whole seconds).

The rates are read from settings.REST_FRAMEWORK when each request is throttled, not when the
class is defined (DRF's default), so a change of settings (a test's, an operator's) applies."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class _RateFromSettings(SimpleRateThrottle):
    def get_rate(self) -> str | None:
        return settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"].get(self.scope)


class PerTokenThrottle(_RateFromSettings):
    scope = "token"

    def get_cache_key(self, request, view) -> str | None:
        if isinstance(request.auth, ApiToken):
            ident = f"t{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"u{request.user.pk}"
        else:
            return None  # anonymous: the address throttle counts it
        return self.cache_format % {"scope": self.scope, "ident": ident}


class PerAddressThrottle(_RateFromSettings):
    scope = "address"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
