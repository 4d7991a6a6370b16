"""The series page: book regular sessions after seeing every date with its conflicts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from mentoring.errors import DomainError
from sessions_app.forms.booking import SeriesForm, slot_value
from sessions_app.live import booking_rules_for
from sessions_app.selectors.appointments import (
    booking_modes_for,
    pairing_get_for_booking,
    series_plan,
)
from sessions_app.services.series import SeriesChanged, series_book
from sessions_app.views.booking import (
    _book_context,
    _book_form_kwargs,
    _picker,
    _refusal,
    _unavailable,
)


@login_required
@require_http_methods(["GET", "POST"])
def series_book_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """Regular sessions: pick the first time and the rhythm, see every date with its conflicts,
    then confirm the free ones."""
    showing = request.method == "GET"
    # Showing free times reads only what the page shows of the pairing, and may use the kept
    # copy of the rules; a preview or booking reads whole rows and the database.
    pairing = pairing_get_for_booking(user=request.user, pairing_id=pairing_id, whole=not showing)
    now = timezone.now()
    rules = booking_rules_for(mentor=pairing.mentor, now=now, kept=showing)
    availability = rules.availability
    modes = booking_modes_for(pairing=pairing)
    reason = _refusal(pairing, availability, modes)
    if reason:
        return _unavailable(request, pairing, reason)
    kwargs, length = _book_form_kwargs(request, pairing, availability, modes)
    form = SeriesForm(request.POST or None, cohort_ends=pairing.cohort.ends_on, **kwargs)
    context = _book_context(request, pairing, modes)
    if request.method == "POST" and "edit" not in request.POST and form.is_valid():
        wanted = form.series()
        error = None
        if "confirm" in request.POST:
            try:
                series = series_book(
                    pairing=pairing,
                    booked_by=request.user,
                    confirmed=form.cleaned_data["confirmed"],
                    now=now,
                    **wanted,
                )
            except SeriesChanged as exc:
                error = exc.message
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                booked = series.appointments.count()
                messages.success(
                    request,
                    ngettext(
                        "%(count)d session booked. You both get a calendar invite for each.",
                        "%(count)d sessions booked. You both get a calendar invite for each.",
                        booked,
                    )
                    % {"count": booked},
                )
                return redirect("sessions_app:pairing_sessions", pairing_id=pairing.pk)
        if not form.errors:
            plan = series_plan(
                pairing=pairing,
                availability=availability,
                starts_at=wanted["starts_at"],
                length=wanted["length"],
                every_weeks=wanted["every_weeks"],
                count=wanted["count"],
                now=timezone.now(),
            )
            return render(
                request,
                "sessions_app/booking/series_preview.html",
                {
                    **context,
                    "form": form,
                    "plan": [(o, slot_value(o.starts_at)) for o in plan],
                    "free_count": sum(o.free for o in plan),
                    "weekly_limit": availability.weekly_limit,
                    "error": error,
                },
            )
    return render(
        request,
        "sessions_app/booking/series.html",
        {
            **context,
            "form": form,
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


urlpatterns = [
    path("pairings/<int:pairing_id>/series/", series_book_view, name="series"),
]
