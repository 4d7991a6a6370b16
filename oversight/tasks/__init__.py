"""Celery entry points for oversight (found by autodiscover through this package)."""

from oversight.tasks import health, outreach, weekly  # noqa: F401
