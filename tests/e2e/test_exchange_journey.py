"""Between sessions through real browsers: Alice (New York) writes to her mentor Bob (London),
who sees the unread badge and opens their thread; with the thread open on both sides, her
urgent question and his reply appear without a reload; she then shares a PDF for their next
session, and Bob downloads it from that session's agenda page. Nothing is frozen: the session
is the first free hour Bob offers."""

import os
import tempfile
from collections.abc import Callable
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from accounts.models import User
from exchange.models import Material, Message
from pairings.models import Pairing
from pairings.selectors.agreements import agreement_holds
from sessions_app.models import Appointment
from sessions_app.selectors.slots import free_slots
from sessions_app.services.availability import availability_save
from sessions_app.services.booking import appointment_book
from tests.agreements import agreement_reach

pytestmark = pytest.mark.e2e

# E2E_SCREENSHOTS=1 saves what the journey looks like, for a person to review by hand.
SCREENSHOTS = Path(tempfile.gettempdir()) if os.environ.get("E2E_SCREENSHOTS") == "1" else None
LONDON, NEW_YORK = ZoneInfo("Europe/London"), ZoneInfo("America/New_York")
# The thread polls every 3 s while visible: a message shows within one or two polls.
WITHIN_POLLS = 10_000
HELLO = "Hi Bob, I have a first draft of the talk for our next session."
QUESTION = "Presenting in an hour: should I open with the numbers or with the story?"
REPLY = "With the story. Keep the numbers for the second slide."
PDF_NAME = "talk-outline.pdf"
NOTE = "The outline of my talk, to go through together."
NOT_RELOADED = "() => { window.notReloaded = true; }"
STILL_NOT_RELOADED = "() => window.notReloaded === true"


def _one_page_pdf(text: str) -> bytes:
    """A small but complete PDF: one page showing `text` in Helvetica, with the
    cross-reference table giving each object's byte offset, as readers expect."""
    content = b"BT /F1 24 Tf 72 720 Td (" + text.encode("ascii") + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref_at = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(pdf)


PDF = _one_page_pdf("Talk outline: story first, numbers second")


def _session_label(moment: datetime, zone: ZoneInfo) -> str:
    """How the pages name a session: "Thu 3 Dec, 15:00" on the viewer's clock."""
    local = moment.astimezone(zone)
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


@pytest.fixture
def session(bob_and_alice: Pairing) -> Appointment:
    """Bob (London) mentors Alice (New York) in an active pairing whose contact agreement both
    acknowledged; she has booked the first free hour he offers."""
    pairing, mentor, mentee = bob_and_alice, bob_and_alice.mentor, bob_and_alice.mentee
    agreement_reach(pairing, channels=["video", "chat", "email"], urgent_breaks_through=True)
    assert agreement_holds(pairing=pairing)
    availability_save(
        mentor=mentor,
        session_lengths=[60],
        buffer_before=0,
        buffer_after=10,
        notice_hours=12,
        weekly_limit=5,
        horizon_weeks=4,
        windows=[(day, time(9), time(17)) for day in range(5)],
    )
    first = free_slots(mentor=mentor, mentee=mentee, length=60, now=timezone.now())[0]
    return appointment_book(
        pairing=pairing, booked_by=mentee, starts_at=first.starts_at, length=60, mode="video"
    )


def test_an_urgent_question_and_its_reply_appear_live_and_a_pdf_shared_for_the_session_downloads(
    open_page: Callable[[str, User], Page], session: Appointment, materials_dir: Path
) -> None:
    pairing: Pairing = session.pairing
    mentor, mentee = pairing.mentor, pairing.mentee

    # Alice opens her thread with Bob from the navigation and says hello.
    alice = open_page("mentee", mentee)
    alice.goto("/")
    alice.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    alice.get_by_role("link", name="Bob Okafor").click()
    expect(alice.get_by_role("heading", name="Messages with Bob Okafor")).to_be_visible()
    expect(alice.get_by_text("No messages yet.")).to_be_visible()
    alice_thread = alice.get_by_role("region", name="Messages, oldest first")
    # Sending nothing says so beside the field.
    alice.get_by_role("button", name="Send").click()
    expect(alice.get_by_text("Write a message first.")).to_be_visible()
    alice.get_by_label("Your message").fill(HELLO)
    alice.get_by_role("button", name="Send").click()
    expect(alice_thread.get_by_role("listitem").filter(has_text=HELLO)).to_contain_text("You")
    alice.evaluate(NOT_RELOADED)

    # Bob comes online: the navigation shows one unread message, and the inbox says whose.
    bob = open_page("mentor", mentor)
    bob.goto("/")
    bob_nav = bob.get_by_role("navigation", name="Main")
    bob_nav.get_by_role("link", name="Messages (1 unread)").click()
    conversation = bob.get_by_role("main").get_by_role("listitem").filter(has_text="Alice Moreau")
    expect(conversation).to_contain_text("1 unread")
    expect(conversation).to_contain_text(HELLO)
    conversation.get_by_role("link", name="Alice Moreau").click()
    expect(bob.get_by_role("heading", name="Messages with Alice Moreau")).to_be_visible()
    bob_thread = bob.get_by_role("region", name="Messages, oldest first")
    expect(bob_thread.get_by_role("listitem")).to_have_count(1)
    expect(bob_thread.get_by_role("listitem")).to_contain_text(HELLO)
    # Opening the thread read it: the badge is gone.
    expect(bob_nav.get_by_role("link", name="Messages", exact=True)).to_be_visible()
    bob.evaluate(NOT_RELOADED)

    # Alice, on the page she had open, asks her urgent question.
    alice.get_by_label("Your message").fill(QUESTION)
    alice.get_by_role("checkbox", name="Urgent").check()
    alice.get_by_role("button", name="Send").click()
    asked = alice_thread.get_by_role("listitem").filter(has_text=QUESTION)
    expect(asked.locator(".badge-urgent")).to_have_text("Urgent")
    expect(alice.get_by_label("Your message")).to_have_value("")  # a fresh form
    expect(alice.get_by_role("checkbox", name="Urgent")).not_to_be_checked()

    # Bob's open page shows it, urgent, without a reload; and only once.
    arrived = bob_thread.get_by_role("listitem").filter(has_text=QUESTION)
    expect(arrived).to_be_visible(timeout=WITHIN_POLLS)
    expect(arrived.locator(".badge-urgent")).to_have_text("Urgent")
    expect(arrived).to_contain_text("Alice Moreau")
    expect(bob_thread.get_by_role("listitem")).to_have_count(2)
    expect(bob.get_by_role("status").filter(has_text="New message from")).to_have_text(
        "New message from Alice Moreau"
    )
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "e2e5-urgent.png", full_page=True)

    # He replies; Alice's open page shows the reply without a reload, after her question.
    bob.get_by_label("Your message").fill(REPLY)
    bob.get_by_role("button", name="Send").click()
    expect(bob_thread.get_by_role("listitem").filter(has_text=REPLY)).to_contain_text("You")
    replied = alice_thread.get_by_role("listitem").filter(has_text=REPLY)
    expect(replied).to_be_visible(timeout=WITHIN_POLLS)
    expect(replied).to_contain_text("Bob Okafor")
    expect(replied.locator(".badge-urgent")).to_have_count(0)
    expect(alice_thread.get_by_role("listitem")).to_have_count(3)
    expect(alice_thread.locator(".thread-message .message-body")).to_have_text(
        [HELLO, QUESTION, REPLY]
    )
    expect(bob_thread.get_by_role("listitem")).to_have_count(3)
    assert alice.evaluate(STILL_NOT_RELOADED)
    assert bob.evaluate(STILL_NOT_RELOADED)
    if SCREENSHOTS:
        alice.screenshot(path=SCREENSHOTS / "e2e5-reply.png", full_page=True)

    # Alice shares a PDF for the session, from the pairing's materials page.
    label = _session_label(session.starts_at, NEW_YORK)
    alice.get_by_role("link", name="The pairing").click()
    expect(alice.get_by_role("heading", name="Your mentor Bob Okafor")).to_be_visible()
    alice.get_by_role("link", name="Share a file or a link").click()
    expect(alice.get_by_role("heading", name="Materials shared with Bob Okafor")).to_be_visible()
    alice.get_by_label("File:", exact=True).set_input_files(
        {"name": PDF_NAME, "mimeType": "application/pdf", "buffer": PDF}
    )
    alice.get_by_label("Note:", exact=True).fill(NOTE)
    alice.get_by_label("For session").select_option(label=label)
    alice.get_by_role("button", name="Share", exact=True).click()
    expect(
        alice.get_by_text("Shared with Bob Okafor. They get an email within their contact hours.")
    ).to_be_visible()
    shared = alice.get_by_role("region", name="Shared materials").get_by_role("article")
    expect(shared).to_have_count(1)
    expect(shared).to_contain_text(PDF_NAME)
    expect(shared).to_contain_text(NOTE)
    expect(shared).to_contain_text("Shared by you")
    expect(shared.get_by_role("link", name=f"for the session on {label}")).to_be_visible()

    # Bob opens the session's agenda from "My agenda": the PDF is there, and downloads whole.
    bob_nav.get_by_role("link", name="Agenda", exact=True).click()
    bob.get_by_role("link", name="Agenda with Alice Moreau").click()
    expect(bob.get_by_role("heading", name="Session with Alice Moreau")).to_be_visible()
    materials = bob.get_by_role("region", name="Materials for this session")
    item = materials.get_by_role("article").filter(has_text=PDF_NAME)
    expect(item).to_contain_text(NOTE)
    expect(item).to_contain_text("Shared by Alice Moreau")
    if SCREENSHOTS:
        bob.screenshot(path=SCREENSHOTS / "e2e5-agenda.png", full_page=True)
    with bob.expect_download() as downloading:
        item.get_by_role("link", name=PDF_NAME).click()
    download = downloading.value
    assert download.failure() is None
    assert download.suggested_filename == PDF_NAME
    assert Path(download.path()).read_bytes() == PDF

    # What the site kept: three messages (the question urgent), read by their recipients, and
    # the PDF for this session.
    kept = Message.objects.filter(pairing=pairing).order_by("created_at")
    assert [(m.sender_id, m.body, m.urgent, m.read_at is not None) for m in kept] == [
        (mentee.pk, HELLO, False, True),
        (mentee.pk, QUESTION, True, True),
        (mentor.pk, REPLY, False, True),
    ]
    material = Material.objects.get(pairing=pairing)
    assert (material.appointment_id, material.title, material.content_type, material.size) == (
        session.pk,
        PDF_NAME,
        "application/pdf",
        len(PDF),
    )
