"""A person's own security events."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path

from audit.selectors import security_events_for

PAGE_SIZE = 50


@login_required
def security_events_view(request: HttpRequest) -> HttpResponse:
    events = security_events_for(user=request.user)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "audit/security_events.html", {"page": page})


app_name = "audit"

urlpatterns = [
    path("profile/security/", security_events_view, name="security_events"),
]
