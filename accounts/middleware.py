from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import get_supported_language_variant

from accounts.mfa import second_factor_missing, second_factor_setup_redirect
from accounts.models import User


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


def _remember_browser_language(user: User, language: str) -> None:
    """Keep the browser's language for the emails of someone who chose none: one UPDATE when
    it changes, none on the usual request (the site's own language is kept as blank)."""
    seen = "" if language == settings.LANGUAGE_CODE else language
    if seen != user.browser_language:
        User.objects.filter(pk=user.pk).update(browser_language=seen)
        user.browser_language = seen


class UserLanguageMiddleware:
    """The signed-in person's own language over the browser's (after LocaleMiddleware, which
    has chosen from the language cookie and Accept-Language, and AuthenticationMiddleware)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        chosen = user.language if user.is_authenticated else ""
        if user.is_authenticated and not chosen:
            _remember_browser_language(user, request.LANGUAGE_CODE)
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
            and second_factor_missing(request)
        ):
            return second_factor_setup_redirect(request)
        return self.get_response(request)
