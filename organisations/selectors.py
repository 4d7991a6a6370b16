"""Reads for organisations, scoped to the person asking."""

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import User
from audit.selectors import TRAIL_FIELDS
from organisations.models import ADMIN_ROLES, Membership, Organisation, OrganisationDomain, Role


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


def organisation_owned_get(*, user: User, slug: str) -> Organisation:
    """The organisation with this short name, if the person owns it; 404 otherwise (ids leak
    nothing)."""
    return get_object_or_404(organisations_owned(user=user), slug=slug)


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


def memberships_administering(*, user: User) -> QuerySet[Membership]:
    """The person's owner or admin memberships, with their organisations, by name."""
    return (
        Membership.objects.filter(user=user, role__in=ADMIN_ROLES, user__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def organisation_get_for_admin(*, user: User, slug: str) -> Organisation:
    """An organisation this person owns or administers, or 404; with `viewer_role`, their
    role in it (read in the same query)."""
    role = Membership.objects.filter(organisation=OuterRef("pk"), user=user).values("role")
    organisations = organisations_administered(user=user).annotate(viewer_role=Subquery(role[:1]))
    return get_object_or_404(organisations, slug=slug)


def organisation_people(*, organisation: Organisation, role: str = "") -> QuerySet:
    """The organisation's people, owners first, then admins, then members, by name; only
    those of `role` when given. What the table shows of each (PEOPLE_VALUES), as values: make
    them rows with people_rows_of."""
    people = organisation.memberships.all()
    if role:
        people = people.filter(role=role)
    rank = Case(
        When(role=Role.OWNER, then=Value(0)),
        When(role=Role.ADMIN, then=Value(1)),
        default=Value(2),
    )
    return people.order_by(rank, "user__display_name", "user__email", "pk").values_list(
        *PEOPLE_VALUES
    )


# What the table shows of a membership: its role and source, the person's name and address.
PEOPLE_VALUES = ("pk", "role", "source", "user__display_name", "user__email")


@dataclass(frozen=True)
class Person:
    """A person as the table shows them: their name as User.name says it, their address."""

    display_name: str
    email: str

    name = User.name


@dataclass
class PersonRow:
    """A membership as the people table reads it (what it reads of a Membership)."""

    pk: int
    role: str
    source: str
    user: Person


def people_rows_of(values: Iterable[tuple]) -> list[PersonRow]:
    """organisation_people's values as rows."""
    return [
        PersonRow(pk, role, source, Person(display_name, email))
        for pk, role, source, display_name, email in values
    ]


def membership_get_for_owner_page(*, organisation: Organisation, membership_id: int) -> Membership:
    """A membership of this organisation (the caller checked the viewer's role), or 404."""
    return get_object_or_404(
        Membership.objects.select_related("user"), organisation=organisation, pk=membership_id
    )


def organisation_trail(*, organisation: Organisation) -> QuerySet[LogEntry]:
    """Changes to the organisation's roles and domains, newest first."""
    return (
        LogEntry.objects.filter(additional_data__organisation_id=organisation.pk)
        .select_related("actor", "content_type")
        .only(*TRAIL_FIELDS)
        .order_by("-timestamp", "-pk")
    )
