"""Double submits of a booking form: the second submit with the same one-time token waits for
the first and gets what it made, instead of booking again."""

import time
from collections.abc import Callable
from datetime import datetime
from functools import partial
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from sessions_app.errors import BookingRefused
from sessions_app.models import Appointment, Series

# A double submit: how long a token is remembered, and how long the second submit waits for
# the first to finish (it normally takes a fraction of a second).
TOKEN_SECONDS = 10 * 60
WAIT_STEP_SECONDS = 0.1
WAIT_STEPS = 100
_PENDING = "pending"

Made = TypeVar("Made", Appointment, Series)


def _claim(key: str) -> int | None:
    """None when this submit goes ahead with `key` (and must settle or release it); else the
    id an earlier submit with the same token made, once that one committed."""
    for _step in range(WAIT_STEPS):
        if cache.add(key, _PENDING, TOKEN_SECONDS):
            return None
        earlier = cache.get(key)
        if isinstance(earlier, int):
            return earlier
        time.sleep(WAIT_STEP_SECONDS)  # the first submit is still at work
    raise BookingRefused(
        _("This booking is still being made. Look at your sessions again in a moment.")
    )


def submit_once(
    key: str | None,
    make: Callable[[Callable[[int], None]], Made],
    fetch: Callable[[int], Made],
) -> Made:
    """Run `make`, unless an earlier submit with `key` did: then fetch what that one made.

    `make` gets a function to call with the id of what it made; the id is remembered once the
    transaction commits, and the key forgotten if `make` fails, so the person can try again.
    """
    if key is None:
        return make(lambda _made: None)
    earlier = _claim(key)
    if earlier is not None:
        return fetch(earlier)
    try:
        return make(
            lambda made: transaction.on_commit(partial(cache.set, key, made, TOKEN_SECONDS))
        )
    except Exception:
        cache.delete(key)
        raise


def submit_key(kind: str, user: User, token: str | None, starts_at: datetime) -> str | None:
    """The key of one form submit (its one-time token), or None when the form carried none."""
    if not token:
        return None
    # The time is part of the key: going back and picking another time is a new booking.
    return f"{kind}:{user.pk}:{token}:{starts_at.timestamp():.0f}"
