"""The keys every page reads (branding, unread badge, admin links) come from Redis in one round
trip as the request starts (mentoring.cache.ReadAheadMiddleware), and what the page shows is
still what is stored: a write by the request itself shows at once, another's from the next."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from exchange.services.messages import message_send
from mentoring.cache import _read

NAV_BADGE = '<span class="badge nav-badge"><span aria-hidden="true">'


@pytest.fixture
def live_caches(settings):
    settings.UNREAD_BADGE_CACHE = True
    settings.PERSON_COUNTERS_CACHE = True
    assert hasattr(cache, "read_ahead"), "these tests need the Redis cache"


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands the cache sends to Redis (each is one round trip), counted on the way."""
    sent: list[str] = []
    client = cache._cache.get_client()
    send = client.execute_command

    def counted(*args, **options):
        sent.append(str(args[0]))
        return send(*args, **options)

    monkeypatch.setattr(client, "execute_command", counted)
    return sent


@pytest.mark.parametrize("page", ["accounts:profile", "home:dashboard"])
def test_a_page_reads_its_branding_badge_admin_links_and_counters_in_one_round_trip(
    client, pairing, mentee, live_caches, redis_commands, page
):
    client.force_login(mentee)
    client.get(reverse(page))  # the first view stores what it computed
    redis_commands.clear()
    assert client.get(reverse(page)).status_code == 200
    assert redis_commands == ["MGET"]


def test_the_badge_shows_a_new_message_on_the_next_page(
    client, pairing, mentee, mentor, live_caches
):
    client.force_login(mentee)
    assert NAV_BADGE not in client.get(reverse("accounts:profile")).content.decode()
    message_send(pairing=pairing, sender=mentor, body="Are you free on Thursday?")
    assert f"{NAV_BADGE}1</span>" in client.get(reverse("accounts:profile")).content.decode()


def test_a_write_during_the_request_is_read_back_not_what_was_read_ahead(db):
    cache.set("k:kept", "before")
    cache.delete("k:gone")
    token = _read.set({})
    try:
        cache.read_ahead(["k:kept", "k:gone", "k:other"])
        assert cache.get("k:kept") == "before"
        assert cache.get("k:gone", "absent") == "absent"
        cache.set("k:kept", "after")
        cache.set("k:gone", "now here")
        assert cache.get("k:kept") == "after"
        assert cache.get_many(["k:kept", "k:gone"]) == {"k:kept": "after", "k:gone": "now here"}
        cache.delete("k:kept")
        assert cache.get("k:kept") is None
        cache.set_many({"k:other": 3})
        assert cache.get("k:other") == 3
    finally:
        _read.reset(token)


def test_outside_a_request_nothing_is_read_ahead(db):
    cache.set("k:kept", "stored")
    cache.read_ahead(["k:kept"])  # no request: a plain read, nothing kept
    cache._cache.set(cache.make_and_validate_key("k:kept"), "changed", 60)
    assert cache.get("k:kept") == "changed"


def test_each_read_of_a_key_read_ahead_gets_an_object_of_its_own(db):
    cache.set("k:links", {"cohorts": [1, 2]})
    cache.set("k:count", 7)
    token = _read.set({})
    try:
        cache.read_ahead(["k:links", "k:count"])
        first = cache.get("k:links")
        first["cohorts"].append(3)  # a caller that changes what it was given
        assert cache.get("k:links") == {"cohorts": [1, 2]}
        assert cache.get_many(["k:links", "k:count"]) == {
            "k:links": {"cohorts": [1, 2]},
            "k:count": 7,
        }
    finally:
        _read.reset(token)
