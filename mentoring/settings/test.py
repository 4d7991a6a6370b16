"""Test settings: the real PostgreSQL and Redis of this machine; only speed-ups on top of base."""

import os
import tempfile

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/mentoring")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/1")
os.environ.setdefault("CACHE_URL", "redis://127.0.0.1:6379/2")  # tests clear it; not the broker
os.environ.setdefault("DEBUG", "1")
# Shared materials of test runs go to the temp folder; workers started by tests use the same.
os.environ.setdefault(
    "MATERIALS_ROOT", os.path.join(tempfile.gettempdir(), "mentoring-test-materials")
)

from mentoring.settings.base import *  # noqa: F403

# Unit and view tests run tasks in-process; tests/integration turns this off and talks to a
# real worker through Redis.
CELERY_TASK_ALWAYS_EAGER = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
SITE_URL = "http://testserver"
# The test identity providers (tests/oidc_provider, tests/saml_idp) run on this machine;
# tests/identity/test_outbound.py takes this away to see private addresses refused.
IDENTITY_ALLOWED_HOSTS = ["127.0.0.1"]
