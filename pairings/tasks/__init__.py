"""Celery entry points for pairings (found by autodiscover through this package)."""

from pairings.tasks import agreements, pairings  # noqa: F401
