"""The admins' matching page: run, review, lock / forbid / swap, re-run, publish."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.decorators import programme_admin_required
from matching.forms.match_runs import PairForm
from matching.models import MatchRun, PairConstraint
from matching.selectors.match_runs import (
    cohort_get_for_match_page,
    cohort_people_by_role,
    constraints_by_pair,
    criteria_labels,
    criteria_percents,
    match_pair_score,
    match_run_current,
    proposed_pairs_page,
    unmatched_people,
)
from matching.services.match_runs import (
    match_run_create,
    match_run_publish,
    pair_constraint_remove,
    pair_constraint_set,
)
from mentoring.errors import DomainError
from pairings.models import Pairing
from programmes.selectors import cohort_get_for_admin

PAGE_SIZE = 50


@programme_admin_required
def match_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_match_page(user=request.user, cohort_id=cohort_id)
    run = match_run_current(cohort=cohort)
    labels = criteria_labels(cohort=cohort)
    context = {"cohort": cohort, "run": run, "criteria": labels}
    if run:
        page = proposed_pairs_page(run=run, per_page=PAGE_SIZE, number=request.GET.get("page"))
        constraints = constraints_by_pair(cohort=cohort)
        for pair in page.object_list:
            pair.constraint = constraints.get((pair.mentee_id, pair.mentor_id))
            pair.percents = criteria_percents(pair.criteria, labels)
        left_out = unmatched_people(run=run)
        people, unanswered = cohort_people_by_role(cohort=cohort)
        context.update(
            page=page,
            unmatched=[row for row in left_out if row["role"] == "mentee"],
            places_left=[row for row in left_out if row["role"] == "mentor"],
            unanswered=unanswered,
            # "Pick a mentor by hand" on the cohort page comes with the waiting mentee chosen.
            pair_form=PairForm(
                cohort=cohort, people=people, initial={"mentee": request.GET.get("mentee")}
            ),
        )
    return render(request, "matching/match/review.html", context)


@programme_admin_required
@require_POST
def match_run_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    try:
        run = match_run_create(cohort=cohort, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Matching done: %(matched)s of %(total)s mentees matched.")
            % {"matched": run.matched_count, "total": run.mentee_count},
        )
    return redirect("matching:match", cohort_id=cohort.pk)


@programme_admin_required
@require_POST
def match_pair_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Lock, forbid or free one pair; the next run keeps to it."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = PairForm(request.POST, cohort=cohort)
    if not form.is_valid() or not form.cleaned_data["action"]:
        messages.error(request, _("Choose a mentee and a mentor of this cohort."))
        return redirect("matching:match", cohort_id=cohort.pk)
    mentee, mentor, action = (form.cleaned_data[k] for k in ("mentee", "mentor", "action"))
    if action == "remove":
        pair_constraint_remove(cohort=cohort, mentee=mentee, mentor=mentor)
        messages.success(request, _("Done. Run matching again to apply it."))
    else:
        pair_constraint_set(
            cohort=cohort, mentee=mentee, mentor=mentor, kind=action, by=request.user
        )
        text = (
            _("%(mentee)s is locked to %(mentor)s.")
            if action == PairConstraint.Kind.LOCK
            else _("%(mentee)s will never be proposed to %(mentor)s.")
        )
        messages.success(
            request,
            (text % {"mentee": mentee.name, "mentor": mentor.name})
            + " "
            + _("Run matching again to apply it."),
        )
    return redirect("matching:match", cohort_id=cohort.pk)


@programme_admin_required
def match_swap_preview_view(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """How a mentee and another mentor would score (an htmx partial on the review page)."""
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    form = PairForm(request.GET, cohort=cohort)
    labels = criteria_labels(cohort=cohort)
    score = None
    if form.is_valid():
        score = match_pair_score(
            cohort=cohort,
            mentee_id=form.cleaned_data["mentee"].pk,
            mentor_id=form.cleaned_data["mentor"].pk,
        )
    return render(
        request,
        "matching/match/_swap_preview.html",
        {
            "score": score,
            "percents": zip(labels.values(), criteria_percents(score.criteria, labels), strict=True)
            if score
            else [],
        },
    )


def publish_message(proposed: list[Pairing]) -> str:
    """What publishing did, with each count right: proposals and the mentors they go to (a
    mentor with two places may get two)."""
    mentors = len({pairing.mentor_id for pairing in proposed})
    if not proposed:
        return _("Published: no new proposals; the pairs already proposed or active stay.")
    proposals = ngettext(
        "Published: %(count)s new proposal.",
        "Published: %(count)s new proposals.",
        len(proposed),
    ) % {"count": len(proposed)}
    asked = ngettext(
        "%(count)s mentor is asked by email to accept or decline.",
        "%(count)s mentors are asked by email to accept or decline.",
        mentors,
    ) % {"count": mentors}
    return f"{proposals} {asked}"


@programme_admin_required
@require_POST
def match_publish_view(request: HttpRequest, cohort_id: int, run_id: int) -> HttpResponse:
    cohort = cohort_get_for_admin(user=request.user, cohort_id=cohort_id)
    run = get_object_or_404(MatchRun, cohort=cohort, pk=run_id)
    try:
        proposed = match_run_publish(run=run)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("matching:match", cohort_id=cohort.pk)
    messages.success(request, publish_message(proposed))
    return redirect("oversight:cohort_pairings", cohort_id=cohort.pk)


urlpatterns = [
    path("cohorts/<int:cohort_id>/matching/", match_view, name="match"),
    path("cohorts/<int:cohort_id>/matching/run/", match_run_view, name="match_run"),
    path("cohorts/<int:cohort_id>/matching/pair/", match_pair_view, name="match_pair"),
    path(
        "cohorts/<int:cohort_id>/matching/preview/",
        match_swap_preview_view,
        name="match_swap_preview",
    ),
    path(
        "cohorts/<int:cohort_id>/matching/<int:run_id>/publish/",
        match_publish_view,
        name="match_publish",
    ),
]
