"""Second factors: who must have one, and where they are sent to set it up.

Programme admins and staff see many people's data: before any admin page opens (ours or the
Django admin) they must have an authenticator app or a security key. Once they have one,
allauth asks for it at every sign-in.

Someone who signed in through their organisation's identity provider (allauth's socialaccount)
is not asked: the provider enforces its own factors. Their sign-in skips allauth's second-factor
step (AuthenticateStage below), and the session carries SSO_SESSION_KEY so that admin pages
don't send them to set one up.
"""

from allauth.mfa.models import Authenticator
from allauth.mfa.stages import AuthenticateStage as AllauthAuthenticateStage
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
# Session key: true when this session was signed in through the organisation's identity provider
# (set by identity on every sign-in; a password sign-in sets it false).
SSO_SESSION_KEY = "accounts_signed_in_through_organisation"


def user_has_second_factor(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def signed_in_through_organisation(request: HttpRequest) -> bool:
    return bool(request.session.get(SSO_SESSION_KEY))


def second_factor_missing(request: HttpRequest) -> bool:
    """Whether this signed-in person must set up a second factor before admin pages open."""
    if signed_in_through_organisation(request):
        return False
    return not user_has_second_factor(user=request.user)


class AuthenticateStage(AllauthAuthenticateStage):
    """allauth's second-factor step at sign-in, skipped for a sign-in through an identity
    provider (allauth passes the social login along with the login it resumes)."""

    def _should_handle(self, request: HttpRequest) -> bool:
        if (self.login.signal_kwargs or {}).get("sociallogin") is not None:
            return False
        return super()._should_handle(request)


def second_factor_setup_redirect(request: HttpRequest) -> HttpResponseRedirect:
    """To the authenticator app's setup (allauth's page, which shows the recovery codes next)."""
    messages.warning(
        request,
        _(
            "Programme admins and staff protect their account with a second factor before "
            "they open admin pages. Set up an authenticator app now (it takes a minute), keep "
            "the recovery codes, then go back to %(page)s. You can add a security key later."
        )
        % {"page": request.path},
    )
    return HttpResponseRedirect(reverse("mfa_activate_totp"))
