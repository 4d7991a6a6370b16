"""The notification settings page: how each kind of exchange reaches a person by email."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from notifications.forms import NotificationSettingsForm
from notifications.services import (
    notification_settings_context,
    notification_settings_initial,
    notification_settings_save,
)
from pairings.templatetags.agreement_summary import days_html


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = NotificationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial=notification_settings_initial(user=user),
        # The navigation's kept answer (asked again whenever the person's roles change): the
        # weekly email is the admin's own choice, no right to guard, so no query of its own.
        for_programme_admin=user.shows_admin_links,
    )
    if request.method == "POST" and form.is_valid():
        notification_settings_save(user=user, **form.cleaned_data)
        messages.success(request, _("Notification settings saved."))
        return redirect("notifications:notification_settings")
    shown = notification_settings_context(user=user)
    for entry in shown["pairings_terms"]:
        # templates/pairings/agreements/_days.html written in Python, as the agreement's own
        # section writes it: through the include it was a third of this page's own rendering.
        entry["days_html"] = SafeString(days_html(entry["terms"].days))
    return render(request, "notifications/settings.html", {"form": form, **shown})


urlpatterns = [
    path("notifications/", notification_settings_edit_view, name="notification_settings"),
]
