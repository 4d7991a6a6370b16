"""Booking pages: book a session, see one, move it, cancel it, and a pairing's list.

Every page gets its pairing or session through a selector scoped to the two people in it, so
changing an id in the URL gives anyone else a 404.
"""

import uuid
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.models import User
from mentoring.errors import DomainError
from mentoring.live import counters_known
from pairings.models import Pairing
from pairings.selectors.agreements import partner_phone_for, phone_display
from sessions_app.forms.booking import (
    AppointmentBookForm,
    AppointmentCancelForm,
    AppointmentRescheduleForm,
    LengthForm,
)
from sessions_app.ics import PUBLISH, calendar_for, content_type_for, event_for
from sessions_app.live import booking_rules_for
from sessions_app.models import Appointment, Availability
from sessions_app.selectors.agenda import partner_in
from sessions_app.selectors.appointments import (
    appointment_get_for_moving,
    appointment_get_for_user,
    appointments_listed_for_pairing,
    appointments_next_in_pairing,
    booking_modes_for,
    first_session_in_person_due,
    pairing_get_for_booking,
    slot_week,
)
from sessions_app.selectors.availability import BookingRules
from sessions_app.selectors.slots import slot_plan
from sessions_app.services.booking import (
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from sessions_app.services.series import series_cancel_from

PAGE_SIZE = 25
UPCOMING_ON_BOOKING_PAGE = 5


def _length_of(appointment: Appointment) -> int:
    return int((appointment.ends_at - appointment.starts_at) / timedelta(minutes=1))


def _refusal(pairing: Pairing, availability: Availability | None, modes: list[str]) -> str | None:
    """Why nothing can be booked in this pairing now, or None."""
    if pairing.status != Pairing.Status.ACTIVE:
        return "inactive"
    if not modes:
        return "no_modes"
    if availability is None or not availability.session_lengths:
        return "no_hours"
    return None


def _unavailable(request: HttpRequest, pairing: Pairing, reason: str) -> HttpResponse:
    return render(
        request,
        "sessions_app/booking/unavailable.html",
        {"pairing": pairing, "partner": pairing.partner_of(request.user), "reason": reason},
    )


def _asked_week(request: HttpRequest) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        return None


def _picker(
    request: HttpRequest,
    *,
    mentor: User,
    mentee: User,
    rules: BookingRules,
    form: AppointmentRescheduleForm,
    length: int,
    now: datetime,
    exclude_appointment_id: int | None = None,
    propose: bool = True,
) -> dict:
    """Fresh free times for `length`, one week of them put into the form (the first free time
    proposed when `propose`), and the length form."""
    # free_slots for the rules the page already read (an availability is published): two
    # queries (both people's sessions and calendar busy times) instead of five.
    availability = rules.availability
    plan = slot_plan(
        availability=availability,
        mentor=mentor,
        mentee=mentee,
        length=length,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
        overrides=rules.overrides,
    )
    form.is_valid()  # cleans a bound form once (a refusal added since is kept)
    zone = request.user.zoneinfo
    week = slot_week(
        plan=plan,
        zone=zone,
        today=now.astimezone(zone).date(),
        asked=_asked_week(request),
        chosen=getattr(form, "cleaned_data", {}).get("starts_at"),
    )
    first = week.first_free.starts_at if week.first_free else None
    form.show_days(week.days, zone, first=first, propose=propose)
    lengths = sorted(availability.session_lengths)
    return {
        "length_form": LengthForm(request.GET or None, lengths=lengths, initial=length),
        "length": length,
        "week": week,
        "has_slots": bool(plan.starts),
        "horizon_weeks": availability.horizon_weeks,
    }


def _chosen_length(request: HttpRequest, lengths: list[int], default: int) -> int:
    data = request.POST if request.method == "POST" else request.GET
    form = LengthForm(data if "length" in data else None, lengths=sorted(lengths), initial=default)
    return form.length_or(default)


def _proposed_mode(pairing: Pairing, modes: list[str], *, booked: bool = False) -> str | None:
    """In person when the cohort asks for it first and nothing is booked yet (`booked`: a
    booked session of the pairing is already known, so no query), else the first way both
    allow."""
    if (
        Appointment.Mode.IN_PERSON in modes
        and not booked
        and first_session_in_person_due(pairing=pairing)
    ):
        return Appointment.Mode.IN_PERSON
    return modes[0] if modes else None  # the first way both allow (video before phone)


def _book_form_kwargs(
    request: HttpRequest,
    pairing: Pairing,
    availability: Availability,
    modes: list[str],
    *,
    propose: bool = True,
) -> tuple[dict, int]:
    """The booking form's arguments and the chosen length; the way to meet is proposed
    (one query) only when `propose`."""
    lengths = sorted(availability.session_lengths)
    length = _chosen_length(request, lengths, lengths[0])
    proposed = _proposed_mode(pairing, modes) if propose else None
    initial = {"length": length, "mode": proposed, "token": uuid.uuid4()}
    return {"modes": modes, "lengths": lengths, "initial": initial}, length


def _book_context(request: HttpRequest, pairing: Pairing, modes: list[str]) -> dict:
    partner = pairing.partner_of(request.user)
    return {
        "pairing": pairing,
        "partner": partner,
        "mentor": pairing.mentor,
        "in_person_allowed": Appointment.Mode.IN_PERSON in modes,
    }


@login_required
@require_http_methods(["GET", "POST"])
def appointment_book_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    posted = request.method == "POST"
    pairing = pairing_get_for_booking(user=request.user, pairing_id=pairing_id, whole=posted)
    now = timezone.now()
    # Showing free times may use the kept copy of the rules; a booking reads the database.
    rules = booking_rules_for(mentor=pairing.mentor, now=now, kept=not posted)
    availability = rules.availability
    modes = booking_modes_for(pairing=pairing)
    reason = _refusal(pairing, availability, modes)
    if reason:
        return _unavailable(request, pairing, reason)
    # The way to meet is proposed once the page is sure to show: after the sessions to come
    # are read, which may answer whether one is booked already.
    kwargs, length = _book_form_kwargs(request, pairing, availability, modes, propose=False)
    form = AppointmentBookForm(request.POST or None, **kwargs)
    if posted and form.is_valid():
        try:
            appointment = appointment_book(
                pairing=pairing, booked_by=request.user, now=now, **form.booking()
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session booked. You both get a calendar invite by email."))
            return redirect("sessions_app:detail", appointment_id=appointment.pk)
    # The person's cached counters (the dashboard's) may already say nothing is to come.
    known = counters_known(user_id=request.user.pk)
    upcoming = (
        []
        if known is not None and known.get("upcoming") == 0
        else appointments_next_in_pairing(pairing=pairing, now=now, limit=UPCOMING_ON_BOOKING_PAGE)
    )
    form.initial["mode"] = _proposed_mode(pairing, modes, booked=bool(upcoming))
    return render(
        request,
        "sessions_app/booking/book.html",
        {
            "form": form,
            "first_in_person_due": form.initial["mode"] == Appointment.Mode.IN_PERSON,
            "upcoming": upcoming,
            **_book_context(request, pairing, modes),
            **_picker(
                request,
                mentor=pairing.mentor,
                mentee=pairing.mentee,
                rules=rules,
                form=form,
                length=length,
                now=timezone.now(),
            ),
        },
    )


def _can_change(appointment: Appointment, now: datetime) -> bool:
    return appointment.status == Appointment.Status.BOOKED and appointment.starts_at > now


@login_required
def appointment_detail_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    partner = partner_in(appointment=appointment, user=request.user)
    phone = None
    if appointment.mode == Appointment.Mode.PHONE:
        phone = phone_display(partner_phone_for(pairing=appointment.pairing, viewer=request.user))
    now = timezone.now()
    can_change = _can_change(appointment, now)
    return render(
        request,
        "sessions_app/booking/detail.html",
        {
            "appointment": appointment,
            "partner": partner,
            "is_mentor": request.user.pk == appointment.mentor_id,
            "partner_phone": phone,
            "length": _length_of(appointment),
            "can_cancel": can_change,
            "can_reschedule": can_change and appointment.pairing.status == Pairing.Status.ACTIVE,
        },
    )


@login_required
def appointment_ics_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    """The session as a calendar file, to add it by hand."""
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    calendar = calendar_for(
        [event_for(appointment, method=PUBLISH, viewer=request.user)], method=PUBLISH
    )
    response = HttpResponse(calendar.to_ical(), content_type=content_type_for(PUBLISH))
    response["Content-Disposition"] = f'attachment; filename="session-{appointment.pk}.ics"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def appointment_reschedule_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_get_for_moving(
        user=request.user, appointment_id=appointment_id, whole=request.method == "POST"
    )
    pairing = appointment.pairing
    now = timezone.now()
    # Showing free times may use the kept copy of the rules; a move reads the database.
    rules = booking_rules_for(mentor=appointment.mentor, now=now, kept=request.method == "GET")
    availability = rules.availability
    if not (
        _can_change(appointment, now)
        and pairing.status == Pairing.Status.ACTIVE
        and availability is not None
        and availability.session_lengths
    ):
        messages.error(request, _("This session can no longer be moved."))
        return redirect("sessions_app:detail", appointment_id=appointment.pk)
    lengths = sorted(availability.session_lengths)
    current = _length_of(appointment)
    length = _chosen_length(request, lengths, current if current in lengths else lengths[0])
    form = AppointmentRescheduleForm(
        request.POST or None, lengths=lengths, initial={"length": length}
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment_reschedule(
                appointment=appointment,
                starts_at=form.cleaned_data["starts_at"],
                length=form.cleaned_data["length"],
                now=now,
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Session moved. You both get the updated invite by email."))
            return redirect("sessions_app:detail", appointment_id=appointment.pk)
    return render(
        request,
        "sessions_app/booking/reschedule.html",
        {
            "form": form,
            "appointment": appointment,
            "pairing": pairing,
            "partner": partner_in(appointment=appointment, user=request.user),
            "current_length": current,
            **_picker(
                request,
                mentor=appointment.mentor,
                mentee=appointment.mentee,
                rules=rules,
                form=form,
                length=length,
                now=timezone.now(),
                exclude_appointment_id=appointment.pk,
                propose=False,
            ),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def appointment_cancel_view(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    if appointment.status == Appointment.Status.CANCELLED:
        messages.info(request, _("This session is already cancelled."))
        return redirect("sessions_app:detail", appointment_id=appointment.pk)
    if not _can_change(appointment, timezone.now()):
        messages.error(request, _("This session has already started, so it can no longer change."))
        return redirect("sessions_app:detail", appointment_id=appointment.pk)
    form = AppointmentCancelForm(request.POST or None, in_series=appointment.series_id is not None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        try:
            if form.following():
                cancelled = len(
                    series_cancel_from(appointment=appointment, by=request.user, reason=reason)
                )
            else:
                appointment_cancel(appointment=appointment, by=request.user, reason=reason)
                cancelled = 1
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Session cancelled. You both get the cancellation by email.",
                    "%(count)d sessions cancelled. You both get the cancellations by email.",
                    cancelled,
                )
                % {"count": cancelled},
            )
            return redirect("sessions_app:detail", appointment_id=appointment.pk)
    return render(
        request,
        "sessions_app/booking/cancel.html",
        {
            "form": form,
            "appointment": appointment,
            "partner": partner_in(appointment=appointment, user=request.user),
        },
    )


@login_required
def pairing_sessions_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """A pairing's sessions: the ones to come, or (show=past) past and cancelled ones."""
    # Only its status and both people's names: what the booking pages read of it too.
    pairing = pairing_get_for_booking(user=request.user, pairing_id=pairing_id, whole=False)
    past = request.GET.get("show") == "past"
    sessions = appointments_listed_for_pairing(
        pairing=pairing, upcoming=not past, now=timezone.now()
    )
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "sessions_app/booking/pairing_sessions.html",
        {
            "pairing": pairing,
            "partner": pairing.partner_of(request.user),
            "page": page,
            "past": past,
            "query": "show=past" if past else "",
            "can_book": pairing.status == Pairing.Status.ACTIVE,
        },
    )


urlpatterns = [
    path("pairings/<int:pairing_id>/", pairing_sessions_view, name="pairing_sessions"),
    path("pairings/<int:pairing_id>/book/", appointment_book_view, name="book"),
    path("<int:appointment_id>/", appointment_detail_view, name="detail"),
    path("<int:appointment_id>/session.ics", appointment_ics_view, name="ics"),
    path("<int:appointment_id>/reschedule/", appointment_reschedule_view, name="reschedule"),
    path("<int:appointment_id>/cancel/", appointment_cancel_view, name="cancel"),
]
