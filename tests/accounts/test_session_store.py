"""Sessions are Django's database sessions read by one SQL written once (accounts.session_store):
whoever was signed in stays so, an expired or unknown session signs nobody in, and sessions
written by Django's own store (before this one) are read as they were."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from accounts.session_store import SessionStore

pytestmark = pytest.mark.sqlite_too


def test_a_signed_in_person_stays_signed_in_page_after_page(client, mentee):
    client.force_login(mentee)
    for _ in range(2):
        response = client.get(reverse("accounts:profile"))
        assert response.status_code == 200
        assert "Alice Mentee" in response.content.decode()


def test_an_expired_session_signs_nobody_in(client, mentee):
    client.force_login(mentee)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_unknown_session_key_signs_nobody_in_and_is_not_reused(client, mentee, settings):
    client.force_login(mentee)
    Session.objects.all().delete()
    forged = client.cookies[settings.SESSION_COOKIE_NAME].value
    response = client.get(reverse("accounts:profile"))
    assert response.status_code == 302
    store = SessionStore(forged)
    assert store.load() == {}
    assert store.session_key is None  # a write makes a new key, never the one sent


def test_sessions_of_djangos_own_store_are_read_and_ours_are_read_by_it(db):
    theirs = DjangoSessionStore()
    theirs["seen"] = "by Django's store"
    theirs.save()
    assert SessionStore(theirs.session_key).load() == {"seen": "by Django's store"}

    ours = SessionStore()
    ours["seen"] = "by ours"
    ours.save()
    assert DjangoSessionStore(ours.session_key).load() == {"seen": "by ours"}
