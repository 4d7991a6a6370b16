"""The pages that span every app: the front page and the personal dashboard."""

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.selectors import profile_for_user
from exchange.selectors.opportunities import opportunity_rows_for_mentee, with_answer_counts
from feedback.selectors import feedback_views_for, feedback_waiting_for
from mentoring.live import counters_cached
from pairings.models import Pairing
from pairings.selectors.pairings import pairings_as_mentee, pairings_as_mentor
from programmes.models import Enrolment
from programmes.selectors.cohorts import enrolments_for_user
from programmes.selectors.invites import invites_waiting_for
from sessions_app.selectors.appointments import appointments_upcoming_for

UPCOMING_ON_DASHBOARD = 5


FEEDBACK_ON_DASHBOARD = 5


OPPORTUNITIES_ON_DASHBOARD = 3
INVITATIONS_ON_DASHBOARD = 10
ENROLMENTS_ON_DASHBOARD = 10


def home_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home:dashboard")
    return render(request, "home.html")


# The columns of a person that User.name reads, by the relation's name.
_NAMES_OF = {
    relation: (f"{relation}__display_name", f"{relation}__email")
    for relation in ("mentor", "mentee")
}
# What exchange/_partials/opportunity_received.html shows of an opportunity.
_OPPORTUNITY_SHOWN = (
    "opportunity__kind",
    "opportunity__title",
    "opportunity__starts_at",
    "opportunity__ends_at",
    "opportunity__location",
    "opportunity__url",
    "opportunity__mentor__display_name",
    "opportunity__mentor__email",
)


def _live_on_dashboard(pairings: QuerySet[Pairing], *, partner: str) -> QuerySet[Pairing]:
    """The live ones among `pairings`, with the partner and the cohort: the dashboard shows
    their names only, so not the profile the pairings page joins as well, and of the three
    rows only the columns it shows (a cohort has some thirty)."""
    return (
        pairings.filter(status__in=Pairing.LIVE)
        .select_related(None)
        .select_related("cohort", partner)
        .only("status", "cohort__name", *_NAMES_OF[partner])
    )


def _enrolments_on_dashboard(*, user) -> QuerySet[Enrolment]:
    """The person's latest enrolments with the columns the dashboard shows."""
    return enrolments_for_user(user=user).only(
        "cohort_id",
        "role",
        "answered_at",
        "cohort__name",
        "cohort__matching_mode",
        "cohort__organisation__name",
    )[:ENROLMENTS_ON_DASHBOARD]


def _dashboard_lists(*, user, now, mentee: bool) -> dict[str, list]:
    """The dashboard's short lists: sessions to come, feedback waiting, invitations and (for a
    mentee) opportunities passed on. How many each holds is cached per person (mentoring/live.py,
    bumped by every write that can change one), so an empty list costs no query; all four are
    asked when the counters are not cached. Passing time only empties these lists: none fills
    without such a write."""
    # Upcoming sessions and opportunities with the columns their rows show (of some fifty).
    queries = {
        "upcoming": lambda: appointments_upcoming_for(user=user, now=now).only(
            "starts_at", "mode", *_NAMES_OF["mentor"], *_NAMES_OF["mentee"]
        )[:UPCOMING_ON_DASHBOARD],
        "feedback_waiting": lambda: feedback_waiting_for(user=user, now=now)[
            :FEEDBACK_ON_DASHBOARD
        ],
        "invitations": lambda: invites_waiting_for(user=user)[:INVITATIONS_ON_DASHBOARD],
        "opportunities": lambda: opportunity_rows_for_mentee(mentee=user).only(
            "response", "pairing__status", *_OPPORTUNITY_SHOWN
        )[:OPPORTUNITIES_ON_DASHBOARD],
    }
    if not mentee:
        queries["opportunities"] = list  # shown to mentees only
    fetched: dict[str, list] = {}

    def count() -> dict[str, int]:
        fetched.update((name, list(query())) for name, query in queries.items())
        return {name: len(rows) for name, rows in fetched.items()}

    counters = counters_cached(user_id=user.pk, compute=count)
    return {
        name: fetched[name] if name in fetched else list(query()) if counters.get(name) else []
        for name, query in queries.items()
    }


@login_required
def dashboard_view(request: HttpRequest) -> HttpResponse:
    profile = profile_for_user(user=request.user)
    if profile.onboarded_at is None:
        return redirect("accounts:onboarding")
    # Each mentee's count of answered opportunities rides on the pairings query: no extra one.
    # Mentees only (most people) have no such list: not even a query to build.
    as_mentor = opportunity_answers = can_pass_on = None
    if profile.is_mentor:
        as_mentor = list(
            with_answer_counts(
                _live_on_dashboard(pairings_as_mentor(user=request.user), partner="mentee")
            )
        )
        can_pass_on = any(pairing.status == Pairing.Status.ACTIVE for pairing in as_mentor)
        opportunity_answers = sum(pairing.opportunity_answers for pairing in as_mentor)
    now = timezone.now()
    lists = _dashboard_lists(user=request.user, now=now, mentee=profile.is_mentee)
    # The prompts are the person's own rows: no cohort lookup.
    feedback_waiting = feedback_views_for(
        viewer=request.user, rows=lists["feedback_waiting"], admin_cohort_ids=()
    )
    return render(
        request,
        "home/dashboard.html",
        {
            "profile": profile,
            # Asked once (a cache read each time): the page shows it in two places.
            "admin_links": request.user.shows_admin_links,
            "missing": profile.missing_items(),
            "enrolments": _enrolments_on_dashboard(user=request.user),
            "invitations": lists["invitations"],
            "as_mentor": as_mentor,
            "as_mentee": _live_on_dashboard(
                pairings_as_mentee(user=request.user), partner="mentor"
            ),
            "opportunities": lists["opportunities"],
            "can_pass_on": can_pass_on,
            "opportunity_answers": opportunity_answers,
            "upcoming": lists["upcoming"],
            "feedback_waiting": feedback_waiting,
        },
    )
