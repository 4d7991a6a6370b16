"""Reads for the matching review page."""

from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from matching import engine as matching
from matching.models import MatchRun, PairConstraint, ProposedPair
from matching.services.participants import (
    answer_labels_for_cohort,
    constraints_for_cohort,
    pair_for_cohort,
    weights_for_cohort,
)
from pairings.models import Pairing
from programmes.models import Cohort, ParticipantRole

CRITERIA_LABELS = {
    "field": _("Field"),
    "goals": _("Goals"),
    "timezone": _("Hours"),
    "seniority": _("Seniority"),
    "channels": _("Channels"),
    "preference": _("Choice"),
}


def match_run_current(*, cohort: Cohort) -> MatchRun | None:
    """The run an admin works on: the latest draft, else the latest published one."""
    runs = cohort.match_runs.exclude(status=MatchRun.Status.SUPERSEDED)
    drafts_first = Case(When(status=MatchRun.Status.DRAFT, then=Value(0)), default=Value(1))
    return runs.order_by(drafts_first, "-created_at").first()  # one query, not two


def proposed_pairs(*, run: MatchRun) -> QuerySet[ProposedPair]:
    """Lowest score first: the pairs an admin should look at before publishing. Each carries
    `pairing_status`: what became of it once published (a mentor may have declined), or None."""
    pairing = Pairing.objects.filter(
        cohort_id=run.cohort_id, mentee=OuterRef("mentee_id"), mentor=OuterRef("mentor_id")
    ).order_by("-created_at", "-pk")
    return (
        run.pairs.select_related("mentee", "mentor")
        .only(  # with "run": the related manager gives each row its run, by that id
            "run", "score", "criteria", "locked", *_name_fields("mentee"), *_name_fields("mentor")
        )
        .annotate(pairing_status=Subquery(pairing.values("status")[:1]))
        .order_by("score", "pk")
    )


def _name_fields(person: str) -> tuple[str, str]:
    """What User.name (and str()) reads of the person: the page shows nothing else of them, so
    their other columns are neither compiled nor read."""
    return (f"{person}__display_name", f"{person}__email")


def unmatched_people(*, run: MatchRun) -> list[dict]:
    """The run's unmatched people with their user loaded, mentees first (one query)."""
    users = User.objects.only("display_name", "email").in_bulk(
        [row["person_id"] for row in run.unmatched]
    )
    rows = [{**row, "user": users.get(row["person_id"])} for row in run.unmatched]
    return sorted(rows, key=lambda row: (row["role"] != "mentee", str(row["user"])))


def cohort_people_by_role(*, cohort: Cohort) -> tuple[dict[str, list[User]], int]:
    """The cohort's people by role, by name (as PairForm lists them), and how many of them
    have not answered its questions: one query."""
    enrolments = (
        cohort.enrolments.select_related("user")
        .only("cohort", "role", "answered_at", *_name_fields("user"))  # "cohort": as "run" above
        .order_by("user__display_name", "user__email", "pk")
    )
    people: dict[str, list[User]] = {role: [] for role in ParticipantRole.values}
    unanswered = 0
    for enrolment in enrolments:
        people[enrolment.role].append(enrolment.user)
        unanswered += enrolment.answered_at is None
    return people, unanswered


def constraints_by_pair(*, cohort: Cohort) -> dict[tuple[int, int], str]:
    return {
        (mentee, mentor): kind
        for mentee, mentor, kind in PairConstraint.objects.filter(cohort=cohort).values_list(
            "mentee_id", "mentor_id", "kind"
        )
    }


def match_pair_score(
    *, cohort: Cohort, mentee_id: int, mentor_id: int
) -> matching.PairScore | None:
    """How the pair would score in the cohort, and why it is excluded if it is; None unless one
    is a mentee and the other a mentor in it."""
    pair = pair_for_cohort(cohort=cohort, mentee_id=mentee_id, mentor_id=mentor_id)
    if pair is None:
        return None
    excluded, _locked = constraints_for_cohort(cohort=cohort)
    return matching.score_pair(
        *pair, weights_for_cohort(cohort=cohort), excluded=excluded, reference=cohort.starts_on
    )


def criteria_labels(*, cohort: Cohort) -> dict[str, str]:
    """The cohort's criteria with their column names: CRITERIA_LABELS, then one "same answer"
    criterion per choice question that counts in its matching."""
    answers = answer_labels_for_cohort(cohort=cohort)
    return {
        **CRITERIA_LABELS,
        **{key: _("Same answer: %(question)s") % {"question": q} for key, q in answers.items()},
    }


def criteria_percents(
    criteria: dict[str, float], labels: dict[str, str] | None = None
) -> list[int]:
    """Each criterion as a whole percentage, in the order of `labels` (CRITERIA_LABELS)."""
    return [round(100 * criteria.get(key, 0.0)) for key in (labels or CRITERIA_LABELS)]
