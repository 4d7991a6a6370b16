"""Celery entry points for programmes (found by autodiscover through this package)."""

from . import agreements, health, imports, invites, outreach, pairings, requests  # noqa: F401
