"""`{% inbox_item %}` (exchange.templatetags.inbox_markup) writes each thread of the inbox as the
inbox's loop wrote it, byte for byte, in every language and zone: as mentor and as mentee, with
and without unread messages, an ended pairing, a thread without messages, a latest message of
one's own, urgent, deleted or long, and names that need escaping."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.template import engines
from django.utils import timezone, translation

from accounts.models import User
from exchange.models import Message
from exchange.templatetags.inbox_markup import inbox_item_html
from pairings.models import Pairing
from programmes.models import Cohort

# templates/exchange/inbox.html's loop as it was.
BEFORE = (Path(__file__).parent / "inbox_item_before.html").read_text()
MENTOR = User(pk=41, email="bob@example.org", display_name='Bob <b>"O\'Neil"</b>')
MENTEE = User(pk=42, email="alice.smith@example.org", display_name="")
COHORT = Cohort(pk=3, name="Spring & <Summer>")


def _pairings() -> list[Pairing]:
    latest = [
        Message(
            pk=1,
            sender_id=MENTEE.pk,
            body="Short & <sweet>",
            created_at=datetime(2026, 3, 29, 0, 59, tzinfo=UTC),
        ),
        Message(
            pk=2,
            sender_id=MENTOR.pk,
            body="Long " * 40,
            urgent=True,
            created_at=datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
        ),
        Message(
            pk=3,
            sender_id=MENTEE.pk,
            body="Gone",
            urgent=True,
            created_at=datetime(2026, 12, 31, 23, 30, tzinfo=UTC),
            deleted_at=datetime(2026, 12, 31, 23, 31, tzinfo=UTC),
        ),
        None,
    ]
    pairings = []
    for pk, (last, unread, status) in enumerate(
        zip(latest, [0, 1, 2, 1234], ["active", "closed", "active", "closed"], strict=True),
        start=7,
    ):
        pairing = Pairing(pk=pk, cohort=COHORT, mentor=MENTOR, mentee=MENTEE, status=status)
        pairing.last_message = last
        pairing.unread = unread
        pairings.append(pairing)
    return pairings


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Asia/Kolkata"])
def test_each_thread_is_written_as_the_inbox_loop_wrote_it(language, zone):
    template = engines["django"].from_string(BEFORE)
    with translation.override(language), timezone.override(zone):
        for viewer in (MENTOR, MENTEE):
            pairings = _pairings()
            for pairing in pairings:
                pairing.partner = pairing.partner_of(viewer)

            wanted = template.render({"pairings": pairings, "user": viewer})

            written = "".join(inbox_item_html(p, viewer_id=viewer.pk) for p in pairings)
            assert written + "\n" == wanted
