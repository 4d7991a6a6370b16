"""Landing, onboarding, dashboard and profile pages: HTTP glue around services."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.forms import AccountDeleteForm, LanguageForm, ProfileForm
from accounts.selectors import profile_for_user
from accounts.services import profile_save, user_delete, user_language_set


def _profile_form_view(request: HttpRequest, *, template: str, done_message: str) -> HttpResponse:
    user = request.user
    profile = profile_for_user(user=user)
    form = ProfileForm(
        request.POST or None,
        instance=profile,
        user=user,
        accept_language=request.headers.get("Accept-Language", ""),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_save(
            user=user,
            profile=form.instance,
            role=form.role_to_save,
            display_name=data["display_name"],
            tz=data["timezone"],
        )
        messages.success(request, done_message)
        return redirect("home:dashboard")
    return render(request, template, {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_view(request: HttpRequest) -> HttpResponse:
    if profile_for_user(user=request.user).onboarded_at is not None:
        return redirect("accounts:profile")
    return _profile_form_view(
        request,
        template="accounts/onboarding.html",
        done_message=_("Welcome aboard: your profile is ready."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    if profile_for_user(user=request.user).onboarded_at is None:
        return redirect("accounts:onboarding")
    return _profile_form_view(
        request, template="accounts/profile_edit.html", done_message=_("Profile saved.")
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, _("Your account is deleted. Your partners were told."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def language_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        language = form.cleaned_data["language"]
        user_language_set(user=user, language=language)
        if language:
            translation.activate(language)  # the confirmation already in the new language
        messages.success(request, _("Language saved."))
        response = redirect("accounts:language")
        # The choice also stays in this browser after signing out.
        if language:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            )
        else:
            response.delete_cookie(settings.LANGUAGE_COOKIE_NAME)
        return response
    return render(request, "accounts/language.html", {"form": form})
