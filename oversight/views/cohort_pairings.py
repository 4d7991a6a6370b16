"""A cohort's pairings as one table, for its programme admins."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from accounts.decorators import programme_admin_required
from oversight.views.cohort_page import pairings_page
from programmes.selectors import cohort_get_for_admin


@programme_admin_required
def cohort_pairings_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's pairings table on its own page (the cohort page shows the same table)."""
    return pairings_page(request, cohort_get_for_admin(user=request.user, cohort_id=cohort_id))


urlpatterns = [
    path("cohorts/<int:cohort_id>/pairings/", cohort_pairings_view, name="cohort_pairings"),
]
