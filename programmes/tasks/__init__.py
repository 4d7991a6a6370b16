"""Celery entry points for programmes (found by autodiscover through this package)."""

from . import agreements, imports, invites, pairings, requests  # noqa: F401
