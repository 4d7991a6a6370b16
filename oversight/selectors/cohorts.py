"""The admin's list of cohorts, with the head counts and live pairings of each; the cohort as
its printable report reads it."""

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from accounts.models import User
from mentoring.prepared import PreparedQuery
from pairings.models import Pairing
from programmes.models import Cohort, ParticipantRole
from programmes.selectors import cohorts_for_admin, cohorts_run_by


def cohort_list_for_admin(*, user: User) -> QuerySet[Cohort]:
    """The admin's cohorts with their organisation and head counts, in one query; grouped by
    organisation (someone may run cohorts in several)."""
    return cohorts_with_head_counts(cohorts=cohorts_for_admin(user=user)).order_by(
        "organisation__name", "organisation_id", "-starts_on", "name", "pk"
    )


def cohorts_with_head_counts(*, cohorts: QuerySet[Cohort]) -> QuerySet[Cohort]:
    """`cohorts` (already scoped to the reader) with their organisation, mentee_count,
    mentor_count and active_count, in one query."""
    return cohorts.select_related("organisation").annotate(
        mentee_count=Count(
            "enrolments", filter=Q(enrolments__role=ParticipantRole.MENTEE), distinct=True
        ),
        mentor_count=Count(
            "enrolments", filter=Q(enrolments__role=ParticipantRole.MENTOR), distinct=True
        ),
        active_count=Count(
            "pairings", filter=Q(pairings__status=Pairing.Status.ACTIVE), distinct=True
        ),
    )


# What the printable report shows of its cohort (and its charts read: their weeks).
REPORT_COHORT_FIELDS = ("name", "starts_on", "ends_on")


def _report_cohort_query(*, user_id: int, cohort_id: int) -> QuerySet[Cohort]:
    # cohorts_run_by: cohorts_for_admin's cohorts, once the caller knows the person is a
    # programme admin. Its person stands for the viewer by id alone.
    cohorts = cohorts_run_by(user=User(pk=user_id, is_active=True))
    return cohorts.filter(pk=cohort_id).only(*REPORT_COHORT_FIELDS)


_REPORT_COHORT = PreparedQuery(_report_cohort_query, "user_id", "cohort_id")


def cohort_get_for_report(*, user: User, cohort_id: int) -> Cohort:
    """programmes.selectors.cohort_get_for_admin for the printable report: the same cohorts
    (404 for any other), with only what the report reads of it (REPORT_COHORT_FIELDS), in one
    query compiled once (mentoring.prepared)."""
    if not user.is_programme_admin:  # as cohorts_for_admin says: nobody else's cohorts
        raise Http404
    found = _REPORT_COHORT(user_id=user.pk, cohort_id=cohort_id)
    if not found:
        raise Http404
    return found[0]
