"""The reminder settings page: how long before each session a person is emailed."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sessions_app.forms.reminders import ReminderSettingsForm
from sessions_app.selectors.reminders import reminder_offsets_for, reminders_upcoming_for
from sessions_app.services.reminders import reminder_settings_save


@login_required
@require_http_methods(["GET", "POST"])
def reminder_settings_edit_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ReminderSettingsForm(
        request.POST if request.method == "POST" else None,  # none ticked still posts the form
        initial={"offsets": reminder_offsets_for(user_ids=[user.pk])[user.pk]},
    )
    if request.method == "POST" and form.is_valid():
        reminder_settings_save(user=user, offsets=form.cleaned_data["offsets"])
        messages.success(request, _("Reminders saved. Your upcoming sessions follow them already."))
        return redirect("sessions_app:reminder_settings")
    return render(
        request,
        "sessions_app/reminders/settings.html",
        {"form": form, "upcoming": reminders_upcoming_for(user=user)},
    )


urlpatterns = [
    path("reminders/", reminder_settings_edit_view, name="reminder_settings"),
]
