"""Reads for organisations, scoped to the person asking."""

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django.core.paginator import Page
from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.shortcuts import get_object_or_404

from accounts.models import User
from audit.selectors import TRAIL_FIELDS
from mentoring.paging import page_of_first
from mentoring.prepared import PreparedQuery
from organisations.models import ADMIN_ROLES, Membership, Organisation, OrganisationDomain, Role


def organisations_administered(*, user: User) -> QuerySet[Organisation]:
    """The organisations whose cohorts this person may run (owner or admin)."""
    if not user.is_authenticated or not user.is_active:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        memberships__user=user, memberships__role__in=ADMIN_ROLES
    ).distinct()


_ADMINISTERS_ANY = PreparedQuery(
    lambda *, user_id: Organisation.objects.filter(
        memberships__user_id=user_id, memberships__role__in=ADMIN_ROLES
    ).values_list("pk", flat=True)[:1],
    "user_id",
)


def administers_any(*, user: User) -> bool:
    """organisations_administered(user=user).exists(), in a query compiled once
    (mentoring.prepared)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(_ADMINISTERS_ANY(user_id=user.pk))


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


def _first_people(*, organisation_id: int, role: str, size: int) -> QuerySet:
    return organisation_people(organisation=Organisation(pk=organisation_id), role=role)[:size]


_FIRST_PEOPLE = PreparedQuery(_first_people, "organisation_id")


def organisation_people_page(
    *, organisation: Organisation, role: str, per_page: int, number: str | None
) -> Page:
    """mentoring.paging.page_of(organisation_people(...), per_page, number): the same page;
    the first one (the one most read) in a query compiled once (mentoring.prepared). `role`
    is one of Role.values or ""."""
    return page_of_first(
        first=lambda size: _FIRST_PEOPLE(organisation_id=organisation.pk, role=role, size=size),
        objects=lambda: organisation_people(organisation=organisation, role=role),
        per_page=per_page,
        number=number,
    )


def organisation_people(*, organisation: Organisation, role: str = "") -> QuerySet:
    """The organisation's people, owners first, then admins, then members, by name; only
    those of `role` when given. What the table shows of each (PEOPLE_VALUES), as values: make
    them rows with people_rows_of."""
    people = Membership.objects.filter(organisation_id=organisation.pk)
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


def organisation_trail_head(*, organisation: Organisation, size: int) -> list[LogEntry]:
    """organisation_trail's newest `size`. Built by the ORM each time: the id is sent as JSON,
    which mentoring.prepared cannot stand in for, and the database's to_jsonb that would let
    it is PostgreSQL's alone (the embedded mode runs on SQLite)."""
    return list(organisation_trail(organisation=organisation)[:size])


_COHORTS = PreparedQuery(
    # The cohorts' model as the organisation names it (programmes sits above this app).
    lambda *, organisation_id: (
        Organisation._meta.get_field("cohorts")
        .related_model.objects.filter(organisation_id=organisation_id)
        .order_by("-starts_on", "name", "pk")
        .values("name", "starts_on", "ends_on")
    ),
    "organisation_id",
)


def organisation_cohort_rows(*, organisation: Organisation) -> list[dict]:
    """What the organisation page shows of its cohorts (name and dates), newest first."""
    return _COHORTS(organisation_id=organisation.pk)


_DOMAINS = PreparedQuery(
    lambda *, organisation_id: OrganisationDomain.objects.filter(
        organisation_id=organisation_id
    ).values("domain", "verified_at"),
    "organisation_id",
)


def organisation_domain_rows(*, organisation: Organisation) -> list[dict]:
    """What the organisation page shows of its domains."""
    return _DOMAINS(organisation_id=organisation.pk)


def organisation_trail(*, organisation: Organisation) -> QuerySet[LogEntry]:
    """Changes to the organisation's roles and domains, newest first."""
    return (
        LogEntry.objects.filter(additional_data__organisation_id=organisation.pk)
        .select_related("actor", "content_type")
        .only(*TRAIL_FIELDS)
        .order_by("-timestamp", "-pk")
    )
