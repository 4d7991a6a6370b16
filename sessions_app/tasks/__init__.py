"""Celery entry points for sessions_app (found by autodiscover through this package)."""

from sessions_app.tasks import booking, calendars, reminders  # noqa: F401
