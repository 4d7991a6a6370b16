"""Shared fixtures: the real services, and the personas of STYLE.md."""

from collections.abc import Iterator
from pathlib import Path

import psycopg2
import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.storage import storages
from django.test import override_settings
from django.utils import translation

from branding.selectors import CACHE_KEY as BRANDING_CACHE_KEY
from branding.selectors import branding_defaults
from exchange.models import Material
from organisations.models import Role
from organisations.services import membership_ensure
from tests.factories import (
    CohortFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
    UserFactory,
    default_organisation,
    second_factor_add,
)

# Test servers whose fixtures any test directory may use.
pytest_plugins = ["tests.caldav_server"]


def pytest_sessionstart(session: pytest.Session) -> None:
    """Fail at once, and say why, when PostgreSQL or Redis is not there: never skip."""
    db = settings.DATABASES["default"]
    try:
        psycopg2.connect(
            host=db["HOST"],
            port=db["PORT"] or 5432,
            user=db["USER"],
            password=db["PASSWORD"],
            dbname="postgres",
            connect_timeout=3,
        ).close()
    except psycopg2.OperationalError as exc:
        pytest.exit(
            f"PostgreSQL is not reachable at {db['HOST']}:{db['PORT']} ({exc}). "
            "Start it (`make services`) or set DATABASE_URL.",
            returncode=3,
        )
    try:
        redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()
    except redis.RedisError as exc:
        pytest.exit(
            f"Redis is not reachable at {settings.REDIS_URL} ({exc}). "
            "Start it (`make services`) or set REDIS_URL.",
            returncode=3,
        )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """allauth's rate limits live in the (Redis) cache: each test starts with none used. The
    branding stays cached, as on a running server after its first page, so query counts
    measure the page itself (tests/branding forget it to test the reading)."""
    cache.clear()
    cache.set(BRANDING_CACHE_KEY, branding_defaults(), timeout=None)


@pytest.fixture(autouse=True)
def _unread_badge_counted(settings) -> None:
    """The pages' query-count tests count the navigation's unread badge as one query: it is
    counted afresh here. tests/exchange/test_live_poll.py turns its cache back on."""
    settings.UNREAD_BADGE_CACHE = False


@pytest.fixture(autouse=True)
def _person_counters_counted(settings) -> None:
    """Likewise the dashboard's counters and the navigation's admin links (mentoring/live.py):
    asked afresh, so query counts measure the page. tests/home/test_live_counters.py turns
    their cache back on."""
    settings.PERSON_COUNTERS_CACHE = False


@pytest.fixture(autouse=True)
def _booking_rules_read(settings) -> None:
    """And a mentor's booking rules (sessions_app/live.py): read from the database on every
    booking page. tests/sessions_app/test_booking_rules_cache.py turns their cache on."""
    settings.BOOKING_RULES_CACHE = False


@pytest.fixture(autouse=True)
def _cohort_figures_computed(settings) -> None:
    """And the cohort page (oversight/live.py: its figures, charts, queue and pairings table),
    which tests change between two loads: computed on every view. test_cohort_figures_cache.py
    and test_cohort_page_cache.py in tests/oversight turn its cache on."""
    settings.COHORT_FIGURES_CACHE_SECONDS = 0


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    """A request that activated a person's language leaves it active in this thread (Django
    resets it only when the next request starts): each test starts and ends in English."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def materials_dir(tmp_path: Path) -> Iterator[Path]:
    """A fresh materials folder for the test; the model field follows it too (and so does the
    live server of tests/e2e, which runs in this process)."""
    root = tmp_path / "materials"
    root.mkdir()
    stores = {
        **settings.STORAGES,
        "materials": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    with override_settings(STORAGES=stores):
        # The field took its storage when the model was imported: point it at the new one.
        field = Material._meta.get_field("file")
        before, field.storage = field.storage, storages["materials"]
        try:
            yield root
        finally:
            field.storage = before


@pytest.fixture
def mentee(db):
    """Alice: a mentee with a complete profile, in London."""
    return ProfileFactory(
        mentee=True, user__email="alice@example.org", user__display_name="Alice Mentee"
    ).user


@pytest.fixture
def mentor(db):
    """Bob: a mentor in New York; mentors Alice in `pairing`."""
    return ProfileFactory(
        mentor=True,
        user__email="bob@example.org",
        user__display_name="Bob Mentor",
        user__timezone="America/New_York",
    ).user


@pytest.fixture
def other_mentee(db):
    """Charlie: another pairing's mentee; must get 404 for anything of Alice's and Bob's."""
    return ProfileFactory(
        mentee=True, user__email="charlie@example.org", user__display_name="Charlie Other"
    ).user


@pytest.fixture
def programme_admin(db):
    """Dana: runs the programme (in the programme admins' group, with an authenticator app as
    admins must have), not Django staff."""
    user = UserFactory(email="dana@example.org", display_name="Dana Admin")
    membership_ensure(organisation=default_organisation(), user=user, role=Role.ADMIN)
    second_factor_add(user)
    return user


@pytest.fixture
def admin_user(db, django_user_model):
    """pytest-django's superuser for admin_client, with the second factor staff must have."""
    user = UserFactory(email="admin@example.org", is_staff=True, is_superuser=True)
    second_factor_add(user)
    return user


@pytest.fixture
def newcomer(db):
    """Erin: verified and logged in for the first time; has not done the onboarding yet."""
    return UserFactory(email="erin@example.org", display_name="")


@pytest.fixture
def cohort(programme_admin):
    """Spring cohort, run by Dana."""
    return CohortFactory(name="Spring cohort", admins=[programme_admin])


@pytest.fixture
def other_cohort(db):
    """A cohort Dana does not run: she must get 404 for anything in it."""
    return CohortFactory(name="Other cohort", admins=[UserFactory(email="olga@example.org")])


@pytest.fixture
def pairing(cohort, mentor, mentee):
    """Bob mentors Alice in the spring cohort (both enrolled, pairing active)."""
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=mentee, role="mentee", goals="Lead a team.")
    return PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)


@pytest.fixture
def other_pairing(cohort, other_mentee):
    """Charlie's pairing with another mentor: nothing of it may reach Alice or Bob."""
    other_mentor = ProfileFactory(mentor=True, user__email="oscar@example.org").user
    EnrolmentFactory(cohort=cohort, user=other_mentor, role="mentor", capacity=2)
    EnrolmentFactory(cohort=cohort, user=other_mentee, role="mentee")
    return PairingFactory(cohort=cohort, mentor=other_mentor, mentee=other_mentee)
