"""Second factors: who must have one, and where they are sent to set it up.

Programme admins and staff see many people's data: before any admin page opens (ours or the
Django admin) they must have an authenticator app or a security key. Once they have one,
allauth asks for it at every sign-in.
"""

from allauth.mfa.models import Authenticator
from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User

SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def user_has_second_factor(*, user: User) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


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
