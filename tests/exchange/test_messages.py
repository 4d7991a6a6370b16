"""Messages: the services' rules (who may send, edit, delete, and until when) and the thread's
reads (pages by keyset, changes since a poll's cursor)."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.http import Http404
from django.utils import timezone

from exchange.models import MESSAGE_MAX_LENGTH, Message
from exchange.selectors.messages import (
    THREAD_PAGE_SIZE,
    THREAD_POLL_OVERLAP,
    cursor_from,
    cursor_parse,
    thread_changes_since,
    thread_page,
)
from exchange.services.messages import (
    MESSAGE_EDIT_WINDOW,
    MessageBodyRefused,
    MessageRefused,
    message_delete,
    message_edit,
    message_send,
    thread_mark_read,
)
from notifications.models import Notification
from pairings.models import Pairing
from tests.agreements import terms_state

# Monday 10 March 2025, 23:00 UTC: 19:00 in New York (already on summer time), so outside
# Bob's weekday 09:00-17:00.
MONDAY_EVENING = datetime(2025, 3, 10, 23, 0, tzinfo=UTC)


def bob_states_terms(pairing: Pairing, *, urgent_breaks_through: bool) -> None:
    """Video and email, weekdays 09:00-17:00 in New York."""
    terms_state(
        pairing,
        pairing.mentor,
        timezone="America/New_York",
        urgent_breaks_through=urgent_breaks_through,
    )


def close(pairing: Pairing) -> None:
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    pairing.refresh_from_db()


# --- sending -------------------------------------------------------------------------------


def test_a_sent_message_is_in_the_thread_and_schedules_one_notification_for_the_partner(
    pairing, mentee, mentor
):
    message = message_send(pairing=pairing, sender=mentee, body="  Quick question?  ")

    assert message.body == "Quick question?"
    assert message.read_at is None
    notification = Notification.objects.get(message=message)
    assert notification.recipient == mentor
    assert notification.kind == Notification.Kind.MESSAGE
    assert notification.status == Notification.Status.PENDING
    assert not Notification.objects.filter(recipient=mentee).exists()


@pytest.mark.parametrize(("urgent", "held"), [(True, False), (False, True)])
def test_an_urgent_message_reaches_a_partner_who_lets_urgent_ones_through_at_once(
    pairing, mentee, urgent, held
):
    bob_states_terms(pairing, urgent_breaks_through=True)
    with time_machine.travel(MONDAY_EVENING, tick=False):
        message = message_send(
            pairing=pairing, sender=mentee, body="Presenting in an hour", urgent=urgent
        )

    notification = Notification.objects.get(message=message)
    assert message.urgent is urgent
    assert notification.held is held
    # Held until Tuesday 09:00 in New York otherwise.
    expected = MONDAY_EVENING if not held else datetime(2025, 3, 11, 13, 0, tzinfo=UTC)
    assert notification.due_at == expected


def test_an_urgent_message_waits_when_the_partner_does_not_let_urgent_ones_through(pairing, mentee):
    bob_states_terms(pairing, urgent_breaks_through=False)
    with time_machine.travel(MONDAY_EVENING, tick=False):
        message = message_send(pairing=pairing, sender=mentee, body="Help!", urgent=True)

    assert Notification.objects.get(message=message).held


@pytest.mark.parametrize("body", ["", "   \n  "])
def test_an_empty_message_is_refused(pairing, mentee, body):
    with pytest.raises(MessageBodyRefused, match="Write a message first"):
        message_send(pairing=pairing, sender=mentee, body=body)
    assert not Message.objects.exists()


def test_a_message_over_the_limit_is_refused_and_says_the_limit(pairing, mentee):
    with pytest.raises(MessageBodyRefused, match=str(MESSAGE_MAX_LENGTH)):
        message_send(pairing=pairing, sender=mentee, body="x" * (MESSAGE_MAX_LENGTH + 1))
    assert message_send(pairing=pairing, sender=mentee, body="x" * MESSAGE_MAX_LENGTH)


def test_a_closed_pairings_thread_takes_no_new_message(pairing, mentee):
    close(pairing)
    with pytest.raises(MessageRefused, match="ended"):
        message_send(pairing=pairing, sender=mentee, body="Still there?")
    assert not Message.objects.exists()
    assert not Notification.objects.exists()


def test_a_proposed_pairing_has_no_thread_yet(pairing, mentee):
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.PROPOSED)
    pairing.refresh_from_db()
    with pytest.raises(MessageRefused, match="once the pairing has started"):
        message_send(pairing=pairing, sender=mentee, body="Hello")


def test_someone_outside_the_pairing_cannot_send_in_it(pairing, other_mentee):
    with pytest.raises(MessageRefused):
        message_send(pairing=pairing, sender=other_mentee, body="Hi")
    assert not Message.objects.exists()


# --- editing and deleting ------------------------------------------------------------------


@pytest.fixture
def sent_at():
    return datetime(2025, 6, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def alices_message(pairing, mentee, sent_at):
    with time_machine.travel(sent_at, tick=False):
        return message_send(pairing=pairing, sender=mentee, body="Is Thursday fine?")


def test_the_sender_edits_within_the_window_and_the_message_says_edited(
    alices_message, mentee, sent_at
):
    later = sent_at + MESSAGE_EDIT_WINDOW - timedelta(seconds=1)
    with time_machine.travel(later, tick=False):
        edited = message_edit(message=alices_message, by=mentee, body="Is Friday fine?")

    edited.refresh_from_db()
    assert edited.body == "Is Friday fine?"
    assert edited.edited_at == later
    assert edited.updated_at == later  # an open thread picks the edit up


def test_an_edit_after_the_window_is_refused(alices_message, mentee, sent_at):
    with (
        time_machine.travel(sent_at + MESSAGE_EDIT_WINDOW, tick=False),
        pytest.raises(MessageRefused, match="5 minutes"),
    ):
        message_edit(message=alices_message, by=mentee, body="Too late")
    alices_message.refresh_from_db()
    assert alices_message.body == "Is Thursday fine?"
    assert alices_message.edited_at is None


def test_the_partner_cannot_edit_or_delete_someone_elses_message(alices_message, mentor, sent_at):
    with time_machine.travel(sent_at + timedelta(minutes=1), tick=False):
        with pytest.raises(MessageRefused, match="Only the sender"):
            message_edit(message=alices_message, by=mentor, body="Bob was here")
        with pytest.raises(MessageRefused, match="Only the sender"):
            message_delete(message=alices_message, by=mentor)
    alices_message.refresh_from_db()
    assert alices_message.body == "Is Thursday fine?"
    assert alices_message.deleted_at is None


def test_an_empty_edit_is_refused(alices_message, mentee, sent_at):
    with (
        time_machine.travel(sent_at + timedelta(minutes=1), tick=False),
        pytest.raises(MessageBodyRefused),
    ):
        message_edit(message=alices_message, by=mentee, body="  ")


def test_delete_is_soft_within_the_window_and_safe_to_repeat(alices_message, mentee, sent_at):
    when = sent_at + timedelta(minutes=4)
    with time_machine.travel(when, tick=False):
        message_delete(message=alices_message, by=mentee)
        message_delete(message=alices_message, by=mentee)

    alices_message.refresh_from_db()
    assert alices_message.body == ""
    assert alices_message.deleted_at == when
    assert alices_message.updated_at == when


def test_a_delete_after_the_window_is_refused(alices_message, mentee, sent_at):
    with (
        time_machine.travel(sent_at + timedelta(minutes=6), tick=False),
        pytest.raises(MessageRefused, match="has passed"),
    ):
        message_delete(message=alices_message, by=mentee)
    alices_message.refresh_from_db()
    assert alices_message.deleted_at is None


def test_a_deleted_message_cannot_be_edited(alices_message, mentee, sent_at):
    with time_machine.travel(sent_at + timedelta(minutes=1), tick=False):
        message_delete(message=alices_message, by=mentee)
        with pytest.raises(MessageRefused, match="deleted"):
            message_edit(message=alices_message, by=mentee, body="Back")


def test_a_closed_pairings_messages_cannot_be_changed_even_within_the_window(
    alices_message, mentee, pairing, sent_at
):
    close(pairing)
    alices_message.refresh_from_db()
    with time_machine.travel(sent_at + timedelta(minutes=1), tick=False):
        with pytest.raises(MessageRefused, match="ended"):
            message_edit(message=alices_message, by=mentee, body="Changed")
        with pytest.raises(MessageRefused, match="ended"):
            message_delete(message=alices_message, by=mentee)


# --- reading -------------------------------------------------------------------------------


def test_marking_read_takes_one_update_and_touches_only_the_partners_unread_messages(
    pairing, mentee, mentor, django_assert_num_queries
):
    from_bob = [message_send(pairing=pairing, sender=mentor, body=f"Bob {n}") for n in range(3)]
    from_alice = message_send(pairing=pairing, sender=mentee, body="Alice")
    version = Message.objects.get(pk=from_bob[0].pk).updated_at

    with django_assert_num_queries(1):
        assert thread_mark_read(pairing=pairing, reader=mentee) == 3

    assert not Message.objects.filter(sender=mentor, read_at__isnull=True).exists()
    assert Message.objects.get(pk=from_alice.pk).read_at is None
    assert Message.objects.get(pk=from_bob[0].pk).updated_at == version
    assert thread_mark_read(pairing=pairing, reader=mentee) == 0


def _many(pairing: Pairing, count: int, at: datetime) -> list[Message]:
    """`count` messages, alternating senders; every three share one created_at (ties)."""
    return Message.objects.bulk_create(
        Message(
            pairing=pairing,
            sender=pairing.mentor if n % 2 else pairing.mentee,
            body=f"Message {n}",
            created_at=at + timedelta(minutes=n // 3),
        )
        for n in range(count)
    )


def test_the_thread_pages_back_by_keyset_newest_last_without_gaps_or_repeats(pairing):
    _many(pairing, 65, datetime(2025, 6, 1, tzinfo=UTC))

    latest, has_older = thread_page(pairing=pairing)
    assert has_older
    assert [m.body for m in latest] == [f"Message {n}" for n in range(35, 65)]
    second, has_older = thread_page(pairing=pairing, before_id=latest[0].pk)
    assert has_older
    assert [m.body for m in second] == [f"Message {n}" for n in range(5, 35)]
    third, has_older = thread_page(pairing=pairing, before_id=second[0].pk)
    assert not has_older
    assert [m.body for m in third] == [f"Message {n}" for n in range(5)]
    assert len(latest) == THREAD_PAGE_SIZE


def test_a_page_before_a_message_of_another_thread_is_not_found(pairing, other_pairing):
    other = _many(other_pairing, 1, datetime(2025, 6, 1, tzinfo=UTC))[0]
    with pytest.raises(Http404):
        thread_page(pairing=pairing, before_id=other.pk)


def test_changes_since_a_cursor_include_a_message_committed_late_within_the_overlap(
    pairing, mentee
):
    cursor = timezone.now()
    # Saved (updated_at) a moment before the previous poll, committed after it.
    late = message_send(pairing=pairing, sender=mentee, body="Late")
    Message.objects.filter(pk=late.pk).update(updated_at=cursor - timedelta(seconds=3))
    old = message_send(pairing=pairing, sender=mentee, body="Old")
    Message.objects.filter(pk=old.pk).update(updated_at=cursor - THREAD_POLL_OVERLAP * 3)
    new = message_send(pairing=pairing, sender=mentee, body="New")

    now = timezone.now()
    changes, next_cursor = thread_changes_since(pairing=pairing, cursor=cursor, now=now)

    assert [m.pk for m in changes] == [late.pk, new.pk]
    assert next_cursor == now


def test_a_cursor_survives_the_round_trip_through_a_url_to_the_microsecond():
    moment = datetime(2025, 3, 30, 0, 59, 59, 999999, tzinfo=UTC)
    assert cursor_parse(cursor_from(moment)) == moment
    assert cursor_parse("yesterday") is None
    assert cursor_parse("9" * 30) is None
