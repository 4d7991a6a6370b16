"""A quiet thread polls less (static/js/thread.js): an open thread asks for news every 3 s
while a message came or went or its reader typed in the last 2 minutes, and once in 15 s
otherwise. Counted in a real browser from the requests it sends, against the real server."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from exchange.models import Message
from exchange.services.messages import message_send
from pairings.models import Pairing
from tests.agreements import agreement_reach

pytestmark = pytest.mark.e2e

WATCH_MS = 10_000  # lively: polls at about 3, 6 and 9 s; quiet: the one at 3 s only
QUIET_DELIVERY_MS = 22_000  # a quiet thread's next poll comes within 15 s (+ 3 s tick, slack)


def _polls(page: Page) -> list[str]:
    """The thread polls `page` sends from now on, as they leave the browser."""
    sent: list[str] = []
    page.on("request", lambda request: "/poll/" in request.url and sent.append(request.url))
    return sent


def _polls_while_watching(page: Page, polls: list[str]) -> int:
    """How many polls `page` sends in the next WATCH_MS."""
    before = len(polls)
    page.wait_for_timeout(WATCH_MS)
    return len(polls) - before


def _thread_open(page: Page, pairing: Pairing, partner: str) -> None:
    page.goto(f"/exchange/messages/pairing/{pairing.pk}/")
    expect(page.get_by_role("heading", name=f"Messages with {partner}")).to_be_visible()


@pytest.fixture
def quiet_thread(bob_and_alice: Pairing) -> Pairing:
    """Bob and Alice may chat; his last message to her is 10 minutes old."""
    agreement_reach(bob_and_alice, channels=["video", "chat", "email"])
    message = message_send(
        pairing=bob_and_alice, sender=bob_and_alice.mentor, body="See you on Thursday."
    )
    earlier = timezone.now() - timedelta(minutes=10)
    Message.objects.filter(pk=message.pk).update(created_at=earlier, updated_at=earlier)
    return bob_and_alice


def test_a_quiet_thread_polls_once_in_15_seconds_and_a_new_message_makes_it_lively(
    open_page: Callable[[str, User], Page], quiet_thread: Pairing
) -> None:
    alice = open_page("mentee", quiet_thread.mentee)
    polls = _polls(alice)
    _thread_open(alice, quiet_thread, "Bob Okafor")
    thread = alice.get_by_role("region", name="Messages, oldest first")
    expect(thread.get_by_role("listitem")).to_have_count(1)

    alice.wait_for_timeout(WATCH_MS)
    assert len(polls) == 1, polls  # at 3 s; the next may go at 18 s

    # Bob writes: it still reaches her open page, by the quiet thread's next poll.
    message_send(pairing=quiet_thread, sender=quiet_thread.mentor, body="Running late, 5 min.")
    expect(thread.get_by_role("listitem").filter(has_text="Running late")).to_be_visible(
        timeout=QUIET_DELIVERY_MS
    )
    # A message came: the thread is lively again, every 3 s.
    assert _polls_while_watching(alice, polls) >= 3, polls


def test_typing_in_a_quiet_thread_brings_back_the_3_second_poll(
    open_page: Callable[[str, User], Page], quiet_thread: Pairing
) -> None:
    alice = open_page("mentee", quiet_thread.mentee)
    polls = _polls(alice)
    _thread_open(alice, quiet_thread, "Bob Okafor")
    alice.wait_for_timeout(4_000)  # the quiet thread's first poll, at 3 s
    assert len(polls) == 1, polls

    alice.get_by_label("Your message").press_sequentially("Thanks, I", delay=50)
    assert _polls_while_watching(alice, polls) >= 3, polls


def test_a_thread_with_a_recent_message_polls_every_3_seconds(
    open_page: Callable[[str, User], Page], bob_and_alice: Pairing
) -> None:
    agreement_reach(bob_and_alice, channels=["video", "chat", "email"])
    message_send(pairing=bob_and_alice, sender=bob_and_alice.mentor, body="How did it go?")
    alice = open_page("mentee", bob_and_alice.mentee)
    polls = _polls(alice)
    _thread_open(alice, bob_and_alice, "Bob Okafor")
    assert _polls_while_watching(alice, polls) >= 3, polls
