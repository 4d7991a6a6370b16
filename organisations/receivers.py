"""A person who joins or leaves an organisation may see another branding: forget what the
cache holds of their organisations (saves in the Django admin included)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from branding.selectors import branding_forget
from organisations.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="organisations_branding_follows_joining")
def _joined(sender: type, instance: Membership, created: bool, **kwargs: object) -> None:
    if created:
        branding_forget(user_id=instance.user_id)


@receiver(post_delete, sender=Membership, dispatch_uid="organisations_branding_follows_leaving")
def _left(sender: type, instance: Membership, **kwargs: object) -> None:
    branding_forget(user_id=instance.user_id)
