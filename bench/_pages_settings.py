"""gunicorn settings for bench.pages: production-like, plus one trivial view to compare with."""

from mentoring.settings.base import *  # noqa: F403

ROOT_URLCONF = "bench._pages_urls"
STATIC_ROOT = None  # static files are not what is measured
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
LOGGING = {"version": 1, "disable_existing_loggers": False}
