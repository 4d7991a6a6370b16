"""Notification emails: held to the recipient's contact hours (in their zone, across DST), sent
once as one digest per person by the scan, and skipped when they no longer apply.

Messages, materials and opportunities are written here as their services write them: the row
and its partner's notification in one transaction. Celery runs eagerly; on-commit work runs.
"""

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import TestCase
from django.urls import reverse

from exchange.models import Material, Message, Opportunity, OpportunityRecipient, materials_storage
from notifications.kinds import kind_for
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import (
    notification_schedule,
    notification_settings_save,
    notifications_claim_due,
    notifications_dispatch,
    notifications_send,
)
from notifications.tasks import notifications_dispatch_task
from pairings.models import Pairing
from tests.agreements import terms_state
from tests.factories import PairingFactory, ProfileFactory

pytestmark = pytest.mark.django_db

TOKYO = "Asia/Tokyo"
Status = Notification.Status
Kind = Notification.Kind
# Wednesday 10 June 2026, 22:00 in Tokyo (UTC+9, no DST there).
TOKYO_22 = datetime(2026, 6, 10, 13, 0, tzinfo=UTC)
TOKYO_08_NEXT = datetime(2026, 6, 10, 23, 0, tzinfo=UTC)
HELD = "Held while you were outside your contact hours."


def every_day(opens: int, closes: int) -> list[list[int]]:
    return [[day, opens * 60, closes * 60] for day in range(7)]


def send_message(pairing: Pairing, sender, body: str, *, urgent: bool = False) -> Message:
    """A message as the thread's service writes it; what it enqueues on commit runs."""
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        message = Message.objects.create(pairing=pairing, sender=sender, body=body, urgent=urgent)
        notification_schedule(
            recipient=pairing.partner_of(sender),
            pairing=pairing,
            kind=Kind.MESSAGE,
            message=message,
            urgent=urgent,
        )
    return message


def share_file(pairing: Pairing, by, *, name: str, content: bytes) -> Material:
    """A file shared as the materials service stores it: in the materials storage."""
    stored = materials_storage().save(f"pairing-{pairing.pk}/test/{name}", ContentFile(content))
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        material = Material.objects.create(
            pairing=pairing,
            shared_by=by,
            kind=Material.Kind.FILE,
            title=name,
            file=stored,
            content_type="application/pdf",
            size=len(content),
            note="For Thursday: the second half.",
        )
        notification_schedule(
            recipient=pairing.partner_of(by), pairing=pairing, kind=Kind.MATERIAL, material=material
        )
    return material


def pass_on(pairing: Pairing, *, title: str, starts_at: datetime) -> OpportunityRecipient:
    with TestCase.captureOnCommitCallbacks(execute=True), transaction.atomic():
        opportunity = Opportunity.objects.create(
            mentor=pairing.mentor,
            title=title,
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2),
            location="Barbican Centre, London",
            url="https://example.org/women-in-tech",
            note="Worth going: good speakers.",
        )
        row = OpportunityRecipient.objects.create(
            opportunity=opportunity, pairing=pairing, mentee=pairing.mentee
        )
        notification_schedule(
            recipient=pairing.mentee, pairing=pairing, kind=Kind.OPPORTUNITY, opportunity=row
        )
    return row


def dispatch_at(moment: datetime) -> int:
    """The beat's scan at `moment`, with the sends it enqueues."""
    with time_machine.travel(moment, tick=False), TestCase.captureOnCommitCallbacks(execute=True):
        return notifications_dispatch_task()


def notification_mails(outbox: list) -> list:
    """Our notification emails (the agreement's own emails to the partner left out)."""
    return [m for m in outbox if "X-Notification-Ids" in m.extra_headers]


def site_link(url_name: str, *args: object) -> str:
    return "http://testserver" + reverse(url_name, args=args)


def thread_link(pairing: Pairing) -> str:
    return site_link("exchange:thread", pairing.pk)


@pytest.fixture
def tokyo_alice(pairing, mentee):
    """Alice lives in Tokyo and may be reached 08:00-18:00 there, every day."""
    mentee.timezone = TOKYO
    mentee.save(update_fields=["timezone"])
    with time_machine.travel(TOKYO_22 - timedelta(days=1), tick=False):
        terms_state(pairing, mentee, timezone=TOKYO, contact_hours=every_day(8, 18))
    return mentee


# --- when: held to the contact hours -------------------------------------------------------


def test_a_message_at_22_in_tokyo_is_held_until_08_there_next_morning(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        message = send_message(pairing, mentor, "Can I ask about the budget slide?")

    row = Notification.objects.get(message=message)
    assert (row.recipient, row.status, row.held) == (tokyo_alice, Status.PENDING, True)
    assert row.due_at == TOKYO_08_NEXT
    assert notification_mails(mailoutbox) == []


def test_held_messages_go_out_as_one_digest_when_the_hours_open_and_only_once(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        send_message(pairing, mentor, "Can I ask about the budget slide?")
    with time_machine.travel(TOKYO_22 + timedelta(minutes=90), tick=False):
        send_message(pairing, mentor, "Also: who else will be\nin the room?")

    assert dispatch_at(TOKYO_08_NEXT - timedelta(minutes=1)) == 0  # 07:59 in Tokyo
    assert notification_mails(mailoutbox) == []
    assert dispatch_at(TOKYO_08_NEXT) == 2  # 08:00 in Tokyo
    assert dispatch_at(TOKYO_08_NEXT + timedelta(minutes=1)) == 0

    [email] = notification_mails(mailoutbox)
    assert email.to == [tokyo_alice.email]
    assert email.subject == "[Mentoring] 2 new things from your mentoring pairings"
    assert "(times in Asia/Tokyo)" in email.body
    assert "Message from Bob Mentor, Wed 10 Jun, 22:00" in email.body
    assert "Message from Bob Mentor, Wed 10 Jun, 23:30" in email.body
    assert "Can I ask about the budget slide?" in email.body
    assert email.body.count(HELD) == 2
    assert f"Read and reply: {thread_link(pairing)}" in email.body
    html = email.alternatives[0][0]
    assert "Also: who else will be<br>in the room?" in html
    assert {(r.status, r.sent_at) for r in Notification.objects.all()} == {
        (Status.SENT, TOKYO_08_NEXT)
    }


def test_a_message_inside_the_hours_is_emailed_at_once(pairing, mentor, tokyo_alice, mailoutbox):
    with time_machine.travel(TOKYO_08_NEXT + timedelta(hours=2), tick=False):  # 10:00 in Tokyo
        message = send_message(pairing, mentor, "Quick one: slides in English?")

    [email] = notification_mails(mailoutbox)
    assert email.subject == "[Mentoring] New message from Bob Mentor"
    assert "Message from Bob Mentor, Thu 11 Jun, 10:00" in email.body
    assert HELD not in email.body
    row = Notification.objects.get(message=message)
    assert (row.held, row.status) == (False, Status.SENT)


def test_a_message_due_at_once_is_dispatched_for_its_recipient_only(
    pairing, other_pairing, mentor, other_mentee, tokyo_alice, mailoutbox
):
    # Charlie's notification is due too, but waits for the scan: the on-commit dispatch of
    # Alice's message claims only hers.
    with time_machine.travel(TOKYO_22, tick=False), transaction.atomic():
        waiting = Message.objects.create(
            pairing=other_pairing, sender=other_pairing.mentor, body="Hello Charlie"
        )
        Notification.objects.create(
            recipient=other_mentee,
            pairing=other_pairing,
            kind=Kind.MESSAGE,
            message=waiting,
            due_at=TOKYO_22,
        )
    with time_machine.travel(TOKYO_08_NEXT + timedelta(hours=1), tick=False):
        send_message(pairing, mentor, "Hello Alice")

    assert [m.to for m in notification_mails(mailoutbox)] == [[tokyo_alice.email]]
    assert Notification.objects.get(message=waiting).status == Status.PENDING


@pytest.mark.parametrize(
    ("zone", "windows", "sent_at", "due_at"),
    [
        # London moves to BST in the night to Sunday 29 March 2026: 09:00 is then 08:00 UTC.
        (
            "Europe/London",
            every_day(9, 17),
            datetime(2026, 3, 28, 20, 0, tzinfo=UTC),  # Saturday 20:00 GMT
            datetime(2026, 3, 29, 8, 0, tzinfo=UTC),  # Sunday 09:00 BST
        ),
        # Weekdays only: Friday evening waits for Monday, on summer time by then.
        (
            "Europe/London",
            [[day, 9 * 60, 17 * 60] for day in range(5)],
            datetime(2026, 3, 27, 17, 30, tzinfo=UTC),  # Friday 17:30 GMT
            datetime(2026, 3, 30, 8, 0, tzinfo=UTC),  # Monday 09:00 BST
        ),
        # New York leaves EDT in the night to Sunday 1 November 2026: 09:00 is then 14:00 UTC.
        (
            "America/New_York",
            every_day(9, 17),
            datetime(2026, 11, 1, 0, 0, tzinfo=UTC),  # Saturday 20:00 EDT
            datetime(2026, 11, 1, 14, 0, tzinfo=UTC),  # Sunday 09:00 EST
        ),
        # Sydney starts AEDT on Sunday 4 October 2026: 09:00 is then 22:00 UTC the day before.
        (
            "Australia/Sydney",
            every_day(9, 17),
            datetime(2026, 10, 3, 10, 0, tzinfo=UTC),  # Saturday 20:00 AEST
            datetime(2026, 10, 3, 22, 0, tzinfo=UTC),  # Sunday 09:00 AEDT
        ),
    ],
)
def test_across_a_dst_change_the_hours_open_at_the_right_local_time(
    pairing, mentor, mentee, mailoutbox, zone, windows, sent_at, due_at
):
    with time_machine.travel(sent_at - timedelta(days=2), tick=False):
        terms_state(pairing, mentee, timezone=zone, contact_hours=windows)
    with time_machine.travel(sent_at, tick=False):
        message = send_message(pairing, mentor, "Before Monday's call")

    assert Notification.objects.get(message=message).due_at == due_at
    assert dispatch_at(due_at - timedelta(minutes=1)) == 0
    assert notification_mails(mailoutbox) == []
    assert dispatch_at(due_at) == 1
    assert len(notification_mails(mailoutbox)) == 1


@pytest.mark.parametrize(("allowed", "emailed_at_once"), [(True, True), (False, False)])
def test_an_urgent_message_breaks_through_only_when_the_recipient_allowed_it(
    pairing, mentor, mentee, mailoutbox, allowed, emailed_at_once
):
    mentee.timezone = TOKYO
    mentee.save(update_fields=["timezone"])
    with time_machine.travel(TOKYO_22 - timedelta(days=1), tick=False):
        terms_state(
            pairing,
            mentee,
            timezone=TOKYO,
            contact_hours=every_day(8, 18),
            urgent_breaks_through=allowed,
        )
    with time_machine.travel(TOKYO_22, tick=False):
        message = send_message(pairing, mentor, "Presenting in an hour, one question", urgent=True)

    row = Notification.objects.get(message=message)
    emails = notification_mails(mailoutbox)
    if emailed_at_once:
        assert (row.due_at, row.held, row.status) == (TOKYO_22, False, Status.SENT)
        assert [m.subject for m in emails] == ["[Mentoring] Urgent message from Bob Mentor"]
        assert "[URGENT] Message from Bob Mentor" in emails[0].body
    else:
        assert (row.due_at, row.held, row.status) == (TOKYO_08_NEXT, True, Status.PENDING)
        assert emails == []


def test_an_urgent_message_is_listed_first_in_a_digest(pairing, mentor, tokyo_alice, mailoutbox):
    with time_machine.travel(TOKYO_22, tick=False):
        send_message(pairing, mentor, "A thought for next week")
    with time_machine.travel(TOKYO_22 + timedelta(hours=1), tick=False):
        send_message(pairing, mentor, "Presenting first thing: call me?", urgent=True)

    dispatch_at(TOKYO_08_NEXT)

    [email] = notification_mails(mailoutbox)
    assert email.subject == "[Mentoring] 2 new things from your mentoring pairings (1 urgent)"
    assert email.body.index("Presenting first thing") < email.body.index("A thought for next")


def test_a_message_read_on_the_site_before_the_hours_open_is_not_emailed(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        read = send_message(pairing, mentor, "Seen this already?")
        unread = send_message(pairing, mentor, "And this one?")
    Message.objects.filter(pk=read.pk).update(read_at=TOKYO_22 + timedelta(hours=2))

    dispatch_at(TOKYO_08_NEXT)

    [email] = notification_mails(mailoutbox)
    assert email.subject == "[Mentoring] New message from Bob Mentor"
    assert "And this one?" in email.body
    assert "Seen this already?" not in email.body
    assert Notification.objects.get(message=read).status == Status.SKIPPED
    assert Notification.objects.get(message=unread).status == Status.SENT


def test_all_held_messages_read_on_the_site_means_no_email_at_all(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        message = send_message(pairing, mentor, "Seen this already?")
    Message.objects.filter(pk=message.pk).update(read_at=TOKYO_22 + timedelta(hours=2))

    assert dispatch_at(TOKYO_08_NEXT) == 1  # claimed, then skipped by the send

    assert notification_mails(mailoutbox) == []
    row = Notification.objects.get(message=message)
    assert (row.status, row.sent_at) == (Status.SKIPPED, None)


def test_an_edited_message_is_emailed_as_it_reads_now_and_a_deleted_one_not_at_all(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        edited = send_message(pairing, mentor, "Meet at 10?")
        deleted = send_message(pairing, mentor, "Wrong thread, sorry")
    Message.objects.filter(pk=edited.pk).update(body="Meet at 11?", edited_at=TOKYO_22)
    Message.objects.filter(pk=deleted.pk).update(body="", deleted_at=TOKYO_22)

    dispatch_at(TOKYO_08_NEXT)

    [email] = notification_mails(mailoutbox)
    assert "\nMeet at 11?\n" in email.body
    assert "(edited)" in email.body
    assert "Meet at 10?" not in email.body
    assert Notification.objects.get(message=deleted).status == Status.SKIPPED


def test_a_held_message_in_a_pairing_closed_since_is_skipped(
    pairing, mentor, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        message = send_message(pairing, mentor, "See you next week")
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)

    dispatch_at(TOKYO_08_NEXT)

    assert notification_mails(mailoutbox) == []
    assert Notification.objects.get(message=message).status == Status.SKIPPED


# --- delivery choices ----------------------------------------------------------------------


def test_never_writes_no_notification(pairing, mentor, tokyo_alice, mailoutbox):
    NotificationSettings.objects.create(user=tokyo_alice, messages=Delivery.NEVER)

    with time_machine.travel(TOKYO_08_NEXT + timedelta(hours=2), tick=False):
        send_message(pairing, mentor, "Inside the hours, but she reads on the site")

    assert not Notification.objects.exists()
    assert notification_mails(mailoutbox) == []


def test_a_digest_waits_for_the_next_opening_even_inside_the_hours(
    pairing, mentor, tokyo_alice, mailoutbox
):
    NotificationSettings.objects.create(user=tokyo_alice, messages=Delivery.DIGEST)
    inside = TOKYO_08_NEXT + timedelta(hours=2)  # Thursday 10:00 in Tokyo

    with time_machine.travel(inside, tick=False):
        message = send_message(pairing, mentor, "No rush")

    row = Notification.objects.get(message=message)
    assert row.due_at == TOKYO_08_NEXT + timedelta(days=1)  # Friday 08:00 in Tokyo
    assert row.held is False  # it came inside her hours: collected, not held back
    assert notification_mails(mailoutbox) == []
    assert dispatch_at(row.due_at) == 1
    [email] = notification_mails(mailoutbox)
    assert HELD not in email.body


def test_a_digest_without_stated_hours_goes_out_at_08_local(pairing, mentor, mentee, mailoutbox):
    NotificationSettings.objects.create(user=mentee, messages=Delivery.DIGEST)  # in London

    with time_machine.travel(datetime(2026, 6, 10, 9, 0, tzinfo=UTC), tick=False):
        message = send_message(pairing, mentor, "No rush")

    assert Notification.objects.get(message=message).due_at == datetime(
        2026, 6, 11, 7, 0, tzinfo=UTC
    )  # 08:00 BST


def test_without_stated_hours_a_message_is_emailed_at_once(pairing, mentor, mentee, mailoutbox):
    with time_machine.travel(TOKYO_22, tick=False):
        send_message(pairing, mentor, "Hello")

    assert [m.to for m in notification_mails(mailoutbox)] == [[mentee.email]]


def test_choosing_never_skips_the_waiting_notifications_of_that_kind_only(
    pairing, mentor, tokyo_alice, mailoutbox, materials_dir
):
    with time_machine.travel(TOKYO_22, tick=False):
        message = send_message(pairing, mentor, "Held overnight")
        material = share_file(pairing, mentor, name="notes.pdf", content=b"%PDF-1.4 tiny")

    notification_settings_save(
        user=tokyo_alice,
        messages=Delivery.NEVER,
        materials=Delivery.IMMEDIATELY,
        opportunities=Delivery.DIGEST,
    )

    assert Notification.objects.get(message=message).status == Status.SKIPPED
    assert Notification.objects.get(material=material).status == Status.PENDING
    dispatch_at(TOKYO_08_NEXT)
    [email] = notification_mails(mailoutbox)
    assert email.subject == "[Mentoring] Bob Mentor shared “notes.pdf”"


# --- materials and opportunities -----------------------------------------------------------


@pytest.fixture
def materials_dir(materials_dir, settings):
    """Shared files go to a folder of this test's own (tests/conftest.py), and files up to
    1,000 bytes are attached to the email."""
    settings.MATERIAL_ATTACH_MAX_BYTES = 1000
    return materials_dir


def test_a_small_shared_file_is_attached_and_a_large_one_linked(
    pairing, mentor, mentee, mailoutbox, materials_dir
):
    small = b"%PDF-1.4 " + b"s" * 500
    with time_machine.travel(TOKYO_22, tick=False):
        share_file(pairing, mentor, name="agenda.pdf", content=small)
        large = share_file(pairing, mentor, name="report.pdf", content=b"%PDF-1.4 " + b"x" * 5000)

    [first, second] = notification_mails(mailoutbox)  # no hours stated: each at once
    assert first.subject == "[Mentoring] Bob Mentor shared “agenda.pdf”"
    assert first.attachments == [("agenda.pdf", small, "application/pdf")]
    assert "The file is attached to this email." in first.body
    assert "For Thursday: the second half." in first.body
    assert second.attachments == []
    download = site_link("exchange:material_download", large.pk)
    assert f"Too large to attach; download it (sign in first): {download}" in second.body
    materials = site_link("exchange:materials", pairing.pk)
    assert f"All shared materials: {materials}" in second.body


def test_a_shared_file_missing_from_storage_is_linked_instead(
    pairing, mentor, mentee, mailoutbox, materials_dir
):
    NotificationSettings.objects.create(user=mentee, materials=Delivery.DIGEST)
    with time_machine.travel(TOKYO_22, tick=False):
        material = share_file(pairing, mentor, name="gone.pdf", content=b"%PDF-1.4 gone")
    materials_storage().delete(material.file.name)

    dispatch_at(Notification.objects.get(material=material).due_at)

    [email] = notification_mails(mailoutbox)
    assert email.attachments == []
    assert "Too large to attach" in email.body


def test_a_material_withdrawn_before_the_hours_open_is_not_emailed(
    pairing, mentor, tokyo_alice, mailoutbox, materials_dir
):
    with time_machine.travel(TOKYO_22, tick=False):
        material = share_file(pairing, mentor, name="draft.pdf", content=b"%PDF-1.4 draft")
    Material.objects.filter(pk=material.pk).update(withdrawn_at=TOKYO_22 + timedelta(hours=1))

    dispatch_at(TOKYO_08_NEXT)

    assert notification_mails(mailoutbox) == []
    assert Notification.objects.get(material=material).status == Status.SKIPPED


def test_an_opportunity_email_gives_when_where_and_the_link_in_the_mentees_zone(
    pairing, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        row = pass_on(
            pairing,
            title="Women in Tech evening",
            starts_at=datetime(2026, 6, 20, 9, 0, tzinfo=UTC),
        )

    dispatch_at(TOKYO_08_NEXT)

    [email] = notification_mails(mailoutbox)
    assert email.subject == (
        "[Mentoring] Bob Mentor passed on an opportunity: Women in Tech evening"
    )
    assert "Sat 20 Jun 2026, 18:00\N{EN DASH}20:00" in email.body  # Tokyo time
    assert "Barbican Centre, London" in email.body
    assert "https://example.org/women-in-tech" in email.body
    assert "Worth going: good speakers." in email.body
    link = site_link("exchange:opportunity_detail", row.opportunity_id)
    assert f"See it and answer: {link}" in email.body


def test_an_opportunity_answered_on_the_site_before_the_hours_open_is_not_emailed(
    pairing, tokyo_alice, mailoutbox
):
    with time_machine.travel(TOKYO_22, tick=False):
        row = pass_on(pairing, title="Course", starts_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))
    OpportunityRecipient.objects.filter(pk=row.pk).update(
        response=OpportunityRecipient.Response.INTERESTED, responded_at=TOKYO_22
    )

    dispatch_at(TOKYO_08_NEXT)

    assert notification_mails(mailoutbox) == []


# --- claims and sends: once, and never lost --------------------------------------------------


def held_rows(pairing: Pairing, mentor, count: int) -> list[int]:
    with time_machine.travel(TOKYO_22, tick=False):
        for n in range(count):
            send_message(pairing, mentor, f"Message {n}")
    return list(Notification.objects.order_by("pk").values_list("pk", flat=True))


def test_sending_twice_mails_once(pairing, mentor, tokyo_alice, mailoutbox):
    ids = held_rows(pairing, mentor, 2)
    claimed = notifications_claim_due(now=TOKYO_08_NEXT)
    assert claimed == {tokyo_alice.pk: ids}

    assert notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids) == 2
    assert notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids) == 0

    assert len(notification_mails(mailoutbox)) == 1


def test_a_stray_send_of_unclaimed_or_someone_elses_rows_sends_nothing(
    pairing, mentor, mentee, tokyo_alice, mailoutbox
):
    ids = held_rows(pairing, mentor, 1)

    assert notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids) == 0
    notifications_claim_due(now=TOKYO_08_NEXT)
    assert notifications_send(recipient_id=mentor.pk, notification_ids=ids) == 0

    assert notification_mails(mailoutbox) == []
    assert Notification.objects.get(pk=ids[0]).status == Status.CLAIMED


def test_a_refused_smtp_connection_leaves_the_rows_claimed_for_a_retry(
    pairing, mentor, tokyo_alice, settings, mailoutbox
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    ids = held_rows(pairing, mentor, 2)
    notifications_claim_due(now=TOKYO_08_NEXT)

    with pytest.raises(ConnectionRefusedError):
        notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids)

    assert {(r.status, r.sent_at) for r in Notification.objects.all()} == {(Status.CLAIMED, None)}


def test_a_claim_older_than_the_stale_timeout_is_claimed_again(
    pairing, mentor, tokyo_alice, settings
):
    settings.NOTIFICATION_CLAIM_STALE_SECONDS = 120
    ids = held_rows(pairing, mentor, 2)
    notifications_claim_due(now=TOKYO_08_NEXT)

    assert notifications_claim_due(now=TOKYO_08_NEXT + timedelta(seconds=119)) == {}
    again = notifications_claim_due(now=TOKYO_08_NEXT + timedelta(seconds=121))

    assert again == {tokyo_alice.pk: ids}


@pytest.mark.django_db(transaction=True)
def test_scans_running_at_once_never_claim_the_same_notification(cohort):
    for n in range(10):
        pairing = PairingFactory(
            cohort=cohort,
            mentor=ProfileFactory(mentor=True).user,
            mentee=ProfileFactory(mentee=True).user,
        )
        with time_machine.travel(TOKYO_22 - timedelta(minutes=n), tick=False):
            terms_state(pairing, pairing.mentee, timezone=TOKYO, contact_hours=every_day(8, 18))
            send_message(pairing, pairing.mentor, "Good night")
    claims: list[dict[int, list[int]]] = []
    barrier = threading.Barrier(4)

    def scan() -> None:
        try:
            barrier.wait()
            claims.append(notifications_claim_due(now=TOKYO_08_NEXT, limit=3))
        finally:
            connection.close()

    for _round in range(3):
        threads = [threading.Thread(target=scan) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    every = [pk for claim in claims for ids in claim.values() for pk in ids]
    assert len(every) == len(set(every)) == 10


def test_a_scan_leaves_the_rest_for_later_while_its_cap_of_unsent_claims_is_reached(
    pairing, mentor, tokyo_alice, settings
):
    settings.NOTIFICATION_MAX_IN_FLIGHT = 2
    held_rows(pairing, mentor, 3)

    with TestCase.captureOnCommitCallbacks():  # the sends stay queued: none runs here
        assert notifications_dispatch(now=TOKYO_08_NEXT) == 2
        assert notifications_dispatch(now=TOKYO_08_NEXT) == 0
    assert Notification.objects.filter(status=Status.PENDING).count() == 1


@pytest.mark.parametrize("count", [1, 8])
def test_a_digest_send_makes_the_same_queries_however_many_items_it_holds(
    pairing, mentor, tokyo_alice, mailoutbox, count, django_assert_num_queries
):
    ids = held_rows(pairing, mentor, count)
    notifications_claim_due(now=TOKYO_08_NEXT)

    # the savepoint, the locked rows with their subjects, marking them sent, the release
    with django_assert_num_queries(4):
        assert notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids) == count

    assert len(notification_mails(mailoutbox)) == 1


# --- admin ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "exchange.message",
        "exchange.material",
        "exchange.opportunity",
        "exchange.opportunityrecipient",
        "notifications.notification",
        "notifications.notificationsettings",
    ],
)
def test_staff_find_exchange_rows_in_the_admin(admin_client, pairing, mentor, tokyo_alice, model):
    held_rows(pairing, mentor, 2)
    pass_on(pairing, title="Course", starts_at=datetime(2026, 7, 1, 9, 0, tzinfo=UTC))

    url = reverse(f"admin:{model.replace('.', '_')}_changelist")
    response = admin_client.get(url, {"q": "alice"})

    assert response.status_code == 200


def test_every_kind_of_notification_has_a_registered_handler_so_none_waits_forever():
    for value in Notification.Kind.values:
        assert kind_for(value).kind == value


def test_staff_bookmarks_of_the_outbox_admin_under_exchange_still_open(admin_client):
    response = admin_client.get("/admin/exchange/notification/?q=alice")

    assert response.status_code == 301
    assert response["Location"] == "/admin/notifications/notification/?q=alice"
    assert admin_client.get(response["Location"]).status_code == 200


def test_a_name_with_a_line_break_saved_earlier_does_not_stop_the_email(
    pairing, mentor, tokyo_alice, mailoutbox
):
    mentor.display_name = "Bob\r\nBcc: someone@example.org"
    mentor.save(update_fields=["display_name"])
    ids = held_rows(pairing, mentor, 1)
    notifications_claim_due(now=TOKYO_08_NEXT)

    assert notifications_send(recipient_id=tokyo_alice.pk, notification_ids=ids) == 1

    [email] = notification_mails(mailoutbox)
    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert "Bob Bcc: someone@example.org" in email.subject
