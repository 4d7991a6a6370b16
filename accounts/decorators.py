from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from accounts.mfa import second_factor_missing, second_factor_setup_redirect


def programme_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Log in first; then only programme admins get past (others get 403), and only once
    they have a second factor (they are sent to set one up) or signed in through their
    organisation's identity provider."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if not request.user.is_programme_admin:
            raise PermissionDenied
        if second_factor_missing(request):
            return second_factor_setup_redirect(request)
        return view(request, *args, **kwargs)

    return wrapper
