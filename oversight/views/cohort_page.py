"""The admin's cohort page: figures, charts, the queue ("Needs you now": pairings at risk,
pairings needing attention, pauses waiting for agreement) and the pairings table; the
printable report and the CSV exports."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import programme_admin_required
from audit.events import admin_event_log
from mentoring.htmx import is_htmx
from oversight.charts import health_chart, ratings_chart, sessions_chart
from oversight.exports import EXPORTS, export_filename
from oversight.live import cohort_dashboard_cached, figures_cache_seconds, figures_cached
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import (
    DEFAULT_SORT,
    HEALTH_SNOOZED,
    HEALTH_UNASSESSED,
    SORTS,
    cohort_figures,
    cohort_weeks,
    health_per_week,
    pairing_rows_for_cohort,
    pairing_table_count,
    pairing_table_for_admin,
    sessions_per_week,
    sort_key,
)
from oversight.selectors.cohorts import cohort_list_for_admin
from oversight.selectors.queue import (
    health_queue_for_admin,
    mentees_waiting_for_cohort,
    pauses_awaiting_for_cohort,
)
from oversight.services.waiting import mentee_wait_close
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment, ParticipantRole
from programmes.selectors import cohort_get_for_admin

PAGE_SIZE = 25
TABLE_ID = "pairings"  # the table's element id: htmx asks for it alone with HX-Target


HEALTH_CHOICES = [
    (HealthStatus.ON_TRACK, HealthStatus.ON_TRACK.label),
    (HealthStatus.NEEDS_ATTENTION, HealthStatus.NEEDS_ATTENTION.label),
    (HealthStatus.AT_RISK, HealthStatus.AT_RISK.label),
    (HEALTH_SNOOZED, gettext_lazy("Snoozed")),
    (HEALTH_UNASSESSED, gettext_lazy("Not assessed yet")),
]


SORTABLE = {
    "mentor": gettext_lazy("Mentor"),
    "mentee": gettext_lazy("Mentee"),
    "health": gettext_lazy("Health"),
    "sessions": gettext_lazy("Sessions held / expected"),
    "last_contact": gettext_lazy("Last contact"),
    "-created": gettext_lazy("Since"),
}


def _table_headers(sort: str, filters: dict[str, str]) -> dict[str, dict[str, str]]:
    """Each sortable column's link (a second click reverses it) and its aria-sort."""
    headers = {}
    for first, label in SORTABLE.items():
        key = first.lstrip("-")
        reverse = f"-{key}" if first == key else key
        current = sort in (first, reverse)
        target = reverse if sort == first else first
        aria = ""
        if current:
            aria = "descending" if sort.startswith("-") else "ascending"
        headers[key] = {
            "label": label,
            "url": "?" + urlencode({**filters, "sort": target}),
            "aria_sort": aria,
        }
    return headers


def pairing_table_context(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date
) -> dict[str, Any]:
    """The pairings table as the query string asks for it: filters, sort and page, with the
    links that keep them. Shared by the cohort page and the pairings page."""
    status = request.GET.get("status", "")
    status = status if status in Pairing.Status.values else ""
    health = request.GET.get("health", "")
    health = health if health in dict(HEALTH_CHOICES) else ""
    search = request.GET.get("q", "").strip()[:100]
    sort = sort_key(request.GET.get("sort", DEFAULT_SORT))
    rows = pairing_table_for_admin(
        cohort=cohort,
        now=now,
        today=today,
        status=status,
        health=health,
        search=search,
        sort=sort,
    )
    filters = {k: v for k, v in (("status", status), ("health", health), ("q", search)) if v}
    paginator = Paginator(rows, PAGE_SIZE)
    paginator.count = pairing_table_count(
        cohort=cohort, today=today, status=status, health=health, search=search
    )
    return {
        "cohort": cohort,
        "page": paginator.get_page(request.GET.get("page")),
        "status": status,
        "health": health,
        "q": search,
        "sort": sort,
        "statuses": Pairing.Status.choices,
        "health_choices": HEALTH_CHOICES,
        "headers": _table_headers(sort, filters),
        "filtered": bool(filters),
        "query": urlencode({**filters, "sort": sort}),
        "today": today,
        "table_id": TABLE_ID,
    }


def wants_table_only(request: HttpRequest) -> bool:
    """htmx asking for the table alone (filtering, sorting, paging); a history restore
    needs the whole page."""
    return (
        is_htmx(request)
        and request.headers.get("HX-Target") == TABLE_ID
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_table(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """The page, or only its table when htmx asks; caches keep the two apart."""
    if wants_table_only(request):
        template = "oversight/cohorts/_pairings_table.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _dashboard(cohort: Cohort, *, now: datetime, today: date, tz: ZoneInfo) -> dict[str, Any]:
    """The headline figures and the three charts, in the viewer's zone."""
    figures = cohort_figures(cohort=cohort, now=now, tz=tz)
    weeks = cohort_weeks(cohort=cohort, today=today)
    return {
        "figures": figures,
        "charts": [
            sessions_chart(sessions_per_week(cohort=cohort, now=now, tz=tz, weeks=weeks)),
            health_chart(health_per_week(cohort=cohort, weeks=weeks)),
            ratings_chart(figures.ratings),
        ],
        "now": now,
    }


def _dashboard_cached(
    cohort: Cohort, *, now: datetime, today: date, tz: ZoneInfo
) -> dict[str, Any]:
    """The figures and charts from the shared cache (oversight.live), rendered: the cache
    keeps their HTML too, with when they were computed and how often they are, for the page
    to say how old they may be."""

    def compute() -> dict[str, Any]:
        context = _dashboard(cohort, now=now, today=today, tz=tz)
        if figures_cached():
            context |= {"figures_as_of": now, "figures_every": figures_cache_seconds()}
        return context | {
            "figures_html": render_to_string("oversight/cohorts/_figures.html", context),
            "charts_html": mark_safe(  # noqa: S308 - each part is a rendered template
                "".join(
                    render_to_string("oversight/cohorts/_chart.html", {"chart": chart})
                    for chart in context["charts"]
                )
            ),
        }

    context = cohort_dashboard_cached(
        cohort_id=cohort.pk, now=now, today=today, tz=tz, compute=compute
    )
    return context | {"now": now}


@programme_admin_required
def cohort_list_view(request: HttpRequest) -> HttpResponse:
    page = Paginator(cohort_list_for_admin(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "oversight/cohorts/list.html", {"page": page})


@programme_admin_required
@require_GET
def cohort_detail_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    now, tz = timezone.now(), request.user.zoneinfo
    today = timezone.localdate(now, tz)
    context = pairing_table_context(request, cohort, now=now, today=today)
    if not wants_table_only(request):
        context |= _dashboard_cached(cohort, now=now, today=today, tz=tz) | {
            "queue": health_queue_for_admin(cohort=cohort, now=now, today=today),
            "pauses_awaiting": pauses_awaiting_for_cohort(cohort=cohort),
            "waiting": mentees_waiting_for_cohort(cohort=cohort),
            "latest_run": cohort.match_runs.first(),
            "exports": EXPORTS,
        }
    return render_table(request, "oversight/cohorts/detail.html", context)


@programme_admin_required
@require_GET
def cohort_report_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The end-of-cohort report: figures, charts and every pairing on one printable page."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    now, tz = timezone.now(), request.user.zoneinfo
    today = timezone.localdate(now, tz)
    pairings = pairing_rows_for_cohort(cohort=cohort, now=now, today=today).order_by(
        *SORTS["mentor"]
    )
    context = _dashboard(cohort, now=now, today=today, tz=tz)
    context |= {"cohort": cohort, "pairings": pairings, "today": today}
    return render(request, "oversight/cohorts/report.html", context)


@programme_admin_required
@require_GET
def cohort_export_view(request: HttpRequest, cohort_id: int, kind: str) -> StreamingHttpResponse:
    """A CSV file of the cohort's pairings, sessions or ratings, streamed as it is read."""
    if kind not in EXPORTS:
        raise Http404
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    admin_event_log(instance=cohort, cohort_id=cohort.pk, event=f"{kind} exported")
    now, tz = timezone.now(), request.user.zoneinfo
    response = StreamingHttpResponse(
        EXPORTS[kind](cohort=cohort, tz=tz, now=now), content_type="text/csv; charset=utf-8"
    )
    filename = export_filename(cohort=cohort, kind=kind, today=timezone.localdate(now, tz))
    response["Content-Disposition"] = content_disposition_header(True, filename)
    # Personal data: never kept by a shared cache or the browser's.
    patch_cache_control(response, private=True, no_store=True)
    return response


PAGE_SIZE = 25


@programme_admin_required
@require_POST
def mentee_wait_close_view(request: HttpRequest, cohort_id: int, mentee_id: int) -> HttpResponse:
    """Close a waiting mentee's wait: they leave the list until something new happens."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    enrolment = get_object_or_404(
        Enrolment.objects.select_related("user"),
        cohort=cohort,
        user_id=mentee_id,
        role=ParticipantRole.MENTEE,
    )
    mentee_wait_close(cohort=cohort, mentee=enrolment.user, by=request.user)
    messages.success(
        request,
        _("%(name)s is off the waiting list. A new decline or unanswered request brings them back.")
        % {"name": enrolment.user.name},
    )
    return redirect(reverse("oversight:cohort_detail", args=[cohort.pk]) + "#waiting-title")


urlpatterns = [
    path("cohorts/", cohort_list_view, name="cohort_list"),
    path("cohorts/<int:cohort_id>/", cohort_detail_view, name="cohort_detail"),
    path("cohorts/<int:cohort_id>/report/", cohort_report_view, name="cohort_report"),
    path(
        "cohorts/<int:cohort_id>/waiting/<int:mentee_id>/close/",
        mentee_wait_close_view,
        name="mentee_wait_close",
    ),
    path(
        "cohorts/<int:cohort_id>/export/<slug:kind>.csv", cohort_export_view, name="cohort_export"
    ),
]
