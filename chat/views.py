"""A cohort's Slack and Teams channels, for its admins (anyone else gets 404, or 403 if not an
admin): connect one, choose what is posted, send a test, see how the last post went."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_admin_required
from chat.forms import ChatConnectionForm, ChatPostsForm
from chat.models import ChatConnection
from chat.selectors import chat_connection_get_for_admin, chat_connections_for_cohort
from chat.services import (
    ChatConnectionRefused,
    chat_connection_add,
    chat_connection_remove,
    chat_connection_update,
    chat_test_send,
)
from programmes.selectors import cohort_get_for_admin


def _posts_form(connection: ChatConnection, data: dict | None = None) -> ChatPostsForm:
    return ChatPostsForm(
        data,
        prefix=f"c{connection.pk}",
        initial={
            "posts_at_risk": connection.posts_at_risk,
            "posts_weekly": connection.posts_weekly,
            "posts_announcements": connection.posts_announcements,
        },
    )


@programme_admin_required
@require_http_methods(["GET", "POST"])
def chat_connections_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = ChatConnectionForm(request.POST or None, prefix="new")
    if request.method == "POST" and form.is_valid():
        try:
            chat_connection_add(cohort=cohort, by=request.user, **form.cleaned_data)
        except ChatConnectionRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(
                request, _("Channel connected. Send a test message to see that it arrives.")
            )
            return redirect("chat:connections", cohort_id=cohort.pk)
    connections = [
        {"connection": connection, "form": _posts_form(connection)}
        for connection in chat_connections_for_cohort(cohort=cohort)
    ]
    context = {"cohort": cohort, "form": form, "connections": connections}
    return render(request, "chat/connections.html", context)


@programme_admin_required
@require_POST
def chat_connection_update_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = chat_connection_get_for_admin(user=request.user, connection_id=connection_id)
    form = _posts_form(connection, request.POST)
    if form.is_valid():
        chat_connection_update(connection=connection, by=request.user, **form.cleaned_data)
        messages.success(request, _("Saved what is posted to the channel."))
    return redirect("chat:connections", cohort_id=connection.cohort_id)


@programme_admin_required
@require_POST
def chat_connection_test_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = chat_connection_get_for_admin(user=request.user, connection_id=connection_id)
    chat_test_send(connection=connection, by=request.user)
    messages.success(
        request,
        _("A test message is on its way. Reload this page in a minute to see how it went."),
    )
    return redirect("chat:connections", cohort_id=connection.cohort_id)


@programme_admin_required
@require_POST
def chat_connection_remove_view(request: HttpRequest, connection_id: int) -> HttpResponse:
    connection = chat_connection_get_for_admin(user=request.user, connection_id=connection_id)
    cohort_id = connection.cohort_id
    chat_connection_remove(connection=connection, by=request.user)
    messages.success(request, _("Channel disconnected: nothing more is posted there."))
    return redirect("chat:connections", cohort_id=cohort_id)


urlpatterns = [
    path("cohorts/<int:cohort_id>/chat/", chat_connections_view, name="connections"),
    path(
        "chat/<int:connection_id>/posts/",
        chat_connection_update_view,
        name="connection_update",
    ),
    path("chat/<int:connection_id>/test/", chat_connection_test_view, name="connection_test"),
    path(
        "chat/<int:connection_id>/remove/",
        chat_connection_remove_view,
        name="connection_remove",
    ),
]
