"""A person's own calendars: connect one by its secret ICS address, see how its reading goes,
remove it. Their busy times keep slots from being offered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sessions_app.forms.calendars import CalendarConnectForm
from sessions_app.models import CalendarConnection
from sessions_app.selectors.calendars import calendar_connections_for, calendar_host
from sessions_app.services.calendars import (
    CalendarProblem,
    calendar_connect,
    calendar_disconnect,
)


@login_required
@require_http_methods(["GET", "POST"])
def calendars_view(request: HttpRequest) -> HttpResponse:
    """GET: the person's calendars and the form to connect one. POST: connect it, read at once."""
    connections = list(calendar_connections_for(user=request.user))
    form = CalendarConnectForm(
        request.POST if request.method == "POST" else None, count=len(connections)
    )
    if request.method == "POST" and form.is_valid():
        try:
            connection = calendar_connect(
                user=request.user,
                name=form.cleaned_data["name"],
                url=form.cleaned_data["url"],
                now=timezone.now(),
            )
        except CalendarProblem as problem:
            form.add_error("url", str(problem))
        else:
            messages.success(
                request,
                _("“%(name)s” is connected: its busy times are no longer offered for sessions.")
                % {"name": connection.name},
            )
            return redirect("sessions_app:calendars")
    rows = [(connection, calendar_host(connection)) for connection in connections]
    return render(request, "sessions_app/calendars/list.html", {"form": form, "rows": rows})


@login_required
@require_POST
def calendar_remove_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = get_object_or_404(CalendarConnection, pk=connection_id, user=request.user)
    calendar_disconnect(connection=connection)
    messages.success(
        request,
        _("“%(name)s” is removed: its busy times no longer block your free times.")
        % {"name": connection.name},
    )
    return redirect("sessions_app:calendars")


urlpatterns = [
    path("calendars/", calendars_view, name="calendars"),
    path("calendars/<int:connection_id>/remove/", calendar_remove_view, name="calendar_remove"),
]
