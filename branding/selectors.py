"""The organisation's branding, read on every page: cached, so a page asks the database nothing."""

from django.core.cache import cache

from branding.models import Branding

CACHE_KEY = "branding:v1"


def _as_dict(row: Branding) -> dict:
    return {
        "name": row.name,
        "has_logo": bool(row.logo),
        "main_colour": row.main_colour,
        "version": int(row.updated_at.timestamp()) if row.updated_at else 0,
    }


def branding_defaults() -> dict:
    """The branding before staff save any (no query)."""
    return _as_dict(Branding())


def branding_get() -> dict:
    """Name, logo presence, colour and version of the branding (defaults when none is saved)."""
    found = cache.get(CACHE_KEY)
    if found is None:
        found = _as_dict(Branding.objects.filter(pk=1).first() or Branding())
        cache.set(CACHE_KEY, found, timeout=None)
    return found


def branding_forget() -> None:
    cache.delete(CACHE_KEY)
