"""Pairings for the people in them and for their programme admins: every view that takes a
pairing id gets its pairing through one of these, so ids leak nothing."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from pairings.models import Pairing
from programmes.selectors import cohorts_for_admin


def pairings_for_user(*, user: User) -> QuerySet[Pairing]:
    """Pairings the user is in, as mentor or mentee."""
    return Pairing.objects.filter(Q(mentor=user) | Q(mentee=user)).select_related(
        "cohort", "mentor__profile", "mentee__profile"
    )


def pairing_get_for_user(*, user: User, pairing_id: int, profiles: bool = True) -> Pairing:
    """One of the user's pairings, or 404. `profiles=False` for a page that shows neither
    person's profile: the pairing comes without those two joins."""
    pairings = pairings_for_user(user=user)
    if not profiles:
        pairings = pairings.select_related(None).select_related("cohort", "mentor", "mentee")
    return get_object_or_404(pairings, pk=pairing_id)


def pairing_get_for_admin(*, user: User, pairing_id: int) -> Pairing:
    return get_object_or_404(
        Pairing.objects.filter(cohort__in=cohorts_for_admin(user=user)).select_related(
            "cohort", "mentor", "mentee"
        ),
        pk=pairing_id,
    )
