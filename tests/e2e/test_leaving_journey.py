"""Alice (mentee) deletes her account in a real browser; Bob, her mentor, still reads their
whole thread and his own session notes, with "Former participant" where her name was."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from exchange.services.messages import message_send
from pairings.models import Pairing
from sessions_app.models import SessionNote
from tests.factories import PASSWORD, AppointmentFactory

pytestmark = pytest.mark.e2e

HERS = "Could we talk about how I give feedback to my team?"
HIS = "Yes, bring one example from this week."


def test_a_mentee_leaves_and_her_mentor_keeps_their_thread_and_his_notes(
    bob_and_alice: Pairing, open_page: Callable[[str, User], Page]
):
    bob, alice = bob_and_alice.mentor, bob_and_alice.mentee
    message_send(pairing=bob_and_alice, sender=alice, body=HERS)
    message_send(pairing=bob_and_alice, sender=bob, body=HIS)
    past = AppointmentFactory(pairing=bob_and_alice, starts_at=timezone.now() - timedelta(days=2))
    SessionNote.objects.create(appointment=past, author=bob, text="Ask about the team review.")
    SessionNote.objects.create(appointment=past, author=alice, text="I felt nervous.")

    page = open_page("alice", alice)
    page.goto("/profile/delete/")
    expect(page.get_by_text("shown as from “Former participant”")).to_be_visible()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_role("button", name="Delete my account for good").click()
    expect(page.get_by_text("Your account is deleted.")).to_be_visible()

    page = open_page("bob", bob)
    page.goto(f"/exchange/messages/pairing/{bob_and_alice.pk}/")
    thread = page.locator("#thread-messages")
    expect(thread.get_by_text(HERS)).to_be_visible()
    expect(thread.get_by_text(HIS)).to_be_visible()
    expect(thread.get_by_text("Former participant").first).to_be_visible()
    expect(page.get_by_text("Alice Moreau")).to_have_count(0)

    page.goto(f"/sessions/{past.pk}/notes/")
    expect(page.get_by_text("Ask about the team review.")).to_be_visible()
    expect(page.get_by_text("I felt nervous.")).to_have_count(0)
