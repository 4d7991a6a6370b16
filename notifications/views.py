"""The notification settings page: how each kind of exchange reaches a person by email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import NotificationSettingsForm
from notifications.services import (
    notification_settings_context,
    notification_settings_initial,
    notification_settings_save,
)


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=notification_settings_initial(user=user),
        for_programme_admin=user.is_programme_admin,
    )
    if request.method == "POST" and form.is_valid():
        notification_settings_save(user=user, **form.cleaned_data)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:notification_settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, **notification_settings_context(user=user)},
    )


urlpatterns = [
    path("notifications/", notification_settings_edit_view, name="notification_settings"),
]
