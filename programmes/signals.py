"""Boundaries we don't own: allauth tells us when someone signs in or verifies an address."""

from allauth.account.signals import email_confirmed, user_logged_in
from django.dispatch import receiver

from programmes.services.invites import invites_accept_for_email
from programmes.views.invites import invite_pending_accept


@receiver(email_confirmed, dispatch_uid="programmes_join_invited_cohorts_on_confirmation")
def _join_invited_cohorts(sender: object, request: object, email_address, **kwargs) -> None:
    """A verified address with personal invites (from a CSV upload) joins those cohorts."""
    if email_address.user.is_active:
        invites_accept_for_email(user=email_address.user, email=email_address.email)


@receiver(user_logged_in, dispatch_uid="programmes_accept_pending_invite_on_login")
def _accept_pending_invite(sender: object, request, user, response=None, **kwargs) -> None:
    """The invite link opened before signing up or in is accepted as soon as they are in."""
    invite_pending_accept(request, user, response)
