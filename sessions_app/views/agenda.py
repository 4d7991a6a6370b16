"""A session's agenda (an htmx partial that also works as a page), its notes and action items,
and the mentors' "My agenda" across all mentees."""

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from sessions_app.forms.agenda import ActionItemForm, AgendaItemForm, PickForm, SessionNoteForm
from sessions_app.models import Appointment
from sessions_app.selectors.agenda import (
    agenda_is_open,
    agenda_shown,
    appointments_by_day,
    my_agenda_for,
    notes_are_open,
    notes_for,
    partner_in,
    session_is_editable,
)
from sessions_app.selectors.appointments import appointment_get_for_page, appointment_get_for_user
from sessions_app.services.agenda import (
    action_item_add,
    action_item_remove,
    action_item_tick,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_tick,
    session_note_save,
)

PAGE_SIZE = 25


@login_required
def my_agenda_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(my_agenda_for(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    days = appointments_by_day(appointments=list(page.object_list), tz=request.user.zoneinfo)
    return render(request, "sessions_app/agenda/my_agenda.html", {"page": page, "days": days})


def _submit(form: forms.Form, act: Callable[..., object]) -> forms.Form | None:
    """Run `act(**cleaned_data)` if the form is valid: None once done, else the form to show
    again with its errors (the service's refusal among them) and the input kept."""
    if form.is_valid():
        try:
            act(**form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return None
    return form


def _pick(
    request: HttpRequest, items: QuerySet, act: Callable[[Model, bool], object]
) -> str | None:
    """Run `act(item, done)` on the item the POST names; the refusal to show, if any."""
    form = PickForm(request.POST, items=items)
    if not form.is_valid():
        return " ".join(form.errors.get("item", []))
    try:
        act(form.cleaned_data["item"], form.cleaned_data["done"])
    except DomainError as exc:
        return str(exc.message)
    return None


def _agenda_render(
    request: HttpRequest,
    appointment: Appointment,
    *,
    form: AgendaItemForm | None = None,
    error: str | None = None,
) -> HttpResponse:
    context = {
        "appointment": appointment,
        "partner": partner_in(appointment=appointment, user=request.user),
        "items": agenda_shown(appointment=appointment),
        "open": agenda_is_open(appointment=appointment),
        "form": form or AgendaItemForm(),
        "error": error,
    }
    if is_htmx(request):
        return render(request, "sessions_app/agenda/_agenda.html", context)
    # The whole page also lists what was shared for the session: exchange's session_materials
    # template tag (one query, however many).
    return render(request, "sessions_app/agenda/page.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def agenda_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """GET: the agenda. POST `op`: add an item, tick one (done=1/0), or remove one's own."""
    if request.method == "GET":
        appointment = appointment_get_for_page(user=request.user, appointment_id=appointment_id)
        return _agenda_render(request, appointment)
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    op = request.POST.get("op")
    form = error = None
    if op == "add":
        form = _submit(
            AgendaItemForm(request.POST),
            partial(agenda_item_add, appointment=appointment, author=request.user),
        )
    elif op == "tick":
        error = _pick(
            request,
            appointment.agenda.all(),
            lambda item, done: agenda_item_tick(item=item, by=request.user, done=done),
        )
    elif op == "remove":
        error = _pick(
            request,
            appointment.agenda.all(),
            lambda item, _done: agenda_item_remove(item=item, by=request.user),
        )
    else:
        return HttpResponseBadRequest()
    if form is None and error is None and not is_htmx(request):
        return redirect("sessions_app:agenda", appointment_id=appointment.pk)
    return _agenda_render(request, appointment, form=form, error=error)


@login_required
@require_http_methods(["GET", "POST"])
def notes_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """Once the session has started: my note, the partner's if shared, and action items.

    POST `op`: note (save mine), action_add, action_tick (done=1/0), action_remove.
    """
    if request.method == "GET":
        appointment = appointment_get_for_page(user=request.user, appointment_id=appointment_id)
    else:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    note_form = action_form = error = None
    if request.method == "POST":
        op = request.POST.get("op")
        if op == "note":
            note_form = _submit(
                SessionNoteForm(request.POST),
                partial(session_note_save, appointment=appointment, author=request.user),
            )
        elif op == "action_add":
            action_form = _submit(
                ActionItemForm(request.POST),
                partial(action_item_add, appointment=appointment, author=request.user),
            )
        elif op == "action_tick":
            error = _pick(
                request,
                appointment.actions.all(),
                lambda action, done: action_item_tick(action=action, by=request.user, done=done),
            )
        elif op == "action_remove":
            error = _pick(
                request,
                appointment.actions.all(),
                lambda action, _done: action_item_remove(action=action, by=request.user),
            )
        else:
            return HttpResponseBadRequest()
        if note_form is None and action_form is None and error is None:
            return redirect("sessions_app:notes", appointment_id=appointment.pk)
    started = notes_are_open(appointment=appointment)
    notes = notes_for(appointment=appointment, viewer=request.user) if started else None
    if note_form is None and notes is not None:
        note_form = SessionNoteForm(
            initial={"text": notes.mine.text, "shared": notes.mine.shared} if notes.mine else None
        )
    return render(
        request,
        "sessions_app/agenda/notes.html",
        {
            "appointment": appointment,
            "partner": partner_in(appointment=appointment, user=request.user),
            "started": started,
            "editable": session_is_editable(appointment=appointment),
            "notes": notes,
            "note_form": note_form,
            "action_form": action_form or ActionItemForm(),
            "error": error,
        },
    )


urlpatterns = [
    path("my-agenda/", my_agenda_view, name="my_agenda"),
    path("<int:appointment_id>/agenda/", agenda_view, name="agenda"),
    path("<int:appointment_id>/notes/", notes_view, name="notes"),
]
