"""Celery entry points for matching (found by autodiscover through this package)."""

from matching.tasks import requests  # noqa: F401
