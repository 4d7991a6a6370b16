"""`{% thread_message %}` writes a message without its partial when it has no forms: the same
characters exchange/_partials/message.html writes, whatever the message's state."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.template.loader import render_to_string
from django.utils import timezone

from exchange.forms.messages import MessageEditForm
from exchange.services.messages import message_delete, message_edit, message_send
from exchange.templatetags.thread_markup import _plain, message_html
from exchange.views.messages import _for_display

T0 = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


class _Request:
    def __init__(self, user):
        self.user = user


def _partial(message) -> str:
    return render_to_string("exchange/_partials/message.html", {"message": message})


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_messages_without_forms_are_written_as_the_partial_writes_them(
    pairing, mentee, mentor, zone
):
    with time_machine.travel(T0, tick=False) as traveller:
        plain = message_send(pairing=pairing, sender=mentor, body="How did it go?")
        urgent = message_send(
            pairing=pairing,
            sender=mentee,
            body='Line one <b>"bold"</b> & more\nsee https://example.org/a?b=1&c=2 or www.x.org',
            urgent=True,
        )
        traveller.shift(timedelta(minutes=1))
        urgent = message_edit(message=urgent, by=mentee, body=urgent.body + "\nedited & again")
        gone = message_send(pairing=pairing, sender=mentee, body="Oops", urgent=True)
        gone = message_delete(message=gone, by=mentee)
    mentor.display_name = 'Bob <script>"O\'Neil"</script>'
    messages = [plain, urgent, gone]
    for message in messages:
        message.sender = mentor if message.sender_id == mentor.pk else mentee
    with timezone.override(zone):
        for viewer in (mentee, mentor):
            shown = _for_display(_Request(viewer), pairing, messages, now=T0 + timedelta(hours=1))
            for message in shown:
                assert _plain(message)
                assert message_html(message) == _partial(message)


def test_a_message_with_its_forms_or_an_error_goes_through_the_partial(pairing, mentee):
    with time_machine.travel(T0, tick=False):
        message = message_send(pairing=pairing, sender=mentee, body="Hello")
        shown = _for_display(_Request(mentee), pairing, [message], now=T0)[0]
    assert shown.can_change
    assert not _plain(shown)
    shown.can_change = False
    shown.edit_form = MessageEditForm({"body": ""})
    assert not _plain(shown)
    shown.edit_form = MessageEditForm(initial={"body": "Hello"})
    assert _plain(shown)
    shown.error = "Too late to delete it."
    assert not _plain(shown)
