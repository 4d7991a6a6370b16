"""Reads for the pairing pages."""

from django.db.models import QuerySet

from accounts.models import User
from pairings.models import Pairing


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
