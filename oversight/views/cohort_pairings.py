"""A cohort's pairings as one table, for its programme admins."""

from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils import timezone

from accounts.decorators import programme_admin_required
from oversight.views.cohort_page import pairing_table_context, render_table
from programmes.selectors import cohort_get_for_admin


@programme_admin_required
def cohort_pairings_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's pairings table on its own page (the cohort page shows the same table)."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    now = timezone.now()
    today = timezone.localdate(now, request.user.zoneinfo)
    context = pairing_table_context(request, cohort, now=now, today=today)
    return render_table(request, "oversight/cohorts/pairings.html", context)


urlpatterns = [
    path("cohorts/<int:cohort_id>/pairings/", cohort_pairings_view, name="cohort_pairings"),
]
