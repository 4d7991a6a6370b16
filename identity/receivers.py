"""allauth's sign-in signal (a boundary we don't own): mark how the session was signed in, and
make whoever came through an organisation's provider one of its members."""

from allauth.account.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest

from accounts.mfa import SSO_SESSION_KEY
from accounts.models import User
from identity.services import sso_membership_ensure
from organisations.models import Organisation


def organisation_of(sociallogin: object) -> Organisation | None:
    """The organisation whose identity provider made this social login (identity.adapters puts
    its id in the app's settings)."""
    provider = getattr(sociallogin, "provider", None)
    app = getattr(provider, "app", None)
    organisation_id = (getattr(app, "settings", None) or {}).get("organisation_id")
    return Organisation.objects.filter(pk=organisation_id).first() if organisation_id else None


@receiver(user_logged_in, dispatch_uid="identity_signed_in")
def _signed_in(sender: object, request: HttpRequest, user: User, **kwargs: object) -> None:
    sociallogin = kwargs.get("sociallogin")
    organisation = organisation_of(sociallogin) if sociallogin is not None else None
    request.session[SSO_SESSION_KEY] = organisation is not None
    if organisation is not None:
        sso_membership_ensure(user=user, organisation=organisation)
