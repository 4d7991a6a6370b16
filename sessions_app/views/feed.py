"""The private calendar feed (ICS, no login: the token is the permission) and its settings."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from icalendar import vDuration

from sessions_app.ics import PUBLISH, calendar_for, content_type_for, event_for
from sessions_app.selectors.feed import calendar_feed_for, calendar_feed_get, feed_appointments_for
from sessions_app.services.feed import calendar_feed_enable, calendar_feed_revoke

REFRESH = timedelta(hours=1)


@login_required
@require_http_methods(["GET", "POST"])
def feed_settings_view(request: HttpRequest) -> HttpResponse:
    """GET: the private URL, if there is one. POST `op`: enable (make it) or revoke (renew it)."""
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "enable":
            calendar_feed_enable(user=request.user)
            messages.success(
                request, _("Your calendar feed is ready: add its URL to your calendar.")
            )
        elif op == "revoke":
            calendar_feed_revoke(user=request.user)
            messages.success(
                request,
                _("The old URL no longer works. Add the new one to your calendar instead."),
            )
        else:
            return HttpResponseBadRequest()
        return redirect("sessions_app:feed_settings")
    feed = calendar_feed_for(user=request.user)
    url = (
        request.build_absolute_uri(reverse("sessions_app:feed", args=[feed.token])) if feed else ""
    )
    return render(
        request,
        "sessions_app/feed/settings.html",
        {"feed": feed, "url": url, "webcal_url": "webcal://" + url.split("://", 1)[-1]},
    )


@require_safe
def feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The person's sessions as an ICS calendar, times in UTC; calendar apps convert them."""
    feed = calendar_feed_get(token=token)
    events = [
        event_for(appointment, method=PUBLISH, viewer=feed.user)
        for appointment in feed_appointments_for(user=feed.user)
    ]
    calendar = calendar_for(events, method=PUBLISH)
    calendar.add("X-WR-CALNAME", _("Mentoring sessions"))
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    # An X- property has no known type: without vDuration icalendar writes `1:00:00`.
    calendar.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    response = HttpResponse(calendar.to_ical(), content_type=content_type_for(PUBLISH))
    response["Content-Disposition"] = 'inline; filename="mentoring.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


urlpatterns = [
    path("calendar-feed/", feed_settings_view, name="feed_settings"),
    path("calendar-feed/<str:token>.ics", feed_view, name="feed"),
]
