"""Celery entry points for pairings (found by autodiscover through this package)."""

from pairings.tasks import agreements, pairings, pauses  # noqa: F401
