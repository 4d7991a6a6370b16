"""Reads for the pairing pages."""

from django.db.models import Q, QuerySet

from accounts.models import User

from ..models import Cohort, Pairing

SORTS = {
    "newest": ("-created_at",),
    "oldest": ("created_at",),
    "score": ("score", "pk"),
    "mentor": ("mentor__display_name", "pk"),
    "mentee": ("mentee__display_name", "pk"),
}


def pairings_as_mentor(*, user: User) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(mentor=user)
        .select_related("cohort", "mentee__profile")
        .order_by("-created_at")
    )


def pairings_as_mentee(*, user: User) -> QuerySet[Pairing]:
    return (
        Pairing.objects.filter(mentee=user)
        .select_related("cohort", "mentor__profile")
        .order_by("-created_at")
    )


def pairing_table_for_cohort(
    *, cohort: Cohort, status: str = "", search: str = "", sort: str = "newest"
) -> QuerySet[Pairing]:
    """The admins' pairing table: filtered by status and name, sorted as asked."""
    pairings = Pairing.objects.filter(cohort=cohort).select_related("mentor", "mentee")
    if status in Pairing.Status.values:
        pairings = pairings.filter(status=status)
    if search:
        pairings = pairings.filter(
            Q(mentor__display_name__icontains=search)
            | Q(mentee__display_name__icontains=search)
            | Q(mentor__email__icontains=search)
            | Q(mentee__email__icontains=search)
        )
    return pairings.order_by(*SORTS.get(sort, SORTS["newest"]))
