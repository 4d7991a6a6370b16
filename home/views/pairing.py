"""The pairing's own page: the pair, their agreement, goals and why they were matched."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from goals.selectors import goals_overview_for
from matching.selectors.match_runs import criteria_labels, criteria_percents
from pairings.forms.pairings import DeclineForm
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user
from pairings.selectors.agreements import agreement_summary_for


@login_required
def pairing_detail_view(request: HttpRequest, pairing_id: int) -> HttpResponse:
    pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
    partner = pairing.partner_of(request.user)
    # Only what counted for them: a 0% "choice" reads as "you did not choose them".
    why = []
    if pairing.criteria:
        labels = criteria_labels(cohort=pairing.cohort)
        percents = criteria_percents(pairing.criteria, labels)
        why = [
            (label, percent)
            for label, percent in zip(labels.values(), percents, strict=True)
            if percent > 0
        ]
    return render(
        request,
        "home/pairing_detail.html",
        {
            "pairing": pairing,
            "partner": partner,
            "is_mentor": request.user.pk == pairing.mentor_id,
            "why": why,
            "decline_form": DeclineForm(),
            "agreement_summary": agreement_summary_for(pairing=pairing, viewer=request.user),
            "goals": (
                goals_overview_for(pairing=pairing, now=timezone.now(), tz=request.user.zoneinfo)
                if pairing.status in (Pairing.Status.ACTIVE, Pairing.Status.CLOSED)
                else None
            ),
        },
    )
