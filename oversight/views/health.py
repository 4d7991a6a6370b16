"""Snoozing a pairing's health flag: cohort admins only (anyone else gets 404).

Every action works without JavaScript (a page with the form; success goes back to where the
admin came from). With htmx, each answers the pairing's snooze partial
(templates/programmes/health/_snooze_form.html), which the cohort page also includes, and
after a change triggers `pairing-health-changed` on the page, so other parts may refresh.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from mentoring.htmx import is_htmx
from oversight.forms.health import SnoozeForm
from oversight.services.health import (
    HealthSnoozeRefused,
    pairing_health_snooze,
    pairing_health_unsnooze,
)
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_admin

PARTIAL = "oversight/health/_snooze_form.html"


def _next_url(request: HttpRequest, pairing: Pairing) -> str:
    """Back where the admin came from (same site only), else the cohort's page."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("oversight:cohort_detail", args=[pairing.cohort_id])


def _with_health(pairing: Pairing) -> Pairing:
    """The pairing again, with its health and who snoozed it, as they are now."""
    return Pairing.objects.select_related("cohort", "mentor", "mentee", "health__snoozed_by").get(
        pk=pairing.pk
    )


def _render(
    request: HttpRequest,
    pairing: Pairing,
    *,
    form: SnoozeForm | None = None,
    error: str | None = None,
    changed: bool = False,
) -> HttpResponse:
    context = {
        "pairing": _with_health(pairing),
        "form": form,
        "error": error,
        "next": _next_url(request, pairing),
    }
    if is_htmx(request):
        # 200 even for a refused form: htmx 2 does not swap error responses.
        response = render(request, PARTIAL, context)
        if changed:
            response["HX-Trigger"] = "pairing-health-changed"
        return response
    return render(request, "oversight/health/snooze.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def pairing_health_snooze_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """GET: the form (with htmx, in place of the "Snooze" button). POST: snooze the flag."""
    pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
    today = timezone.localdate()  # the admin's own date (accounts.middleware)
    form = SnoozeForm(request.POST or None, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            health = pairing_health_snooze(
                pairing=pairing, by=request.user, today=today, **form.cleaned_data
            )
        except HealthSnoozeRefused as exc:
            form.add_error(exc.field, exc.message)
        else:
            if is_htmx(request):
                return _render(request, pairing, changed=True)
            messages.success(
                request,
                _("Flag snoozed until %(day)s.") % {"day": date_format(health.snoozed_until)},
            )
            return redirect(_next_url(request, pairing))
    return _render(request, pairing, form=form)


@login_required
@require_POST
def pairing_health_unsnooze_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    """End the snooze now: the flag shows again."""
    pairing = pairing_get_for_admin(user=request.user, pairing_id=pairing_id)
    try:
        pairing_health_unsnooze(pairing=pairing, by=request.user)
    except HealthSnoozeRefused as exc:
        if is_htmx(request):
            return _render(request, pairing, error=exc.message)
        messages.error(request, exc.message)
    else:
        if is_htmx(request):
            return _render(request, pairing, changed=True)
        messages.success(request, _("The flag shows again."))
    return redirect(_next_url(request, pairing))


urlpatterns = [
    path(
        "pairings/<int:pairing_id>/health/snooze/",
        pairing_health_snooze_view,
        name="pairing_health_snooze",
    ),
    path(
        "pairings/<int:pairing_id>/health/unsnooze/",
        pairing_health_unsnooze_view,
        name="pairing_health_unsnooze",
    ),
]
