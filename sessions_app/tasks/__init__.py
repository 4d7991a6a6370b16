"""Celery entry points for sessions_app (found by autodiscover through this package)."""

from . import booking, reminders  # noqa: F401
