"""Reads for programmes, each scoped to what the user may see (404 otherwise, so ids leak nothing).

Every view that takes an id gets its object through one of these.
"""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from organisations.models import ADMIN_ROLES
from programmes.models import Cohort, Enrolment


def cohorts_for_admin(*, user: User) -> QuerySet[Cohort]:
    """The cohorts this programme admin runs (none for anyone else): those they administer in
    an organisation where they are still an owner or admin. Every admin read scopes by this."""
    if not user.is_programme_admin:
        return Cohort.objects.none()
    return cohorts_run_by(user=user)


def cohorts_run_by(*, user: User) -> QuerySet[Cohort]:
    """cohorts_for_admin without first asking whether the user is a programme admin at all: the
    same cohorts (only an owner or admin of the cohort's organisation runs it), for a read that
    puts them in its own query as a subquery and so saves asking for everyone who is not one."""
    if not user.is_active:
        return Cohort.objects.none()
    return Cohort.objects.filter(
        admins=user,
        organisation__memberships__user=user,
        organisation__memberships__role__in=ADMIN_ROLES,
    )


def cohort_admins(*, cohort: Cohort) -> QuerySet[User]:
    """The people who run the cohort now: listed among its admins and still an owner or admin
    of its organisation (someone whose role there was taken away reads and hears nothing)."""
    return cohort.admins.filter(
        is_active=True,
        memberships__organisation_id=cohort.organisation_id,
        memberships__role__in=ADMIN_ROLES,
    )


def cohort_get_for_admin(*, user: User, cohort_id: int) -> Cohort:
    return get_object_or_404(cohorts_for_admin(user=user), pk=cohort_id)


def cohort_get_named_for_admin(*, user: User, cohort_id: int) -> Cohort:
    """cohort_get_for_admin for a page that shows only the cohort's name (and links by its
    id), such as its shared goals: the same cohort or 404, only its id and name read
    (some 700 calls fewer than the whole row)."""
    return get_object_or_404(cohorts_for_admin(user=user).only("name"), pk=cohort_id)


def enrolment_get_for_user(
    *, user: User, cohort_id: int, role: str, whole: bool = True
) -> Enrolment:
    """The user's enrolment in the cohort in that role, with its cohort, or 404. Not `whole`:
    of the cohort only what the answers page shows and asks (its name and matching mode); a
    save reads whole rows."""
    enrolments = Enrolment.objects.select_related("cohort")
    if not whole:
        enrolments = enrolments.only(
            *(field.name for field in Enrolment._meta.concrete_fields),
            "cohort__name",
            "cohort__matching_mode",
        )
    enrolment = get_object_or_404(enrolments, user=user, cohort_id=cohort_id, role=role)
    enrolment.user = user  # the person in hand, not read again
    return enrolment
