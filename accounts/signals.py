"""Boundaries we don't own: allauth tells us when an address is verified."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from accounts.services import user_welcome_schedule


@receiver(email_confirmed, dispatch_uid="accounts_welcome_on_first_confirmation")
def _welcome_after_confirmation(sender: object, request: object, email_address, **kwargs) -> None:
    user_welcome_schedule(user=email_address.user)
