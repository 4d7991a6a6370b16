"""A person who joins or leaves an organisation may see another branding: forget what the
cache holds of their organisations (saves in the Django admin included). Their role may change
whether they run programmes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from branding.selectors import branding_forget
from mentoring.live import roles_changed
from organisations.models import Membership


@receiver(post_save, sender=Membership, dispatch_uid="organisations_branding_follows_joining")
def _joined(sender: type, instance: Membership, created: bool, **kwargs: object) -> None:
    if created:
        branding_forget(user_id=instance.user_id)


@receiver(post_delete, sender=Membership, dispatch_uid="organisations_branding_follows_leaving")
def _left(sender: type, instance: Membership, **kwargs: object) -> None:
    branding_forget(user_id=instance.user_id)


@receiver(post_save, sender=Membership, dispatch_uid="organisations_roles_follow_saves")
@receiver(post_delete, sender=Membership, dispatch_uid="organisations_roles_follow_leaving")
def _role_changed(sender: type, instance: Membership, **kwargs: object) -> None:
    """An owner or admin runs programmes: the navigation's cached answer is asked again."""
    roles_changed(user_ids=[instance.user_id])
