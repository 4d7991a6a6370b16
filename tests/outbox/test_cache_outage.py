"""With the cache's Redis unreachable, pages are served from the database: the branding, the
unread badge and the sign-in's rate limits lose their speed, never the page."""

import time

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from branding.models import Branding
from branding.selectors import branding_forget
from tests.integration.redis_fault import PrivateRedis
from tests.integration.support import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_gone():
    """The cache points at a port where nothing listens (a stopped Redis refuses at once)."""
    branding_forget()
    unreachable = {
        "default": {
            "BACKEND": "mentoring.cache.FailSoftRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=unreachable):
        yield
    branding_forget()


def test_a_page_with_the_organisations_branding_renders_with_the_cache_down(
    client, mentee, pairing, redis_gone
):
    Branding(name="Acme mentoring", main_colour="#5b2a86").save()
    client.force_login(mentee)

    started = time.monotonic()
    dashboard = client.get(reverse("home:dashboard"))
    thread = client.get(reverse("exchange:thread", args=[pairing.pk]))
    seconds = time.monotonic() - started

    assert dashboard.status_code == 200
    assert "<span>Acme mentoring</span>" in dashboard.content.decode()
    assert thread.status_code == 200
    assert "--brand: #5b2a86" in client.get(reverse("branding:css")).content.decode()
    assert seconds < 5  # a refused connection costs milliseconds, not a timeout per read


def test_signing_in_works_with_the_cache_down_its_rate_limit_open(client, mentee, redis_gone):
    mentee.set_password("correct horse battery")
    mentee.save()

    response = client.post(
        reverse("account_login"), {"login": mentee.email, "password": "correct horse battery"}
    )

    assert response.status_code == 302
    assert client.get(reverse("home:dashboard")).status_code == 200


def test_the_cache_answers_misses_and_ignores_writes_while_redis_is_away(redis_gone):
    cache.set("k", 1)

    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is True  # callers waiting on add (allauth's lock) go ahead
    assert cache.get_many(["k"]) == {}
    assert cache.delete("k") is False


def test_a_write_missed_while_redis_was_away_is_not_read_stale_once_it_returns(
    tmp_path, monkeypatch
):
    """The branding changed during the outage (its entry could not be forgotten) and Redis
    came back with its saved data: the old branding must not be shown."""
    monkeypatch.setattr("mentoring.cache.RETRY_AFTER", 0)  # try Redis again at once
    redis = PrivateRedis(tmp_path / "redis")
    redis.start()
    saved = {
        "default": {
            "BACKEND": "mentoring.cache.FailSoftRedisCache",
            "LOCATION": redis.url(0),
            "KEY_PREFIX": "mentoring",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    try:
        with override_settings(CACHES=saved):
            cache.set("branding", "old look")
            redis.stop()  # saves its data, as a service stop does
            cache.delete("branding")  # the owner saved a new look: missed
            cache.set("unread", 3)  # missed too
            redis.start()

            assert cache.get("branding") is None
            assert cache.get("unread") is None
            cache.set("branding", "new look")
            assert cache.get("branding") == "new look"
    finally:
        redis.stop()
