"""`branding` on every page: the organisation's name, logo and colour (from the cache)."""

from django.http import HttpRequest

from branding.selectors import branding_get


def branding(request: HttpRequest) -> dict:
    return {"branding": branding_get()}
