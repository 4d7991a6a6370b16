"""Demo data between sessions: a short thread in each active demo pairing, a shared link and a
shared file, and an event each mentor passed on to their mentees. Loaded without emails: the
demo's notifications are marked skipped before they could be sent."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from exchange.models import Message, Opportunity
from exchange.services.materials import material_share_file, material_share_link
from exchange.services.messages import message_send
from exchange.services.opportunities import opportunity_share
from notifications.models import Notification
from pairings.models import Pairing
from programmes.models import Cohort

THREAD = [
    # (from the mentee?, hours ago, urgent, text)
    (True, 50, False, "Thanks for the first session! I wrote down my three feedback examples."),
    (False, 48, False, "Great. Bring them on Thursday, and have a look at https://hbr.org first."),
    (True, 3, True, "Presenting to the board in an hour: one question. Lead with the risk?"),
    (False, 2, False, "Yes: the risk first, then your plan.\nKeep it to three slides."),
]
NOTES = b"""# Feedback examples

1. Told a peer their estimate looked optimistic; we re-planned together.
2. Praised a junior's code review in the team channel.
3. Asked my manager for feedback on my last presentation.
"""


@transaction.atomic
def demo_exchange_load(*, cohort: Cohort) -> None:
    """Once per demo cohort; later calls change nothing."""
    if Message.objects.filter(pairing__cohort=cohort).exists():
        return
    now = timezone.now()
    pairings = list(
        cohort.pairings.filter(status=Pairing.Status.ACTIVE).select_related("mentor", "mentee")
    )
    for pairing in pairings:
        for from_mentee, hours_ago, urgent, text in THREAD:
            sender = pairing.mentee if from_mentee else pairing.mentor
            message = message_send(pairing=pairing, sender=sender, body=text, urgent=urgent)
            sent_at = now - timedelta(hours=hours_ago)
            # The last reply stays unread, so the demo shows an unread count.
            read_at = None if hours_ago == THREAD[-1][1] else sent_at + timedelta(minutes=30)
            Message.objects.filter(pk=message.pk).update(created_at=sent_at, read_at=read_at)
        upcoming = pairing.appointments.filter(starts_at__gt=now).order_by("starts_at").first()
        material_share_file(
            pairing=pairing,
            by=pairing.mentee,
            upload=SimpleUploadedFile("feedback-examples.md", NOTES, "text/markdown"),
            note="To discuss in our next session.",
            appointment=upcoming,
        )
        material_share_link(
            pairing=pairing,
            by=pairing.mentor,
            url="https://en.wikipedia.org/wiki/Feedback",
            title="Reading on feedback",
            note="Short and useful before we talk about feedback conversations.",
        )
    for mentor in {pairing.mentor for pairing in pairings}:
        starts_at = (now + timedelta(days=10)).replace(hour=17, minute=30, second=0, microsecond=0)
        opportunity_share(
            mentor=mentor,
            kind=Opportunity.Kind.EVENT,
            title="Women in Tech networking evening",
            starts_at=starts_at,
            ends_at=starts_at + timedelta(hours=2, minutes=30),
            location="Innovation Hub, 3rd floor",
            url="",
            note="I will be there: come and say hello, I can introduce you to a few people.",
            pairings=[pairing for pairing in pairings if pairing.mentor == mentor],
        )
    # Demo people get no email about the demo's own history.
    Notification.objects.filter(pairing__cohort=cohort).update(status=Notification.Status.SKIPPED)
