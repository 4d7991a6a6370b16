"""Pairing pages: mine (as mentor or mentee), one pairing, and the admins' cohort table."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_admin_required
from mentoring.errors import DomainError
from pairings.forms.pairings import CloseForm, DeclineForm
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_admin, pairing_get_for_user
from pairings.selectors.pairings import pairings_as_mentee, pairings_as_mentor
from pairings.services.pairings import pairing_accept, pairing_close, pairing_decline


@login_required
def pairing_list_view(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "pairings/pairings/list.html",
        {
            "as_mentor": pairings_as_mentor(user=request.user),
            "as_mentee": pairings_as_mentee(user=request.user),
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
    return redirect("home:pairing_detail", pairing_id=pairing.pk)


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
    return redirect("home:pairing_detail", pairing_id=pairing.pk)


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
    return render(request, "pairings/pairings/close.html", {"form": form, "pairing": pairing})


@login_required
@require_http_methods(["GET", "POST"])
def pairing_close_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    return _close(request, pairing, done_url=reverse("home:pairing_detail", args=[pairing.pk]))


@programme_admin_required
@require_http_methods(["GET", "POST"])
def pairing_admin_close_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
    done_url = reverse("oversight:cohort_pairings", args=[pairing.cohort_id])
    return _close(request, pairing, done_url=done_url)


urlpatterns = [
    path("pairings/", pairing_list_view, name="pairing_list"),
    path("pairings/<int:pairing_id>/accept/", pairing_accept_view, name="pairing_accept"),
    path("pairings/<int:pairing_id>/decline/", pairing_decline_view, name="pairing_decline"),
    path("pairings/<int:pairing_id>/close/", pairing_close_view, name="pairing_close"),
    path(
        "pairings/<int:pairing_id>/close-as-admin/",
        pairing_admin_close_view,
        name="pairing_admin_close",
    ),
]
