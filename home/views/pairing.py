"""The pairing's own page: the pair, their agreement, goals and why they were matched."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goals.selectors import goals_overview_for
from matching.selectors.match_runs import CRITERIA_LABELS, criteria_labels, criteria_percents
from pairings.forms.pairings import DeclineForm
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_page
from pairings.selectors.agreements import agreement_summary_for


def _why_paired(pairing: Pairing) -> list[tuple[str, int]]:
    """The criteria that counted for the pair, with their share. Only what counted: a 0%
    "choice" reads as "you did not choose them"."""
    if not pairing.criteria:
        return []
    if any(key not in CRITERIA_LABELS for key in pairing.criteria):
        labels = criteria_labels(cohort=pairing.cohort)  # and the cohort's "same answer" ones
    else:
        labels = CRITERIA_LABELS  # no need to ask for the cohort's questions
    percents = criteria_percents(pairing.criteria, labels)
    return [
        (label, percent)
        for label, percent in zip(labels.values(), percents, strict=True)
        if percent > 0
    ]


@login_required
def pairing_detail_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_page(user=request.user, pairing_id=pairing_id)
    partner = pairing.partner_of(request.user)
    return render(
        request,
        "home/pairing_detail.html",
        {
            "pairing": pairing,
            "partner": partner,
            "is_mentor": request.user.pk == pairing.mentor_id,
            "why": _why_paired(pairing),
            "decline_form": DeclineForm(),
            "agreement_summary": agreement_summary_for(pairing=pairing, viewer=request.user),
            "goals": (
                goals_overview_for(pairing=pairing, now=timezone.now(), tz=request.user.zoneinfo)
                if pairing.status in (Pairing.Status.ACTIVE, Pairing.Status.CLOSED)
                else None
            ),
        },
    )
