"""Messages in a pairing's thread: send, edit or delete one's own for a few minutes, mark read.

Only an active pairing's thread takes new messages or changes; a closed one stays readable.
Every write locks the pairing's row first, so a send and the pairing's closing queue up behind
each other: a message is either in before the close or refused after it.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from exchange.live import unread_changed, unread_none_known
from exchange.models import MESSAGE_MAX_LENGTH, Message
from mentoring.errors import DomainError
from notifications.models import Notification
from notifications.services import notification_schedule
from pairings.models import Pairing

# How long the sender may still edit or delete a message after sending it.
MESSAGE_EDIT_WINDOW = timedelta(minutes=5)


class MessageRefused(DomainError):
    """A send, edit or delete the thread does not allow."""


class MessageBodyRefused(MessageRefused):
    """The text itself is refused (empty or too long): shown next to the text field."""


def message_editable_until(*, message: Message) -> datetime:
    return message.created_at + MESSAGE_EDIT_WINDOW


def _body_clean(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise MessageBodyRefused(_("Write a message first."))
    if len(body) > MESSAGE_MAX_LENGTH:
        raise MessageBodyRefused(
            _("Keep a message under %(max)s characters (this one has %(n)s).")
            % {"max": MESSAGE_MAX_LENGTH, "n": len(body)}
        )
    return body


def _pairing_lock_active(*, pairing: Pairing, person: User) -> None:
    """Lock the pairing's row until commit; refuse unless `person` is a partner of an active
    pairing."""
    if person.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise MessageRefused(_("Only the two partners write in their thread."))
    status = Pairing.objects.select_for_update().values_list("status", flat=True).get(pk=pairing.pk)
    if status == Pairing.Status.PROPOSED:
        raise MessageRefused(_("Messages open once the pairing has started."))
    if status != Pairing.Status.ACTIVE:
        raise MessageRefused(_("This pairing has ended: its messages can be read, not changed."))


@transaction.atomic
def message_send(*, pairing: Pairing, sender: User, body: str, urgent: bool = False) -> Message:
    """Add a message to the thread and schedule the partner's notification in the same
    transaction. Raises MessageBodyRefused (empty, too long) or MessageRefused (not a partner,
    pairing not active). Not idempotent: each call is a new message."""
    body = _body_clean(body)
    _pairing_lock_active(pairing=pairing, person=sender)
    message = Message.objects.create(pairing=pairing, sender=sender, body=body, urgent=urgent)
    notification_schedule(
        recipient=pairing.partner_of(sender),
        pairing=pairing,
        kind=Notification.Kind.MESSAGE,
        message=message,
        urgent=message.urgent,
    )
    return message


def _own_and_changeable(*, message: Message, by: User, now: datetime) -> None:
    if message.sender_id != by.pk:
        raise MessageRefused(_("Only the sender can change a message."))
    if message.deleted_at is not None:
        raise MessageRefused(_("This message was deleted."))
    if now >= message_editable_until(message=message):
        minutes = int(MESSAGE_EDIT_WINDOW.total_seconds() // 60)
        raise MessageRefused(
            ngettext(
                "A message can be changed for %(n)s minute after sending; that time has passed.",
                "A message can be changed for %(n)s minutes after sending; that time has passed.",
                minutes,
            )
            % {"n": minutes}
        )


@transaction.atomic
def message_edit(*, message: Message, by: User, body: str) -> Message:
    """Replace the text of one's own message within MESSAGE_EDIT_WINDOW of sending it; marks it
    edited and bumps updated_at (an open thread picks it up). Raises MessageBodyRefused or
    MessageRefused (someone else's, deleted, window passed, pairing not active). Safe to repeat:
    the same text again changes nothing."""
    body = _body_clean(body)
    _pairing_lock_active(pairing=message.pairing, person=by)
    message = Message.objects.select_for_update().get(pk=message.pk)
    now = timezone.now()
    _own_and_changeable(message=message, by=by, now=now)
    if body == message.body:
        return message
    message.body = body
    message.edited_at = now
    message.save(update_fields=["body", "edited_at", "updated_at"])
    return message


@transaction.atomic
def message_delete(*, message: Message, by: User) -> Message:
    """Delete one's own message within MESSAGE_EDIT_WINDOW: the text is emptied and the thread
    shows "Message deleted"; bumps updated_at. Raises MessageRefused (someone else's, window
    passed, pairing not active). Safe to repeat: deleting it again changes nothing."""
    _pairing_lock_active(pairing=message.pairing, person=by)
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.deleted_at is not None and message.sender_id == by.pk:
        return message
    now = timezone.now()
    _own_and_changeable(message=message, by=by, now=now)
    message.body = ""
    message.deleted_at = now
    message.save(update_fields=["body", "deleted_at", "updated_at"])
    return message


def thread_mark_read(*, pairing: Pairing, reader: User) -> int:
    """Mark the partner's unread messages in the thread read by `reader` (one UPDATE); returns
    how many. Does not bump updated_at: a read changes nothing an open thread shows. Safe to
    repeat. No UPDATE when the cached badge already knows nothing is unread."""
    if unread_none_known(reader.pk):
        return 0
    marked = (
        Message.objects.filter(pairing=pairing, read_at__isnull=True, deleted_at__isnull=True)
        .exclude(sender=reader)
        .update(read_at=timezone.now())
    )
    if marked:
        unread_changed(user_id=reader.pk)  # the badge; the thread itself shows nothing new
    return marked
