from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_supported_language_variant

from accounts.mfa import second_factor_setup_redirect, user_has_second_factor


class UserTimezoneMiddleware:
    """Show times in the logged-in person's own zone; UTC for everyone else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            timezone.activate(request.user.zoneinfo)
        else:
            timezone.deactivate()
        return self.get_response(request)


class UserLanguageMiddleware:
    """The signed-in person's own language over the browser's (after LocaleMiddleware, which
    has chosen from the language cookie and Accept-Language, and AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.user.language if request.user.is_authenticated else ""
        if chosen:
            try:
                language = get_supported_language_variant(chosen)
            except LookupError:  # no longer offered: the browser decides again
                language = ""
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class AdminSecondFactorMiddleware:
    """The Django admin opens for staff with a second factor only (see accounts.mfa)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            request.path.startswith(reverse("admin:index"))
            and user.is_authenticated
            and user.is_staff
            and not user_has_second_factor(user=user)
        ):
            return second_factor_setup_redirect(request)
        return self.get_response(request)
