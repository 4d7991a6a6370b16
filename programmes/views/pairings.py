"""Pairing pages: mine (as mentor or mentee), one pairing, and the admins' cohort table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_admin_required
from mentoring.errors import DomainError

from ..forms.pairings import CloseForm, DeclineForm
from ..models import Pairing
from ..selectors import cohort_get_for_admin, pairing_get_for_admin, pairing_get_for_user
from ..selectors.agreements import agreement_summary_for
from ..selectors.goals import goals_overview_for
from ..selectors.match_runs import CRITERIA_LABELS, criteria_percents
from ..selectors.pairings import pairings_as_mentee, pairings_as_mentor
from ..services.pairings import pairing_accept, pairing_close, pairing_decline
from .cohorts import pairing_table_context, render_table


@login_required
def pairing_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "programmes/pairings/list.html",
        {
            "as_mentor": pairings_as_mentor(user=request.user),
            "as_mentee": pairings_as_mentee(user=request.user),
        },
    )


@login_required
def pairing_detail_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    partner = pairing.partner_of(request.user)
    # Only what counted for them: a 0% "choice" reads as "you did not choose them".
    why = [
        (label, percent)
        for label, percent in zip(
            CRITERIA_LABELS.values(), criteria_percents(pairing.criteria), strict=True
        )
        if percent > 0
    ]
    return render(
        request,
        "programmes/pairings/detail.html",
        {
            "pairing": pairing,
            "partner": partner,
            "is_mentor": request.user.pk == pairing.mentor_id,
            "why": why if pairing.criteria else [],
            "decline_form": DeclineForm(),
            "agreement_summary": agreement_summary_for(pairing=pairing, viewer=request.user),
            "goals": (
                goals_overview_for(pairing=pairing, now=timezone.now(), tz=request.user.zoneinfo)
                if pairing.status in (Pairing.Status.ACTIVE, Pairing.Status.CLOSED)
                else None
            ),
        },
    )


@login_required
@require_POST
def pairing_accept_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    try:
        pairing_accept(pairing=pairing, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You are now mentoring %(name)s. Next: agree how to keep in touch.")
            % {"name": pairing.mentee.name},
        )
    return redirect("programmes:pairing_detail", pairing_id=pairing.pk)


@login_required
@require_POST
def pairing_decline_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            pairing_decline(pairing=pairing, by=request.user, note=form.cleaned_data["note"])
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Declined. The programme team will find another match."))
    return redirect("programmes:pairing_detail", pairing_id=pairing.pk)


def _close(request: HttpRequest, pairing: Pairing, *, done_url: str) -> HttpResponse:
    form = CloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            pairing_close(pairing=pairing, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The pairing is closed."))
            return redirect(done_url)
    return render(request, "programmes/pairings/close.html", {"form": form, "pairing": pairing})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_close_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    return _close(
        request, pairing, done_url=reverse("programmes:pairing_detail", args=[pairing.pk])
    )


@programme_admin_required
@require_http_methods(["GET", "POST"])
def pairing_admin_close_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
    done_url = reverse("programmes:cohort_pairings", args=[pairing.cohort_id])
    return _close(request, pairing, done_url=done_url)


@programme_admin_required
def cohort_pairings_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """The cohort's pairings table on its own page (the cohort page shows the same table)."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    now = timezone.now()
    today = timezone.localdate(now, request.user.zoneinfo)
    context = pairing_table_context(request, cohort, now=now, today=today)
    return render_table(request, "programmes/pairings/cohort_table.html", context)


urlpatterns = [
    path("pairings/", pairing_list_view, name="pairing_list"),
    path("pairings/<int:pairing_id>/", pairing_detail_view, name="pairing_detail"),
    path("pairings/<int:pairing_id>/accept/", pairing_accept_view, name="pairing_accept"),
    path("pairings/<int:pairing_id>/decline/", pairing_decline_view, name="pairing_decline"),
    path("pairings/<int:pairing_id>/close/", pairing_close_view, name="pairing_close"),
    path(
        "pairings/<int:pairing_id>/close-as-admin/",
        pairing_admin_close_view,
        name="pairing_admin_close",
    ),
    path("cohorts/<int:cohort_id>/pairings/", cohort_pairings_view, name="cohort_pairings"),
]
