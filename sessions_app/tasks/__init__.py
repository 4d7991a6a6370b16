"""Celery entry points for sessions_app (found by autodiscover through this package)."""

from . import booking, feedback, reminders  # noqa: F401
