"""A cohort's audit trail, for its programme admins: who did what, when, from where."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from accounts.decorators import programme_admin_required
from audit.selectors import audit_entries_for_cohort
from mentoring.paging import page_of
from programmes.selectors import cohort_get_for_admin

PAGE_SIZE = 50


@programme_admin_required
def cohort_trail_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    entries = audit_entries_for_cohort(cohort_id=cohort.pk)
    page = page_of(entries, PAGE_SIZE, request.GET.get("page"))
    return render(request, "oversight/cohorts/trail.html", {"cohort": cohort, "page": page})


urlpatterns = [
    path("cohorts/<int:cohort_id>/trail/", cohort_trail_view, name="cohort_trail"),
]
