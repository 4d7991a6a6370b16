"""`branding` on every page: the installation's or the person's organisation's name, logo and
colour (from the cache)."""

from django.http import HttpRequest

from branding.selectors import branding_for


def branding(request: HttpRequest) -> dict:
    return {"branding": branding_for(user=getattr(request, "user", None))}
