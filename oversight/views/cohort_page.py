"""The admin's cohort page: figures, charts, the queue ("Needs you now": pairings at risk,
pairings needing attention, mentees waiting, pauses waiting for agreement) and the pairings
table, kept as HTML in the shared cache for every admin of the cohort (oversight/live.py) or,
without it, computed for each request; the printable report and the CSV exports (never kept)."""

import hashlib
import secrets
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect, render
from django.template import engines
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from accounts.decorators import programme_admin_required
from audit.events import admin_event_log
from mentoring.htmx import is_htmx
from oversight.charts import health_chart, ratings_chart, sessions_chart
from oversight.exports import EXPORTS, export_filename
from oversight.live import cohort_page_cached, figures_cache_seconds, figures_cached
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import (
    DEFAULT_SORT,
    HEALTH_SNOOZED,
    HEALTH_UNASSESSED,
    cohort_figures,
    cohort_weeks,
    health_per_week,
    pairing_table_count,
    pairing_table_for_admin,
    sessions_per_week,
    sort_key,
)
from oversight.selectors.cohorts import cohort_get_for_report, cohort_list_for_admin
from oversight.selectors.queue import (
    health_queue_for_admin,
    mentees_waiting_for_cohort,
    pauses_awaiting_for_cohort,
)
from oversight.selectors.report import pairing_report_rows_for_cohort
from oversight.services.waiting import mentee_wait_close
from oversight.templatetags.chart_figure import chart_figure_html
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


def _table_query(request: HttpRequest) -> dict[str, str]:
    """The table's filters and sort as the query string asks for them, each made valid."""
    status = request.GET.get("status", "")
    health = request.GET.get("health", "")
    return {
        "status": status if status in Pairing.Status.values else "",
        "health": health if health in dict(HEALTH_CHOICES) else "",
        "q": request.GET.get("q", "").strip()[:100],
        "sort": sort_key(request.GET.get("sort", DEFAULT_SORT)),
    }


def pairing_table_context(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date
) -> dict[str, Any]:
    """The pairings table as the query string asks for it: filters, sort and page, with the
    links that keep them. Shared by the cohort page and the pairings page."""
    query = _table_query(request)
    status, health, search, sort = query["status"], query["health"], query["q"], query["sort"]
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


def _dashboard_html(context: dict[str, Any]) -> dict[str, Any]:
    """The figures and the charts, rendered."""
    return {
        "figures_html": render_to_string("oversight/cohorts/_figures.html", context),
        "charts_html": SafeString("".join(chart_figure_html(chart) for chart in context["charts"])),
    }


def _queue(cohort: Cohort, *, now: datetime, today: date) -> dict[str, Any]:
    """The queue, "Needs you now", and the latest matching."""
    return {
        "queue": health_queue_for_admin(cohort=cohort, now=now, today=today),
        "pauses_awaiting": pauses_awaiting_for_cohort(cohort=cohort),
        "waiting": mentees_waiting_for_cohort(cohort=cohort),
        "latest_run": cohort.match_runs.first(),
    }


def _page_computed(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date, tz: ZoneInfo
) -> HttpResponse:
    """Everything computed and rendered for this request (no shared cache, or it is off)."""
    context = pairing_table_context(request, cohort, now=now, today=today)
    if not wants_table_only(request):
        dashboard = _dashboard(cohort, now=now, today=today, tz=tz)
        context |= dashboard | _dashboard_html(dashboard) | _queue(cohort, now=now, today=today)
        context["exports"] = EXPORTS
    return render_table(request, "oversight/cohorts/detail.html", context)


# --- the page from the shared cache (oversight/live.py) ---------------------------------------
# What is kept serves every admin of the cohort who sees it in the same zone, on the same day, in
# the same language (and for the table, with the same query): so nothing of one viewer is kept.
# Their CSRF token and the page's address (the queue's "Snooze" links come back to it) are
# stand-ins, random for each value computed, that each request's own replace.

_FULL_PATH = engines["django"].from_string(
    # The expression _snooze_form.html writes (it has no `next` on this page), for a viewer's own.
    "{% autoescape off %}{% firstof request.get_full_path as back %}{% endautoescape %}"
    "{{ back|urlencode }}"
)


class _AnyViewer:
    """The request as the cached parts see it: its path (part of the table's key), and a
    stand-in for its full path."""

    def __init__(self, path: str, full_path: str) -> None:
        self.path = path
        self._full_path = full_path

    def get_full_path(self) -> str:
        return self._full_path


def _stand_ins() -> dict[str, str]:
    """Letters and digits only, so that escaping and URL-quoting leave them as they are."""
    return {
        "csrf_token": f"csrf{secrets.token_hex(16)}",
        "full_path": f"path{secrets.token_hex(16)}",
    }


def _cached_context(request: HttpRequest, stand_ins: dict[str, str]) -> dict[str, Any]:
    return {
        "request": _AnyViewer(request.path, stand_ins["full_path"]),
        "csrf_token": stand_ins["csrf_token"],
    }


def _for_viewer(request: HttpRequest, html: str, stand_ins: dict[str, str]) -> str:
    """Cached HTML with this viewer's own CSRF token and page address in place of the
    stand-ins."""
    if stand_ins["csrf_token"] in html:
        html = html.replace(stand_ins["csrf_token"], get_token(request))
    if stand_ins["full_path"] in html:
        html = html.replace(stand_ins["full_path"], _FULL_PATH.render({"request": request}))
    return mark_safe(html)  # noqa: S308 - rendered templates, with a token and a quoted path


def _page_part(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date, tz: ZoneInfo
) -> dict[str, Any]:
    """The figures, the charts, the latest matching and the queue, rendered for any viewer."""
    seconds = figures_cache_seconds()
    dashboard = _dashboard(cohort, now=now, today=today, tz=tz)
    dashboard |= {"figures_as_of": now, "figures_every": seconds}
    stand_ins = _stand_ins()
    queue = _queue(cohort, now=now, today=today)
    queue |= {"cohort": cohort, "today": today, "table_id": TABLE_ID}
    queue |= _cached_context(request, stand_ins)
    return {
        "as_of": now,
        "stand_ins": stand_ins,
        "figures": dashboard["figures"],
        "charts": dashboard["charts"],
        **_dashboard_html(dashboard),
        "latest_run_html": render_to_string("oversight/cohorts/_latest_run.html", queue),
        "queue_html": render_to_string("oversight/cohorts/_queue.html", queue),
    }


def _table_part(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date
) -> dict[str, Any]:
    """The pairings table as the query string asks for it, rendered for any viewer."""
    stand_ins = _stand_ins()
    context = pairing_table_context(request, cohort, now=now, today=today)
    context |= _cached_context(request, stand_ins)
    return {
        "as_of": now,
        "stand_ins": stand_ins,
        "table_html": render_to_string("oversight/cohorts/_pairings_table.html", context),
    }


def _table_key(request: HttpRequest) -> str:
    """All the table's HTML depends on besides the cohort, day, zone and language: its filters
    and sort made valid, the page asked for as Paginator.get_page reads it, and the page's path.
    The table alone (htmx) and the table in the page are the same HTML, so they share it."""
    page = request.GET.get("page")
    try:
        page = str(int(page))  # what get_page does with it; anything else is page 1
    except (TypeError, ValueError):
        page = ""
    query = urlencode({**_table_query(request), "page": page, "path": request.path})
    return hashlib.sha256(query.encode()).hexdigest()[:32]


def _table_entry(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date
) -> tuple[str, Any]:
    """The table as a part of oversight.live.cohort_page_cached: its key and how to compute it."""
    return _table_key(request), lambda: _table_part(request, cohort, now=now, today=today)


def _page_cached(
    request: HttpRequest, cohort: Cohort, *, now: datetime, today: date, tz: ZoneInfo
) -> HttpResponse:
    """The page with its cohort-wide parts from the shared cache (oversight/live.py), or the
    table alone when htmx asks."""
    table_only = wants_table_only(request)
    parts = (
        {}
        if table_only
        else {"page": ("", lambda: _page_part(request, cohort, now=now, today=today, tz=tz))}
    )
    parts["table"] = _table_entry(request, cohort, now=now, today=today)
    found = cohort_page_cached(cohort_id=cohort.pk, now=now, today=today, tz=tz, parts=parts)
    table = found["table"]
    table_html = _for_viewer(request, table["table_html"], table["stand_ins"])
    if table_only:
        response = HttpResponse(table_html)
    else:
        page = found["page"]
        context = {
            "cohort": cohort,
            "cached": True,
            "now": now,
            "figures": page["figures"],
            "charts": page["charts"],
            "figures_html": page["figures_html"],
            "charts_html": page["charts_html"],
            "latest_run_html": page["latest_run_html"],
            "queue_html": _for_viewer(request, page["queue_html"], page["stand_ins"]),
            "table_html": table_html,
            "exports": EXPORTS,
        }
        response = render(request, "oversight/cohorts/detail.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def pairings_page(request: HttpRequest, cohort: Cohort) -> HttpResponse:
    """The cohort's pairings page (oversight.views.cohort_pairings): the same table, from the
    shared cache as on the cohort page (its own entry: the table's links keep its address), with
    the time it was computed; or computed for this request without the cache."""
    now, tz = timezone.now(), request.user.zoneinfo
    today = timezone.localdate(now, tz)
    if not figures_cached():
        context = pairing_table_context(request, cohort, now=now, today=today)
        return render_table(request, "oversight/cohorts/pairings.html", context)
    parts = {"table": _table_entry(request, cohort, now=now, today=today)}
    table = cohort_page_cached(cohort_id=cohort.pk, now=now, today=today, tz=tz, parts=parts)[
        "table"
    ]
    table_html = _for_viewer(request, table["table_html"], table["stand_ins"])
    if wants_table_only(request):
        response = HttpResponse(table_html)
    else:
        context = {
            "cohort": cohort,
            "cached": True,
            "table_html": table_html,
            "table_as_of": table["as_of"],
            "table_every": figures_cache_seconds(),
        }
        response = render(request, "oversight/cohorts/pairings.html", context)
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


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
    if figures_cached():
        return _page_cached(request, cohort, now=now, today=today, tz=tz)
    return _page_computed(request, cohort, now=now, today=today, tz=tz)


@programme_admin_required
@require_GET
def cohort_report_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The end-of-cohort report: figures, charts and every pairing on one printable page."""
    cohort = cohort_get_for_report(user=request.user, cohort_id=cohort_id)
    now, tz = timezone.now(), request.user.zoneinfo
    today = timezone.localdate(now, tz)
    pairings = pairing_report_rows_for_cohort(cohort=cohort, now=now)
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
