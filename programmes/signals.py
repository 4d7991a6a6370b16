"""Boundaries we don't own: allauth tells us when someone signs up, signs in or verifies an
address."""

from allauth.account.signals import email_confirmed, user_logged_in, user_signed_up
from django.dispatch import receiver

from programmes.services.invites import (
    invites_accept_for_email,
    invites_pending_accept_for_email,
)
from programmes.views.invites import invite_pending_accept, invite_pending_record_from_session


@receiver(user_signed_up, dispatch_uid="programmes_keep_invite_on_signup")
def _keep_invite_on_signup(sender: object, request, user, **kwargs) -> None:
    """The invite link opened before signing up is tied to the new account on the server."""
    if request is not None:
        invite_pending_record_from_session(request, user)


@receiver(email_confirmed, dispatch_uid="programmes_join_invited_cohorts_on_confirmation")
def _join_invited_cohorts(sender: object, request: object, email_address, **kwargs) -> None:
    """A verified address joins the cohorts of its personal invites (from a CSV upload) and of
    the invitations its account signed up through, whichever browser confirmed it."""
    user = email_address.user
    if user.is_active:
        invites_accept_for_email(user=user, email=email_address.email)
        invites_pending_accept_for_email(user=user, email=email_address.email)


@receiver(user_logged_in, dispatch_uid="programmes_accept_pending_invite_on_login")
def _accept_pending_invite(sender: object, request, user, response=None, **kwargs) -> None:
    """The invite link opened before signing up or in is accepted as soon as they are in."""
    invite_pending_accept(request, user, response)
