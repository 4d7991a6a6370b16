"""exchange's part when someone leaves the platform (accounts.events.user_leaving), and the
live versions (exchange/live.py) moved after every write to messages or pairings."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from accounts.events import user_leaving
from accounts.models import User
from exchange.live import thread_changed
from exchange.models import Material, Message, OpportunityRecipient, materials_storage
from pairings.models import Pairing


def _files_delete(names: list[str]) -> None:
    storage = materials_storage()
    for name in names:
        storage.delete(name)


@receiver(user_leaving, dispatch_uid="exchange_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """The files they shared leave the storage (their materials show as withdrawn); the
    opportunities passed on to them go. Their messages stay in the thread under "Former
    participant": the conversation is the partner's record too (the deletion page says so)."""
    shared = Material.objects.filter(shared_by=user, withdrawn_at__isnull=True)
    names = list(shared.exclude(file="").values_list("file", flat=True))
    shared.update(note="", withdrawn_at=timezone.now())
    # Deleted once committed, as a withdrawal does: a rollback keeps them.
    transaction.on_commit(partial(_files_delete, names))
    OpportunityRecipient.objects.filter(mentee=user).delete()


def _members(pairing_id: int, instance: Message | None = None) -> list[int]:
    if instance is not None and Message.pairing.is_cached(instance):
        return [instance.pairing.mentor_id, instance.pairing.mentee_id]
    return list(
        Pairing.objects.filter(pk=pairing_id).values_list("mentor_id", "mentee_id").first() or []
    )


@receiver(post_save, sender=Message, dispatch_uid="exchange_live_message_saved")
@receiver(post_delete, sender=Message, dispatch_uid="exchange_live_message_deleted")
def _message_changed(sender: type, *, instance: Message, **kwargs: object) -> None:
    """A message sent, edited or deleted: open threads and unread badges are asked afresh."""
    thread_changed(pairing_id=instance.pairing_id, people=_members(instance.pairing_id, instance))


@receiver(post_save, sender=Pairing, dispatch_uid="exchange_live_pairing_saved")
@receiver(post_delete, sender=Pairing, dispatch_uid="exchange_live_pairing_deleted")
def _pairing_changed(sender: type, *, instance: Pairing, **kwargs: object) -> None:
    """A pairing started, ended or changed hands: its thread and its people's badges too."""
    thread_changed(pairing_id=instance.pk, people=[instance.mentor_id, instance.mentee_id])
