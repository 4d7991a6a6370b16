"""The open thread's poll answered from the cache with no database query while nothing changed,
and the unread badge kept fresh by versions (exchange/live.py, exchange/middleware.py)."""

import re
import time

import pytest
import time_machine
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from exchange.live import (
    poll_unchanged,
    thread_changed,
    thread_version,
    unread_cached,
    unread_changed,
)
from exchange.services.messages import message_delete, message_edit, message_send

HX = {"HX-Request": "true"}


def poll_url(pairing) -> str:
    return reverse("exchange:thread_poll", args=[pairing.pk])


def poll_fields(html: str) -> dict:
    cursor = re.search(r'id="thread-cursor" name="since" value="(\d+)"', html).group(1)
    live = re.search(r'id="thread-live" name="live" value="([^"]*)"', html).group(1)
    return {"since": cursor, "live": live}


def nav_badge(html: str) -> str | None:
    nav = html.split('class="nav-messages"', 1)[1].split("</a>", 1)[0]
    found = re.search(r'class="visually-hidden">\((\d+) unread\)', nav)
    return found.group(1) if found else None


@pytest.fixture(autouse=True)
def _badge_cached(settings) -> None:
    settings.UNREAD_BADGE_CACHE = True


@pytest.fixture
def alice(client, mentee):
    client.force_login(mentee)
    return client


@pytest.fixture
def opened(alice, pairing):
    """Alice's thread page open: the fields her first poll sends."""
    response = alice.get(reverse("exchange:thread", args=[pairing.pk]))
    assert response.status_code == 200
    fields = poll_fields(response.content.decode())
    assert fields["live"]
    return fields


def test_an_unchanged_thread_is_answered_with_no_database_query(
    alice, pairing, opened, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = alice.get(poll_url(pairing), opened, headers=HX)
    assert response.status_code == 204
    assert response.content == b""


def test_a_new_message_makes_the_next_poll_full_then_quiet_again(
    alice, pairing, mentor, opened, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        message_send(pairing=pairing, sender=mentor, body="Ready for Thursday?")
    response = alice.get(poll_url(pairing), opened, headers=HX)
    assert response.status_code == 200
    assert "Ready for Thursday?" in response.content.decode()
    fields = poll_fields(response.content.decode())
    with django_assert_num_queries(0):
        assert alice.get(poll_url(pairing), fields, headers=HX).status_code == 204


def test_an_edit_and_a_delete_each_make_the_next_poll_full(
    client, pairing, mentor, mentee, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(pairing=pairing, sender=mentor, body="Thurday?")
    client.force_login(mentee)
    fields = poll_fields(client.get(reverse("exchange:thread", args=[pairing.pk])).content.decode())
    assert client.get(poll_url(pairing), fields, headers=HX).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        message_edit(message=message, by=mentor, body="Thursday?")
    response = client.get(poll_url(pairing), fields, headers=HX)
    assert response.status_code == 200
    assert "Thursday?" in response.content.decode()
    fields = poll_fields(response.content.decode())
    assert client.get(poll_url(pairing), fields, headers=HX).status_code == 204
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(message=message, by=mentor)
    assert client.get(poll_url(pairing), fields, headers=HX).status_code == 200


def test_another_persons_token_falls_through_to_the_checked_view(
    client, pairing, other_pairing, mentee, other_mentee
):
    client.force_login(mentee)
    fields = poll_fields(client.get(reverse("exchange:thread", args=[pairing.pk])).content.decode())
    client.logout()
    client.force_login(other_mentee)  # another session cookie: the token is not theirs
    assert client.get(poll_url(pairing), fields, headers=HX).status_code == 404


def test_a_token_for_one_pairing_says_nothing_about_another(alice, pairing, other_pairing, opened):
    response = alice.get(poll_url(other_pairing), opened, headers=HX)
    assert response.status_code == 404


def test_a_tampered_or_expired_token_falls_through(alice, pairing, opened):
    tampered = {**opened, "live": opened["live"][:-2] + "xx"}
    assert alice.get(poll_url(pairing), tampered, headers=HX).status_code == 200
    with time_machine.travel(time.time() + 3600, tick=False):
        assert alice.get(poll_url(pairing), opened, headers=HX).status_code == 200


def test_a_signed_out_session_gets_no_quiet_answer(alice, pairing, opened):
    alice.logout()
    response = alice.get(poll_url(pairing), opened, headers=HX)
    assert response.status_code == 302  # to sign in, by the checked view


def test_the_cache_forgetting_the_version_falls_through(alice, pairing, opened):
    cache.clear()
    assert alice.get(poll_url(pairing), opened, headers=HX).status_code == 200


def test_the_badge_is_fresh_after_each_write(
    client, pairing, mentor, mentee, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    inbox = reverse("exchange:inbox")
    assert nav_badge(client.get(inbox).content.decode()) is None
    with CaptureQueriesContext(connection) as cached:
        assert nav_badge(client.get(inbox).content.decode()) is None
    unread_changed(user_id=mentee.pk)
    with CaptureQueriesContext(connection) as counted:
        client.get(inbox)
    assert len(cached) == len(counted) - 1  # the badge, from the cache
    with django_capture_on_commit_callbacks(execute=True):
        message = message_send(pairing=pairing, sender=mentor, body="Hello")
    assert nav_badge(client.get(inbox).content.decode()) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        message_send(pairing=pairing, sender=mentor, body="Again")
    assert nav_badge(client.get(inbox).content.decode()) == "2"
    with django_capture_on_commit_callbacks(execute=True):
        message_delete(message=message, by=mentor)
    assert nav_badge(client.get(inbox).content.decode()) == "1"
    with django_capture_on_commit_callbacks(execute=True):
        client.get(reverse("exchange:thread", args=[pairing.pk]))  # reads them
    assert nav_badge(client.get(inbox).content.decode()) is None


def test_a_cache_per_process_is_not_trusted(alice, pairing, opened, settings):
    settings.LIVE_VERSIONS_CACHED = False  # no Redis: each worker would hold its own versions
    assert alice.get(poll_url(pairing), opened, headers=HX).status_code == 200


def test_the_cache_down_is_a_fall_through_not_an_error(alice, pairing, opened, settings):
    """The poll's own cache reads: down means "ask the database" (the rest of the page, e.g.
    the branding, has its own handling of a Redis outage)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    key = alice.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert not poll_unchanged(token=opened["live"], session_key=key, pairing_id=pairing.pk)
    assert thread_version(pairing.pk) is None
    assert unread_cached(1, lambda: 7) == 7
    thread_changed(pairing_id=pairing.pk, people=[1, 2])  # logged, not raised


def test_a_thread_with_nothing_unread_is_opened_without_writing(
    client, pairing, mentor, mentee, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    thread = reverse("exchange:thread", args=[pairing.pk])
    client.get(thread)  # the badge counted and cached: nothing unread
    with CaptureQueriesContext(connection) as opened:
        client.get(thread)
    assert not any(q["sql"].startswith("UPDATE") for q in opened.captured_queries)
    with django_capture_on_commit_callbacks(execute=True):
        message_send(pairing=pairing, sender=mentor, body="Are you there?")
    with django_capture_on_commit_callbacks(execute=True):
        client.get(thread)  # marks it read
    assert nav_badge(client.get(reverse("exchange:inbox")).content.decode()) is None
    assert pairing.messages.get().read_at is not None
