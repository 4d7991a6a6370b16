"""A person's own calendars: connect one by its secret ICS address or a CalDAV account, choose
which of an account's calendars count as busy and which receives sessions, see how their reading
goes, remove them. Their busy times keep slots from being offered."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sessions_app.forms.calendars import CalDavChoicesForm, CalDavConnectForm, CalendarConnectForm
from sessions_app.models import CalendarConnection
from sessions_app.selectors.calendars import (
    calendar_connection_get,
    calendar_connections_for,
    calendar_host,
)
from sessions_app.services.calendars import (
    CalendarProblem,
    calendar_caldav_choose,
    calendar_caldav_connect,
    calendar_connect,
    calendar_disconnect,
    calendar_refresh,
)


def _page(
    request: HttpRequest,
    connections: list[CalendarConnection],
    *,
    form: CalendarConnectForm,
    dav_form: CalDavConnectForm,
) -> HttpResponse:
    rows = [(connection, calendar_host(connection)) for connection in connections]
    return render(
        request,
        "sessions_app/calendars/list.html",
        {"form": form, "dav_form": dav_form, "rows": rows},
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
    return _page(
        request, connections, form=form, dav_form=CalDavConnectForm(count=len(connections))
    )


@login_required
@require_POST
def calendar_caldav_connect_view(request: HttpRequest) -> HttpResponse:
    """Connect a CalDAV account: its calendars are found and read, then the person chooses."""
    connections = list(calendar_connections_for(user=request.user))
    dav_form = CalDavConnectForm(request.POST, count=len(connections))
    if dav_form.is_valid():
        try:
            connection = calendar_caldav_connect(
                user=request.user,
                server_url=dav_form.cleaned_data["server_url"],
                username=dav_form.cleaned_data["username"],
                password=dav_form.cleaned_data["password"],
                now=timezone.now(),
            )
        except CalendarProblem as problem:
            dav_form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _(
                    "Your account “%(name)s” is connected and its calendars are read. Choose "
                    "which count as busy and where your sessions go."
                )
                % {"name": connection.name},
            )
            return redirect("sessions_app:calendar_choose", connection_id=connection.pk)
    return _page(
        request, connections, form=CalendarConnectForm(count=len(connections)), dav_form=dav_form
    )


@login_required
@require_http_methods(["GET", "POST"])
def calendar_choose_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    """A CalDAV account's calendars: which count as busy, which one receives sessions."""
    connection = calendar_connection_get(
        user=request.user, connection_id=connection_id, kind=CalendarConnection.Kind.CALDAV
    )
    calendars = list(connection.calendars.order_by("name", "pk"))
    form = CalDavChoicesForm(
        request.POST if request.method == "POST" else None, calendars=calendars
    )
    if request.method == "POST" and form.is_valid():
        calendar_caldav_choose(
            connection=connection,
            busy_ids=set(form.cleaned_data["busy"]),
            receiving_id=form.cleaned_data["receiving"],
        )
        calendar_refresh(connection_id=connection.pk, now=timezone.now())  # newly ticked ones
        messages.success(
            request, _("Your choices for “%(name)s” are saved.") % {"name": connection.name}
        )
        return redirect("sessions_app:calendars")
    return render(
        request,
        "sessions_app/calendars/choose.html",
        {"connection": connection, "host": calendar_host(connection), "form": form},
    )


@login_required
@require_POST
def calendar_remove_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = calendar_connection_get(user=request.user, connection_id=connection_id)
    if calendar_disconnect(connection=connection, now=timezone.now()):
        done = _(
            "“%(name)s” is removed: its busy times no longer block your free times, and your "
            "sessions to come are being taken out of its calendar."
        )
    else:
        done = _("“%(name)s” is removed: its busy times no longer block your free times.")
    messages.success(request, done % {"name": connection.name})
    return redirect("sessions_app:calendars")


urlpatterns = [
    path("calendars/", calendars_view, name="calendars"),
    path("calendars/caldav/", calendar_caldav_connect_view, name="calendar_caldav_connect"),
    path("calendars/<int:connection_id>/", calendar_choose_view, name="calendar_choose"),
    path("calendars/<int:connection_id>/remove/", calendar_remove_view, name="calendar_remove"),
]
