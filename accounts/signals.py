"""Boundaries we don't own: allauth tells us when an address is verified; Django's auth
models when someone's rights change (the navigation's cached admin links follow them)."""

from allauth.account.signals import email_confirmed
from django.contrib.auth.models import Group
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from accounts.models import User
from accounts.services import user_welcome_schedule
from mentoring.live import roles_changed


@receiver(email_confirmed, dispatch_uid="accounts_welcome_on_first_confirmation")
def _welcome_after_confirmation(sender: object, request: object, email_address, **kwargs) -> None:
    user_welcome_schedule(user=email_address.user)


@receiver(post_save, sender=User, dispatch_uid="accounts_roles_follow_the_user")
def _user_saved(sender: type, instance: User, **kwargs: object) -> None:
    """Switched off, or made a superuser: the navigation's admin links are asked again."""
    roles_changed(user_ids=[instance.pk])


@receiver(m2m_changed, sender=User.user_permissions.through, dispatch_uid="accounts_roles_perms")
@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="accounts_roles_groups")
def _user_rights_changed(
    sender: type, instance: object, action: str, reverse: bool, pk_set, **kwargs: object
) -> None:
    if not action.startswith("post_"):
        return
    if not reverse:
        roles_changed(user_ids=[instance.pk])
    elif pk_set:  # from the permission's or group's side: pk_set names the people
        roles_changed(user_ids=pk_set)
    else:  # cleared from that side: whom it held is unknown here
        roles_changed()


@receiver(m2m_changed, sender=Group.permissions.through, dispatch_uid="accounts_roles_group_perms")
@receiver(post_delete, sender=Group, dispatch_uid="accounts_roles_group_deleted")
def _group_changed(sender: type, **kwargs: object) -> None:
    """A group's rights changed: everyone's admin links are asked again."""
    roles_changed()
