"""A pairing's message thread and the inbox of all of one's threads.

Every page works without JavaScript (forms post and redirect back). With htmx, a send answers
the fresh form plus the new message, a poll answers what changed since its cursor, "Show older"
answers the previous page; static/js/thread.js puts the messages in place, once each.
"""

from datetime import datetime

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from exchange.forms.messages import MessageEditForm, MessageForm
from exchange.live import poll_token, session_key_of, thread_version
from exchange.models import Message
from exchange.selectors.messages import (
    PartnerReach,
    cursor_from,
    cursor_parse,
    inbox_page,
    message_get_for_user,
    messages_for_display,
    partner_reach_for,
    thread_changes_since,
    thread_get_for_user,
    thread_page,
)
from exchange.services.messages import (
    MESSAGE_EDIT_WINDOW,
    MessageBodyRefused,
    message_delete,
    message_edit,
    message_send,
    thread_mark_read,
)
from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from pairings.models import Pairing

INBOX_PAGE_SIZE = 20
EDIT_MINUTES = int(MESSAGE_EDIT_WINDOW.total_seconds() // 60)
# htmx stops polling when a poll answers this status; its content is still swapped.
HTMX_STOP_POLLING = 286


def _thread_url(pairing_id: int, message_id: int | None = None) -> str:
    url = reverse("exchange:thread", args=[pairing_id])
    return f"{url}#message-{message_id}" if message_id else url


def _id_or_none(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 19 else None


def _for_display(
    request: HttpRequest,
    pairing: Pairing,
    messages: list[Message],
    *,
    now: datetime | None = None,
    edit_form: MessageEditForm | None = None,
    edit_id: int | None = None,
) -> list[Message]:
    """Messages as the viewer sees them, each changeable one with its edit form (a refused
    edit keeps the typed text in its bound form)."""
    messages_for_display(
        messages=messages, viewer=request.user, pairing=pairing, now=now or timezone.now()
    )
    for message in messages:
        if edit_form is not None and message.pk == edit_id:
            message.edit_form = edit_form
        elif message.can_change:
            message.edit_form = MessageEditForm(
                initial={"body": message.body}, auto_id=f"id_message_{message.pk}_%s"
            )
    return messages


def _live_token(request: HttpRequest, pairing: Pairing, version: str | None) -> str:
    """The token the next poll sends to be answered from the cache while nothing changes."""
    return poll_token(
        session_key=session_key_of(request) or request.session.session_key,
        user_id=request.user.pk,
        pairing_id=pairing.pk,
        version=version,
    )


def _message_form(
    request: HttpRequest,
    pairing: Pairing,
    data: dict | None = None,
    *,
    reach: PartnerReach | None = None,
) -> MessageForm:
    return MessageForm(
        data,
        reach=reach
        if reach is not None
        else partner_reach_for(pairing=pairing, viewer=request.user),
        viewer_zone=request.user.zoneinfo,
    )


def _thread_render(
    request: HttpRequest,
    pairing: Pairing,
    *,
    before_id: int | None = None,
    form: MessageForm | None = None,
    edit_form: MessageEditForm | None = None,
    edit_id: int | None = None,
) -> HttpResponse:
    now = timezone.now()  # read before the page's query: the first poll asks from here
    version = thread_version(pairing.pk)  # likewise: a write after it makes the next poll full
    page, has_older = thread_page(pairing=pairing, before_id=before_id)
    active = pairing.status == Pairing.Status.ACTIVE
    if active and form is None:
        form = _message_form(request, pairing)
    return render(
        request,
        "exchange/thread.html",
        {
            "pairing": pairing,
            "partner": pairing.partner_of(request.user),
            "thread_messages": _for_display(
                request, pairing, page, now=now, edit_form=edit_form, edit_id=edit_id
            ),
            "has_older": has_older,
            "oldest_id": page[0].pk if page else None,
            "before_id": before_id,
            "active": active,
            "form": form,
            "cursor": cursor_from(now),
            "live_token": _live_token(request, pairing, version),
            "edit_minutes": EDIT_MINUTES,
        },
    )


@login_required
@require_GET
def inbox_view(request: HttpRequest) -> HttpResponse:
    """My threads, latest conversation first, with their last message and unread count."""
    page = inbox_page(user=request.user, per_page=INBOX_PAGE_SIZE, number=request.GET.get("page"))
    return render(request, "exchange/inbox.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def thread_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """GET: the latest messages (or those before `?before=<id>`), marking the partner's read.
    POST: send one."""
    if request.method == "POST":
        return _send(request, thread_get_for_user(user=request.user, pairing_id=pairing_id))
    pairing = thread_get_for_user(user=request.user, pairing_id=pairing_id, names_only=True)
    before_raw = request.GET.get("before")
    before_id = _id_or_none(before_raw)
    if before_raw and before_id is None:
        return HttpResponseBadRequest()
    thread_mark_read(pairing=pairing, reader=request.user)
    return _thread_render(request, pairing, before_id=before_id)


def _send(request: HttpRequest, pairing: Pairing) -> HttpResponse:
    # The partner's terms and choice are read once: the sent form and the fresh one say the same.
    reach = partner_reach_for(pairing=pairing, viewer=request.user)
    form = _message_form(request, pairing, data=request.POST, reach=reach)
    if form.is_valid():
        try:
            message = message_send(pairing=pairing, sender=request.user, **form.cleaned_data)
        except MessageBodyRefused as exc:
            form.add_error("body", exc.message)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            if not is_htmx(request):
                return redirect(_thread_url(pairing.pk, message.pk))
            return render(
                request,
                "exchange/_partials/thread_sent.html",
                {
                    "pairing": pairing,
                    "form": _message_form(request, pairing, reach=reach),
                    "thread_messages": _for_display(request, pairing, [message]),
                    "edit_minutes": EDIT_MINUTES,
                },
            )
    if not is_htmx(request):
        return _thread_render(request, pairing, form=form)
    # 200, not 4xx: htmx 2 does not swap error responses. The headers make the form the
    # target whatever element sent the request.
    response = render(
        request,
        "exchange/_partials/thread_form.html",
        {"pairing": pairing, "form": form, "edit_minutes": EDIT_MINUTES},
    )
    response["HX-Retarget"] = "#thread-form"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_GET
def thread_poll_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """What changed since `?since=<cursor>`: new, edited and deleted messages (the partner's
    new ones are marked read: the page is open and visible), the next cursor and the next
    `live` token. While the thread's version is the token's, exchange.middleware answers
    before this view runs."""
    pairing = thread_get_for_user(user=request.user, pairing_id=pairing_id)
    cursor = cursor_parse(request.GET.get("since"))
    if cursor is None:
        return HttpResponseBadRequest()
    now = timezone.now()
    version = thread_version(pairing.pk)  # before the query: a write after it shows next time
    changes, next_cursor = thread_changes_since(pairing=pairing, cursor=cursor, now=now)
    if any(
        m.sender_id != request.user.pk and m.read_at is None and m.deleted_at is None
        for m in changes
    ):
        thread_mark_read(pairing=pairing, reader=request.user)
    return render(
        request,
        "exchange/_partials/thread_poll.html",
        {
            "pairing": pairing,
            "thread_messages": _for_display(request, pairing, changes, now=now),
            "cursor": cursor_from(next_cursor),
            "live_token": _live_token(request, pairing, version),
        },
        status=200 if pairing.status == Pairing.Status.ACTIVE else HTMX_STOP_POLLING,
    )


@login_required
@require_GET
def thread_older_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """The page of messages before `?before=<id>`, and the control for the page before it."""
    pairing = thread_get_for_user(user=request.user, pairing_id=pairing_id)
    before_id = _id_or_none(request.GET.get("before"))
    if before_id is None:
        return HttpResponseBadRequest()
    if not is_htmx(request):
        return redirect(f"{_thread_url(pairing.pk)}?before={before_id}")
    page, has_older = thread_page(pairing=pairing, before_id=before_id)
    return render(
        request,
        "exchange/_partials/thread_older.html",
        {
            "pairing": pairing,
            "thread_messages": _for_display(request, pairing, page),
            "has_older": has_older,
            "oldest_id": page[0].pk if page else None,
        },
    )


def _own_message(request: HttpRequest, message_id: int) -> Message:
    """The viewer's own message: 404 outside their pairings, 403 for the partner's."""
    message = message_get_for_user(user=request.user, message_id=message_id)
    if message.sender_id != request.user.pk:
        raise PermissionDenied
    return message


def _message_render(request: HttpRequest, message: Message, **display: object) -> HttpResponse:
    _for_display(request, message.pairing, [message], **display)
    return render(request, "exchange/_partials/message.html", {"message": message})


@login_required
@require_POST
def message_edit_view(request: HttpRequest, message_id: int) -> HttpResponse:
    """Change one's own message's text within the edit window."""
    message = _own_message(request, message_id)
    form = MessageEditForm(request.POST, auto_id=f"id_message_{message.pk}_%s")
    if form.is_valid():
        try:
            message = message_edit(message=message, by=request.user, body=form.cleaned_data["body"])
        except DomainError as exc:
            form.add_error("body", exc.message)
        else:
            if is_htmx(request):
                return _message_render(request, message)
            flash.success(request, _("Message changed."))
            return redirect(_thread_url(message.pairing_id, message.pk))
    if is_htmx(request):
        return _message_render(request, message, edit_form=form, edit_id=message.pk)
    return _thread_render(request, message.pairing, edit_form=form, edit_id=message.pk)


@login_required
@require_POST
def message_delete_view(request: HttpRequest, message_id: int) -> HttpResponse:
    """Delete one's own message within the edit window (the thread shows "Message deleted")."""
    message = _own_message(request, message_id)
    try:
        message = message_delete(message=message, by=request.user)
    except DomainError as exc:
        if is_htmx(request):
            message.error = exc.message
            return _message_render(request, message)
        flash.error(request, exc.message)
    else:
        if is_htmx(request):
            return _message_render(request, message)
        flash.success(request, _("Message deleted."))
    return redirect(_thread_url(message.pairing_id, message.pk))


urlpatterns = [
    path("messages/", inbox_view, name="inbox"),
    path("messages/pairing/<int:pairing_id>/", thread_view, name="thread"),
    path("messages/pairing/<int:pairing_id>/poll/", thread_poll_view, name="thread_poll"),
    path("messages/pairing/<int:pairing_id>/older/", thread_older_view, name="thread_older"),
    path("messages/<int:message_id>/edit/", message_edit_view, name="message_edit"),
    path("messages/<int:message_id>/delete/", message_delete_view, name="message_delete"),
]
