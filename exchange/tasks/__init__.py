"""Celery entry points for exchange (found by autodiscover through this package)."""

from . import notifications  # noqa: F401
