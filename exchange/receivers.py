"""exchange's part when someone leaves the platform (accounts.events.user_leaving)."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver
from django.utils import timezone

from accounts.events import user_leaving
from accounts.models import User
from exchange.models import Material, OpportunityRecipient, materials_storage


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
