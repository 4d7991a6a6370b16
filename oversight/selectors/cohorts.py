"""The admin's list of cohorts, with the head counts and live pairings of each."""

from django.db.models import Count, Q, QuerySet

from accounts.models import User
from pairings.models import Pairing
from programmes.models import Cohort, ParticipantRole
from programmes.selectors import cohorts_for_admin


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
