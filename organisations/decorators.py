"""The guard of every owner page of an organisation (sign-in, provisioning, API tokens,
webhooks): one place, so they cannot drift apart."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from accounts.mfa import second_factor_setup_redirect, user_has_second_factor
from organisations.selectors import organisation_owned_get


def owner_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Signed in; the organisation's owners only (404 for anyone else, its admins too), and
    only with a second factor. The view gets the organisation in place of its slug."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, slug: str, *args: object, **kwargs: object) -> HttpResponse:
        organisation = organisation_owned_get(user=request.user, slug=slug)
        if not user_has_second_factor(user=request.user):
            return second_factor_setup_redirect(request)
        return view(request, organisation, *args, **kwargs)

    return wrapper
