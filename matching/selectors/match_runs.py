"""Reads for the matching review page."""

from django.core.paginator import Page
from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.http import Http404
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
from mentoring.paging import page_of_first
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment, ParticipantRole
from programmes.selectors import cohorts_run_by

CRITERIA_LABELS = {
    "field": _("Field"),
    "goals": _("Goals"),
    "timezone": _("Hours"),
    "seniority": _("Seniority"),
    "channels": _("Channels"),
    "preference": _("Choice"),
}


_COHORT = PreparedQuery(
    # cohorts_run_by: what cohorts_for_admin gives a programme admin (the caller checked the
    # viewer is one); its person stands for the viewer by id alone (checked active).
    lambda *, user_id, cohort_id: cohorts_run_by(user=User(pk=user_id, is_active=True)).filter(
        pk=cohort_id
    ),
    "user_id",
    "cohort_id",
)


def cohort_get_for_match_page(*, user: User, cohort_id: int) -> Cohort:
    """programmes.selectors.cohort_get_for_admin for a programme admin (the view checked it):
    the same cohort, or 404, in a query compiled once (mentoring.prepared)."""
    if not user.is_programme_admin or not user.is_active:
        raise Http404
    found = _COHORT(user_id=user.pk, cohort_id=cohort_id)
    if not found:
        raise Http404
    return found[0]


def _match_runs_current(*, cohort_id: int) -> QuerySet[MatchRun]:
    runs = MatchRun.objects.filter(cohort_id=cohort_id).exclude(status=MatchRun.Status.SUPERSEDED)
    drafts_first = Case(When(status=MatchRun.Status.DRAFT, then=Value(0)), default=Value(1))
    return runs.order_by(drafts_first, "-created_at")[:1]  # as .first() reads it


_MATCH_RUN_CURRENT = PreparedQuery(_match_runs_current, "cohort_id")


def match_run_current(*, cohort: Cohort) -> MatchRun | None:
    """The run an admin works on: the latest draft, else the latest published one (one query,
    compiled once: mentoring.prepared)."""
    found = _MATCH_RUN_CURRENT(cohort_id=cohort.pk)
    if not found:
        return None
    run = found[0]
    run.cohort = cohort  # as cohort.match_runs would give it
    return run


def _proposed_pairs(*, run_id: int, cohort_id: int) -> QuerySet[ProposedPair]:
    pairing = Pairing.objects.filter(
        cohort_id=cohort_id, mentee=OuterRef("mentee_id"), mentor=OuterRef("mentor_id")
    ).order_by("-created_at", "-pk")
    return (
        ProposedPair.objects.filter(run_id=run_id)
        .select_related("mentee", "mentor")
        .only(
            "run", "score", "criteria", "locked", *_name_fields("mentee"), *_name_fields("mentor")
        )
        .annotate(pairing_status=Subquery(pairing.values("status")[:1]))
        .order_by("score", "pk")
    )


def proposed_pairs(*, run: MatchRun) -> QuerySet[ProposedPair]:
    """Lowest score first: the pairs an admin should look at before publishing. Each carries
    `pairing_status`: what became of it once published (a mentor may have declined), or None."""
    return _proposed_pairs(run_id=run.pk, cohort_id=run.cohort_id)


def _first_pairs(*, run_id: int, cohort_id: int, size: int) -> QuerySet[ProposedPair]:
    return _proposed_pairs(run_id=run_id, cohort_id=cohort_id)[:size]


_FIRST_PAIRS = PreparedQuery(_first_pairs, "run_id", "cohort_id")


def proposed_pairs_page(*, run: MatchRun, per_page: int, number: str | None) -> Page:
    """mentoring.paging.page_of(proposed_pairs(run=run), per_page, number): the same page; the
    first one (the one most read) in a query compiled once (mentoring.prepared)."""

    def first(size: int) -> list[ProposedPair]:
        pairs = _FIRST_PAIRS(run_id=run.pk, cohort_id=run.cohort_id, size=size)
        for pair in pairs:
            pair.run = run  # as run.pairs would give it
        return pairs

    return page_of_first(
        first=first, objects=lambda: proposed_pairs(run=run), per_page=per_page, number=number
    )


def _name_fields(person: str) -> tuple[str, str]:
    """What User.name (and str()) reads of the person: the page shows nothing else of them, so
    their other columns are neither compiled nor read."""
    return (f"{person}__display_name", f"{person}__email")


def unmatched_people(*, run: MatchRun) -> list[dict]:
    """The run's unmatched people with their user loaded, mentees first (one query)."""
    ids = [row["person_id"] for row in run.unmatched]
    users = {user.pk: user for user in _USERS(ids=ids)} if ids else {}
    rows = [{**row, "user": users.get(row["person_id"])} for row in run.unmatched]
    return sorted(rows, key=lambda row: (row["role"] != "mentee", str(row["user"])))


_USERS = PreparedQuery(
    lambda *, ids: User.objects.only("display_name", "email").filter(pk__in=ids), "ids"
)


def _cohort_enrolments(*, cohort_id: int) -> QuerySet:
    return (
        Enrolment.objects.filter(cohort_id=cohort_id)
        .select_related("user")
        .only("cohort", "role", "answered_at", *_name_fields("user"))
        .order_by("user__display_name", "user__email", "pk")
    )


_COHORT_ENROLMENTS = PreparedQuery(_cohort_enrolments, "cohort_id")


def cohort_people_by_role(*, cohort: Cohort) -> tuple[dict[str, list[User]], int]:
    """The cohort's people by role, by name (as PairForm lists them), and how many of them
    have not answered its questions: one query."""
    enrolments = _COHORT_ENROLMENTS(cohort_id=cohort.pk)
    people: dict[str, list[User]] = {role: [] for role in ParticipantRole.values}
    unanswered = 0
    for enrolment in enrolments:
        people[enrolment.role].append(enrolment.user)
        unanswered += enrolment.answered_at is None
    return people, unanswered


_CONSTRAINTS = PreparedQuery(
    lambda *, cohort_id: PairConstraint.objects.filter(cohort_id=cohort_id).values_list(
        "mentee_id", "mentor_id", "kind"
    ),
    "cohort_id",
)


def constraints_by_pair(*, cohort: Cohort) -> dict[tuple[int, int], str]:
    return {(mentee, mentor): kind for mentee, mentor, kind in _CONSTRAINTS(cohort_id=cohort.pk)}


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
