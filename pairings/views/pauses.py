"""Planned pauses: a partner plans one or ends it (back to the pairing page); a cohort's admin
agrees to, or declines, one longer than the cohort's limit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts.decorators import programme_admin_required
from pairings.forms.pauses import PauseDecisionForm, PauseForm
from pairings.models import Pairing, PairingPause
from pairings.selectors import pairing_get_for_user
from pairings.selectors.pauses import (
    pause_get_for_admin,
    pause_get_for_partner,
    pauses_awaiting_for_admin,
)
from pairings.services.pauses import PauseRefused, pause_decide, pause_declare, pause_end


@login_required
@require_http_methods(["GET", "POST"])
def pause_declare_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """POST: plan the pause, back to the pairing page. GET, or a refused form: the pairing's
    pauses and the form on a page of their own, with what was typed and why it was refused."""
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    today = timezone.localdate()  # the person's own date (accounts.middleware)
    form = PauseForm(request.POST or None, today=today, max_days=pairing.cohort.pause_max_days)
    if request.method == "POST" and form.is_valid():
        try:
            pause = pause_declare(
                pairing=pairing, by=request.user, today=today, **form.cleaned_data
            )
        except PauseRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            names = {
                "start": date_format(pause.starts_on, "j F Y"),
                "end": date_format(pause.ends_on, "j F Y"),
                "partner": pairing.partner_of(request.user).name,
            }
            if pause.status == PairingPause.Status.AWAITING:
                messages.success(
                    request,
                    _(
                        "Pause from %(start)s until %(end)s planned. It is longer than the "
                        "cohort's limit, so it waits for the programme team's agreement; "
                        "%(partner)s is told."
                    )
                    % names,
                )
            else:
                messages.success(
                    request,
                    _("Pause from %(start)s until %(end)s planned; %(partner)s is told.") % names,
                )
            return redirect("home:pairing_detail", pairing_id=pairing.pk)
    return render(request, "pairings/pauses/declare.html", {"pairing": pairing, "form": form})


@login_required
@require_POST
def pause_end_view(request: HttpRequest, pause_id: int) -> HttpResponse:
    """End a running pause now, or withdraw one that has not started."""
    pause = pause_get_for_partner(user=request.user, pause_id=pause_id)
    try:
        pause = pause_end(pause=pause, by=request.user, today=timezone.localdate())
    except PauseRefused as exc:
        messages.error(request, exc.message)
    else:
        if pause.status == PairingPause.Status.WITHDRAWN:
            messages.success(request, _("The pause is withdrawn."))
        else:
            messages.success(
                request,
                _("The pause is over: its last day was %(day)s.")
                % {"day": date_format(pause.ends_on, "j F Y")},
            )
    return redirect("home:pairing_detail", pairing_id=pause.pairing_id)


@programme_admin_required
@require_http_methods(["GET", "POST"])
def pause_decide_view(request: HttpRequest, pause_id: int) -> HttpResponse:
    """GET: the pause, the pair, its length against the cohort's limit. POST: agree or
    decline (the button's `decision`), with an optional note for the partners."""
    pause = pause_get_for_admin(user=request.user, pause_id=pause_id)
    form = PauseDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decision = request.POST.get("decision")
        if decision not in ("agree", "decline"):
            form.add_error(None, _("Choose to agree or to decline."))
        else:
            try:
                pause_decide(
                    pause=pause,
                    by=request.user,
                    agree=decision == "agree",
                    note=form.cleaned_data["note"],
                )
            except PauseRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("You agreed to the pause; both partners are told.")
                    if decision == "agree"
                    else _("You declined the pause; both partners are told."),
                )
                return redirect("pairings:pause_decide", pause_id=pause.pk)
    return render(
        request,
        "pairings/pauses/decide.html",
        {
            "pause": pause,
            "pairing": pause.pairing,
            "form": form,
            "open": pause.status == PairingPause.Status.AWAITING
            and pause.pairing.status == Pairing.Status.ACTIVE,
            "over_by": pause.days - pause.pairing.cohort.pause_max_days,
        },
    )


@programme_admin_required
def pause_awaiting_view(request: HttpRequest) -> HttpResponse:
    """The pauses in the admin's cohorts that wait for an agreement."""
    return render(
        request,
        "pairings/pauses/awaiting.html",
        {"pauses": pauses_awaiting_for_admin(user=request.user)},
    )


urlpatterns = [
    path("pairings/<int:pairing_id>/pauses/new/", pause_declare_view, name="pause_declare"),
    path("pairings/pauses/<int:pause_id>/end/", pause_end_view, name="pause_end"),
    path("pairings/pauses/<int:pause_id>/decision/", pause_decide_view, name="pause_decide"),
    path("pairings/pauses/awaiting/", pause_awaiting_view, name="pause_awaiting"),
]
