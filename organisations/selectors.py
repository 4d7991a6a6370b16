"""Reads for organisations, scoped to the person asking."""

from django.db.models import QuerySet

from accounts.models import User
from organisations.models import ADMIN_ROLES, Organisation, OrganisationDomain, Role


def organisations_administered(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose cohorts this person may run (owner or admin)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=ADMIN_ROLES
    ).distinct()


def organisations_owned(*, user: User) -> QuerySet[Organisation]:
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, memberships__role=Role.OWNER)


def organisation_for_email(email: str) -> Organisation | None:
    """The organisation that verified the domain of this address, if any."""
    domain = email.rpartition("@")[2].strip().lower()
    if not domain:
        return None
    found = (
        OrganisationDomain.objects.filter(domain=domain, verified_at__isnull=False)
        .select_related("organisation")
        .first()
    )
    return found.organisation if found else None
