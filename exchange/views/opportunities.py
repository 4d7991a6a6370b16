"""Opportunities: a mentor passes one on, mentees answer interested / not for me, and an event
goes into a calendar. Only its mentor and its recipients see one; anyone else gets 404."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import profile_for_user
from exchange.forms.opportunities import OpportunityForm
from exchange.ics import opportunity_calendar
from exchange.selectors.opportunities import (
    opportunities_sent_by,
    opportunity_get_for_user,
    opportunity_recipients_of,
    opportunity_row_get_for_mentee,
    opportunity_rows_for_mentee,
    pairings_to_share_with,
)
from exchange.services.opportunities import opportunity_respond, opportunity_share
from mentoring.errors import DomainError
from mentoring.htmx import is_htmx
from mentoring.paging import page_of
from sessions_app.ics import PUBLISH, content_type_for

PAGE_SIZE = 20
SENT, RECEIVED = "sent", "received"


def _next_url(request: HttpRequest) -> str | None:
    """Where the answer form was (a page of this site only)."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return None


@login_required
def opportunity_list_view(request: HttpRequest) -> HttpResponse:
    """A mentor's sent opportunities with each mentee's answer; a mentee's received ones. A
    person who is both switches with ?show=sent|received."""
    profile = profile_for_user(user=request.user)
    show = request.GET.get("show")
    if show not in (SENT, RECEIVED):
        show = SENT if profile.is_mentor else RECEIVED
    if show == SENT:
        items = opportunities_sent_by(mentor=request.user)
    else:
        items = opportunity_rows_for_mentee(mentee=request.user)
    page = page_of(items, PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "exchange/opportunities/list.html",
        {
            "page": page,
            "show": show,
            "query": f"show={show}",
            "both_roles": profile.is_mentor and profile.is_mentee,
            "is_mentor": profile.is_mentor,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def opportunity_new_view(request: HttpRequest) -> HttpResponse:
    pairings = pairings_to_share_with(mentor=request.user)
    rows = list(pairings)  # read once: whether there is anyone, and the list to choose from
    if not rows:
        return render(request, "exchange/opportunities/no_mentees.html")
    form = OpportunityForm(
        request.POST or None, zone=request.user.zoneinfo, pairings=pairings, rows=rows
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            opportunity = opportunity_share(
                mentor=request.user,
                kind=data["kind"],
                title=data["title"],
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                location=data["location"],
                url=data["url"],
                note=data["note"],
                pairings=data["pairings"],
            )
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            names = [pairing.mentee.name for pairing in data["pairings"]]
            messages.success(
                request,
                _("Passed on to %(names)s.") % {"names": get_text_list(names, _("and"))},
            )
            return redirect("exchange:opportunity_detail", opportunity_id=opportunity.pk)
    return render(request, "exchange/opportunities/new.html", {"form": form})


@login_required
def opportunity_detail_view(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    opportunity = opportunity_get_for_user(user=request.user, opportunity_id=opportunity_id)
    context: dict = {"opportunity": opportunity}
    if opportunity.mentor_id == request.user.pk:
        context["recipients"] = opportunity_recipients_of(opportunity=opportunity)
    else:
        context["row"] = opportunity_row_get_for_mentee(
            user=request.user, opportunity_id=opportunity.pk
        )
    return render(request, "exchange/opportunities/detail.html", context)


@login_required
@require_POST
def opportunity_respond_view(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """The mentee's answer. With htmx: the answer buttons again; without: back to the page."""
    row = opportunity_row_get_for_mentee(user=request.user, opportunity_id=opportunity_id)
    error = None
    try:
        opportunity_respond(
            recipient_row=row, by=request.user, response=request.POST.get("response", "")
        )
    except DomainError as exc:
        error = exc.message
    next_url = _next_url(request)
    if is_htmx(request):
        return render(
            request,
            "exchange/_partials/opportunity_answer.html",
            {
                "row": row,
                "error": error,
                "next": next_url or reverse("exchange:opportunity_detail", args=[opportunity_id]),
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            _("Your answer is saved: %(answer)s.") % {"answer": row.get_response_display()},
        )
    if next_url:
        return redirect(next_url)
    return redirect("exchange:opportunity_detail", opportunity_id=opportunity_id)


@login_required
def opportunity_ics_view(request: HttpRequest, opportunity_id: int) -> HttpResponse:
    """The opportunity as a calendar file; only one with a start time has one."""
    opportunity = opportunity_get_for_user(user=request.user, opportunity_id=opportunity_id)
    if opportunity.starts_at is None:
        raise Http404("No time to put in a calendar.")
    response = HttpResponse(
        opportunity_calendar(opportunity).to_ical(), content_type=content_type_for(PUBLISH)
    )
    response["Content-Disposition"] = f'attachment; filename="opportunity-{opportunity.pk}.ics"'
    return response


urlpatterns = [
    path("opportunities/", opportunity_list_view, name="opportunity_list"),
    path("opportunities/new/", opportunity_new_view, name="opportunity_new"),
    path(
        "opportunities/<int:opportunity_id>/",
        opportunity_detail_view,
        name="opportunity_detail",
    ),
    path(
        "opportunities/<int:opportunity_id>/answer/",
        opportunity_respond_view,
        name="opportunity_respond",
    ),
    path(
        "opportunities/<int:opportunity_id>/calendar.ics",
        opportunity_ics_view,
        name="opportunity_ics",
    ),
]
