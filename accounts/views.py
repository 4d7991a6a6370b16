"""Landing, onboarding, dashboard and profile pages: HTTP glue around services."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from exchange.selectors.opportunities import opportunity_rows_for_mentee, with_answer_counts
from programmes.models import Pairing
from programmes.selectors.cohorts import enrolments_for_user
from programmes.selectors.pairings import pairings_as_mentee, pairings_as_mentor
from sessions_app.selectors.appointments import appointments_upcoming_for
from sessions_app.selectors.feedback import feedback_views_for, feedback_waiting_for

from .forms import AccountDeleteForm, ProfileForm
from .selectors import profile_for_user, user_data_export
from .services import profile_save, user_delete

UPCOMING_ON_DASHBOARD = 5
FEEDBACK_ON_DASHBOARD = 5
OPPORTUNITIES_ON_DASHBOARD = 3


def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("accounts:dashboard")
    return render(request, "home.html")


def _live_on_dashboard(pairings: QuerySet[Pairing], *, partner: str) -> QuerySet[Pairing]:
    """The live ones among `pairings`, with the partner and the cohort: the dashboard shows
    their names only, so not the profile the pairings page joins as well."""
    return (
        pairings.filter(status__in=Pairing.LIVE)
        .select_related(None)
        .select_related("cohort", partner)
    )


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    profile = profile_for_user(user=request.user)
    if profile.onboarded_at is None:
        return redirect("accounts:onboarding")
    # Each mentee's count of answered opportunities rides on the pairings query: no extra one.
    as_mentor = with_answer_counts(
        _live_on_dashboard(pairings_as_mentor(user=request.user), partner="mentee")
    )
    opportunity_answers = can_pass_on = None
    if profile.is_mentor:
        as_mentor = list(as_mentor)
        can_pass_on = any(pairing.status == Pairing.Status.ACTIVE for pairing in as_mentor)
        opportunity_answers = sum(pairing.opportunity_answers for pairing in as_mentor)
    now = timezone.now()
    # The prompts are the person's own rows: one query, and no cohort lookup.
    feedback_waiting = feedback_views_for(
        viewer=request.user,
        rows=feedback_waiting_for(user=request.user, now=now)[:FEEDBACK_ON_DASHBOARD],
        admin_cohort_ids=(),
    )
    return render(
        request,
        "accounts/dashboard.html",
        {
            "profile": profile,
            "missing": profile.missing_items(),
            "enrolments": enrolments_for_user(user=request.user)[:10],
            "as_mentor": as_mentor,
            "as_mentee": _live_on_dashboard(
                pairings_as_mentee(user=request.user), partner="mentor"
            ),
            # Lazy: only a mentee's dashboard asks for them (one query).
            "opportunities": opportunity_rows_for_mentee(mentee=request.user)[
                :OPPORTUNITIES_ON_DASHBOARD
            ],
            "can_pass_on": can_pass_on,
            "opportunity_answers": opportunity_answers,
            "upcoming": appointments_upcoming_for(user=request.user, now=now)[
                :UPCOMING_ON_DASHBOARD
            ],
            "feedback_waiting": feedback_waiting,
        },
    )


def _profile_form_view(request: HttpRequest, *, template: str, done_message: str) -> HttpResponse:
    user = request.user
    profile = profile_for_user(user=user)
    form = ProfileForm(request.POST or None, instance=profile, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        profile_save(
            user=user,
            profile=form.instance,
            role=data["role"],
            display_name=data["display_name"],
            tz=data["timezone"],
        )
        messages.success(request, done_message)
        return redirect("accounts:dashboard")
    return render(request, template, {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
def onboarding_view(request: HttpRequest) -> HttpResponse:
    if profile_for_user(user=request.user).onboarded_at is not None:
        return redirect("accounts:profile")
    return _profile_form_view(
        request,
        template="accounts/onboarding.html",
        done_message=_("Welcome aboard: your profile is ready."),
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile_edit_view(request: HttpRequest) -> HttpResponse:
    if profile_for_user(user=request.user).onboarded_at is None:
        return redirect("accounts:onboarding")
    return _profile_form_view(
        request, template="accounts/profile_edit.html", done_message=_("Profile saved.")
    )


@login_required
def profile_export_view(request: HttpRequest) -> HttpResponse:
    data = user_data_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="my-mentoring-data-{stamp}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def account_delete_view(request: HttpRequest) -> HttpResponse:
    form = AccountDeleteForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        user_delete(user=user)
        messages.success(request, _("Your account and profile are deleted."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})
