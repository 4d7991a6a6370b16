"""The private calendar feed: a secret URL per person; revoking it gives a new one."""

from django.db import transaction

from accounts.models import User
from sessions_app.models import CalendarFeed


@transaction.atomic
def calendar_feed_enable(*, user: User) -> CalendarFeed:
    """The person's feed, made on first use. Safe to repeat: the URL stays the same."""
    feed, _created = CalendarFeed.objects.get_or_create(user=user)
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> CalendarFeed:
    """Give the feed a new secret: the old URL answers 404 from now on."""
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=user)
    if not created:
        feed.token = CalendarFeed._meta.get_field("token").get_default()
        feed.save(update_fields=["token"])
    return feed
