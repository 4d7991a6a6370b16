"""The mentor's availability page: rules, weekly windows, date overrides and a week view."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format, get_format, time_format
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import User
from mentoring.errors import DomainError
from programmes.forms.hours import HOURS_ACTION, hours_action_apply
from sessions_app.forms.availability import AvailabilityForm, DateOverrideForm, WeekForm
from sessions_app.models import Availability, DateOverride
from sessions_app.selectors.availability import (
    DayHours,
    availability_for,
    availability_of_mentor,
    date_override_get_for_mentor,
    date_overrides_upcoming,
    local_today,
    offers_sessions,
)
from sessions_app.selectors.slots import WeekDay, availability_week
from sessions_app.services.availability import (
    availability_save,
    date_override_add,
    date_override_remove,
)
from sessions_app.widgets import date_label, local_times

PAGE_TEMPLATE = "sessions_app/availability/edit.html"
WEEK_TEMPLATE = "sessions_app/availability/_week.html"
OVERRIDES_PER_PAGE = 25


def _not_a_mentor(request: HttpRequest) -> HttpResponse:
    return render(request, "sessions_app/availability/not_mentor.html")


def _slot_lists(days: list[WeekDay], zone: ZoneInfo) -> list[SafeString]:
    """Each day's free start times as the mentor reads them (<time> in the mentor's zone), in
    Python: a week holds a hundred or more, and the template's filters took a third of the
    page. The markup is what the template wrote before."""
    # An ISO 8601 time holds digits, "-", ":", "+" and "T" only: nothing to escape.
    if get_format("TIME_FORMAT") == "H:i":  # en, es, de: the time of day written directly

        def item(starts_at: datetime) -> str:
            local = starts_at.astimezone(zone)  # itself when already in the zone
            return (
                f'<li><time datetime="{local.isoformat()}">'
                f"{local.hour:02d}:{local.minute:02d}</time></li>"
            )

    else:
        local_time = local_times(zone)
        escaped: dict[str, str] = {}

        def item(starts_at: datetime) -> str:
            local, label = local_time(starts_at)
            shown = escaped.get(label)
            if shown is None:
                shown = escaped[label] = escape(label)
            return f'<li><time datetime="{local.isoformat()}">{shown}</time></li>'

    return [
        SafeString(f'<ul class="actions">{"".join(map(item, day.slots))}</ul>')
        if day.slots
        else SafeString("")
        for day in days
    ]


def _week_rows(days: list[WeekDay], zone: ZoneInfo) -> SafeString:
    """The week table's rows (the <tbody> of _week.html), written in Python as the template
    wrote them: dates, the hours of each date, and its free start times or why there are
    none (tests/sessions_app/test_widgets.py compares the two)."""
    time_labels: dict[time, str] = {}

    def clock(moment: time) -> str:
        label = time_labels.get(moment)
        if label is None:
            label = time_labels[moment] = escape(time_format(moment, "TIME_FORMAT"))
        return label

    def hours_cell(hours: DayHours) -> str:
        if hours.day_off:
            return f"{escape(_('Day off'))}\n              "
        windows = (
            ", ".join(f"{clock(starts)}–{clock(ends)}" for starts, ends in hours.windows)  # noqa: RUF001
            if hours.windows
            else escape(_("No hours"))
        )
        badge = f'<span class="badge">{escape(_("extra hours"))}</span>' if hours.extra else ""
        return f"\n                {windows}\n                {badge}\n              "

    def free_cell(day: WeekDay, slot_list: str) -> str:
        if day.slots:
            return f"\n                {slot_list}\n              "
        if day.hours.day_off or not day.hours.windows:
            why = "—"
        elif day.beyond_horizon:
            why = escape(_("Past your booking horizon"))
        elif day.before_notice:
            why = escape(_("Inside your minimum notice"))
        elif day.week_full:
            why = escape(_("Weekly limit reached"))
        else:
            why = escape(_("Nothing free: other sessions, buffers or notice fill these hours"))
        return f'<span class="muted">{why}</span>\n              '

    rows = [
        f'\n          <tr>\n            <th scope="row">'
        f'<time datetime="{day.hours.day.isoformat()}">'
        f"{escape(date_label(day.hours.day, 'D j M'))}</time></th>\n            <td>\n"
        f"              {hours_cell(day.hours)}\n            </td>\n            <td>\n"
        f"              {free_cell(day, slot_list)}\n            </td>\n          </tr>\n        "
        for day, slot_list in zip(days, _slot_lists(days, zone), strict=True)
    ]
    return SafeString(f"\n        \n        {''.join(rows)}\n        \n      ")


def _week_context(
    request: HttpRequest,
    *,
    availability: Availability | None,
    now: datetime | None = None,
    overrides: list[DateOverride] | None = None,
) -> dict:
    """What the week view shows: seven days from ?start= (today by default), for ?length=.
    `overrides`: the date overrides from today on, when the page read them already."""
    if availability is None:
        return {"availability": None}
    mentor: User = request.user
    now = now or timezone.now()
    today = local_today(user=mentor, now=now)
    week_form = WeekForm(request.GET, lengths=availability.session_lengths)
    first_day, length = week_form.choice(today=today)
    days = availability_week(
        availability=availability,
        mentor=mentor,
        length=length,
        now=now,
        first_day=first_day,
        overrides=overrides,
    )
    first_day = days[0].hours.day
    last_bookable = today + timedelta(weeks=availability.horizon_weeks)
    return {
        "availability": availability,
        "days": days,
        "week_rows": _week_rows(days, mentor.zoneinfo),
        "length": length,
        "length_choices": week_form.fields["length"].choices,
        "previous_start": first_day - timedelta(days=7) if first_day > today else None,
        "next_start": first_day + timedelta(days=7)
        if first_day + timedelta(days=7) <= last_bookable
        else None,
        "mentor_zone": mentor.timezone,
    }


def _page(
    request: HttpRequest,
    *,
    availability: Availability | None,
    form: AvailabilityForm | None = None,
    override_form: DateOverrideForm | None = None,
) -> HttpResponse:
    now = timezone.now()
    today = local_today(user=request.user, now=now)
    # The overrides from today on, read once: their table, and the week's (from today on too).
    upcoming = (
        None
        if availability is None
        else date_overrides_upcoming(availability=availability, today=today)
    )
    context = {
        "form": form or AvailabilityForm(availability=availability),
        "override_form": override_form or DateOverrideForm(today=today),
        "overrides": None
        if upcoming is None
        else Paginator(upcoming, OVERRIDES_PER_PAGE).get_page(request.GET.get("page")),
        **_week_context(request, availability=availability, now=now, overrides=upcoming),
    }
    return render(request, PAGE_TEMPLATE, context)


@login_required
@require_http_methods(["GET", "POST"])
def availability_edit_view(request: HttpRequest) -> HttpResponse:
    offers, availability = availability_of_mentor(user=request.user)
    if not offers:
        return _not_a_mentor(request)
    if request.method != "POST":
        return _page(request, availability=availability)
    if hours_action := request.POST.get(HOURS_ACTION):  # a preset: fill the hours, save nothing
        form = AvailabilityForm(availability=availability)
        hours_action_apply(form, request.POST, form.days, hours_action)
        return _page(request, availability=availability, form=form)
    form = AvailabilityForm(request.POST, availability=availability)
    if form.is_valid():
        try:
            availability_save(mentor=request.user, **form.rules())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your availability is saved. The week below shows it."))
            return redirect("sessions_app:availability")
    return _page(request, availability=availability, form=form)


@login_required
@require_GET
def availability_week_view(request: HttpRequest) -> HttpResponse:
    """The week view alone, for htmx when the mentor changes the week or the length."""
    offers, availability = availability_of_mentor(user=request.user)
    if not offers:
        return _not_a_mentor(request)
    context = _week_context(request, availability=availability)
    return render(request, WEEK_TEMPLATE, context)


@login_required
@require_POST
def availability_override_add_view(request: HttpRequest) -> HttpResponse:
    if not offers_sessions(user=request.user):
        return _not_a_mentor(request)
    now = timezone.now()
    form = DateOverrideForm(request.POST, today=local_today(user=request.user, now=now))
    if form.is_valid():
        try:
            override = date_override_add(mentor=request.user, now=now, **form.override())
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            day = date_format(override.date, "DATE_FORMAT")
            messages.success(
                request,
                _("%(date)s is now a day off.") % {"date": day}
                if override.day_off
                else _("Extra hours added on %(date)s.") % {"date": day},
            )
            return redirect("sessions_app:availability")
    return _page(request, availability=availability_for(request.user), override_form=form)


@login_required
@require_POST
def availability_override_remove_view(request: HttpRequest, override_id: int) -> HttpResponse:
    override = date_override_get_for_mentor(user=request.user, override_id=override_id)
    date_override_remove(override=override)
    messages.success(request, _("Removed: the weekly windows apply on that date again."))
    return redirect("sessions_app:availability")


urlpatterns = [
    path("availability/", availability_edit_view, name="availability"),
    path("availability/week/", availability_week_view, name="availability_week"),
    path(
        "availability/overrides/",
        availability_override_add_view,
        name="availability_override_add",
    ),
    path(
        "availability/overrides/<int:override_id>/remove/",
        availability_override_remove_view,
        name="availability_override_remove",
    ),
]
