"""A person's own security events."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from audit.selectors import security_event_rows, security_events_for

PAGE_SIZE = 50


@login_required
def security_events_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(security_events_for(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = security_event_rows(page.object_list)  # only this page's entries are read
    return render(request, "audit/security_events.html", {"page": page, "rows": rows})


app_name = "audit"

urlpatterns = [
    path("profile/security/", security_events_view, name="security_events"),
]
