"""Linking an existing account to a sign-in through an organisation's provider.

The provider vouches for who signed in there, not for who holds the account here: an account
with the same address is connected only after the person proves it is theirs, with its password
or with a code sent to the address. The social login waits in the session meanwhile
(adapters.PENDING_LINK); five wrong proofs drop it, so guessing means signing in at the provider
again each time.
"""

import secrets
import time

from allauth.account.adapter import get_adapter as get_account_adapter
from allauth.account.utils import perform_login
from allauth.socialaccount.internal.flows.login import record_authentication
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User
from identity.adapters import PENDING_LINK, account_with_address

CODE = "identity_link_code"  # session key: {"hash", "sent_at"}
FAILURES = "identity_link_failures"
MAX_FAILURES = 5
CODE_LIFETIME = 15 * 60  # seconds
RESEND_AFTER = 60  # seconds


def pending_link(request: HttpRequest) -> tuple[SocialLogin, User] | None:
    """The waiting social login and the account it would join, or None."""
    data = request.session.get(PENDING_LINK)
    if not data:
        return None
    try:
        sociallogin = SocialLogin.deserialize(data)
    except (ValueError, LookupError):
        link_forget(request)
        return None
    user = account_with_address(sociallogin.user.email or "")
    if user is None or not user.is_active:
        link_forget(request)
        return None
    return sociallogin, user


def link_forget(request: HttpRequest) -> None:
    for key in (PENDING_LINK, CODE, FAILURES):
        request.session.pop(key, None)


def _hash(code: str) -> str:
    return salted_hmac("identity.link_code", code, secret=settings.SECRET_KEY).hexdigest()


def link_code_send(request: HttpRequest, *, user: User, organisation_name: str) -> bool:
    """Email a fresh 6-digit code to the account's address; False if one went out less than a
    minute ago (the earlier code still works)."""
    sent = request.session.get(CODE)
    if sent and time.time() - sent["sent_at"] < RESEND_AFTER:
        return False
    code = f"{secrets.randbelow(10**6):06d}"
    request.session[CODE] = {"hash": _hash(code), "sent_at": time.time()}
    get_account_adapter(request).send_mail(
        "identity/email/link_code",
        user.email,
        {"code": code, "organisation": organisation_name, "user": user},
    )
    return True


def link_code_sent(request: HttpRequest) -> bool:
    return CODE in request.session


def link_code_matches(request: HttpRequest, code: str) -> bool:
    sent = request.session.get(CODE)
    if not sent or time.time() - sent["sent_at"] > CODE_LIFETIME:
        return False
    return constant_time_compare(sent["hash"], _hash(code.strip()))


def link_proof_failed(request: HttpRequest) -> bool:
    """Count a wrong proof; True when that was one too many (the pending link is dropped)."""
    failures = request.session.get(FAILURES, 0) + 1
    request.session[FAILURES] = failures
    if failures >= MAX_FAILURES:
        link_forget(request)
        return True
    return False


def link_complete(request: HttpRequest, *, sociallogin: SocialLogin, user: User) -> HttpResponse:
    """Connect the provider's account to `user` and sign them in as through the provider."""
    link_forget(request)
    sociallogin.connect(request, user)
    record_authentication(request, sociallogin)
    return perform_login(
        request,
        user,
        email_verification=None,
        redirect_url=sociallogin.get_redirect_url(request),
        signal_kwargs={"sociallogin": sociallogin},
    )
