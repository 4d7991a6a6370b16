"""The unread-message count in the navigation, on every page of a signed-in person."""

from django.db.models import Q
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from exchange.live import unread_cached
from exchange.models import Message


def _unread_count(user) -> int:
    return (
        Message.objects.filter(
            Q(pairing__mentor=user) | Q(pairing__mentee=user),
            read_at__isnull=True,
            deleted_at__isnull=True,
        )
        .exclude(sender=user)
        .count()
    )


def unread_messages(request: HttpRequest) -> dict:
    """`unread_messages`: counted only when a template shows it, from the cache while the
    person's unread version has not moved (exchange/live.py), else one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_messages": 0}
    return {
        "unread_messages": SimpleLazyObject(
            lambda: unread_cached(user.pk, lambda: _unread_count(user))
        )
    }
