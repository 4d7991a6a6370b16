"""chat's part when oversight finds pairings turned at risk or an announcement is sent."""

from datetime import date

from django.db.models.signals import post_save
from django.dispatch import receiver

from chat.services import chat_announcement_queue, chat_at_risk_queue
from oversight.models import Announcement, PairingHealth
from oversight.signals import pairings_turned_at_risk


@receiver(pairings_turned_at_risk, dispatch_uid="chat_post_pairings_at_risk")
def _post_pairings_at_risk(
    sender: type[PairingHealth], *, pairing_ids: list[int], day: date, **kwargs: object
) -> None:
    """Each goes to its cohort's channels that want them, once the refresh commits."""
    chat_at_risk_queue(pairing_ids=pairing_ids, day=day)


@receiver(post_save, sender=Announcement, dispatch_uid="chat_post_announcement")
def _post_announcement(
    sender: type[Announcement], *, instance: Announcement, created: bool, **kwargs: object
) -> None:
    """A new announcement goes to its cohort's channels that want them, once it commits."""
    if created and not kwargs.get("raw"):  # raw: loaded from a fixture, not sent
        chat_announcement_queue(announcement=instance)
