"""Celery entry points for programmes (found by autodiscover through this package)."""

from programmes.tasks import imports, invites  # noqa: F401
