"""A cohort's health settings, for its admins (anyone else gets 404, or 403 if not an admin):
the thresholds of the health rules, and what they mean in words for the saved values."""

import copy

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import programme_admin_required
from oversight.forms.health import HealthSettingsForm
from oversight.health_settings import health_settings_in_words, usual_gap_in_words
from oversight.services.health_settings import HealthSettingsRefused, cohort_health_settings_update
from programmes.selectors import cohort_get_for_admin


@programme_admin_required
@require_http_methods(["GET", "POST"])
def cohort_health_settings_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    # The words below the form describe the saved values; a form that is refused has already
    # written its input into `cohort`.
    saved = copy.copy(cohort)
    form = HealthSettingsForm(request.POST or None, instance=cohort)
    if request.method == "POST" and form.is_valid():
        try:
            cohort_health_settings_update(cohort=cohort, by=request.user, **form.cleaned_data)
        except HealthSettingsRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("Health settings saved; the cohort's pairings are reassessed.")
            )
            return redirect("oversight:cohort_health_settings", cohort_id=cohort.pk)
    context = {
        "form": form,
        "cohort": saved,
        "in_words": health_settings_in_words(cohort=saved),
        "usual_gap": usual_gap_in_words(cohort=saved),
    }
    return render(request, "oversight/health/settings.html", context)


urlpatterns = [
    path(
        "cohorts/<int:cohort_id>/health-settings/",
        cohort_health_settings_view,
        name="cohort_health_settings",
    ),
]
