"""Reads for organisations, scoped to the person asking."""

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


def organisation_people(*, organisation: Organisation, role: str = "") -> QuerySet[Membership]:
    """The organisation's people, owners first, then admins, then members, by name; only
    those of `role` when given."""
    # What the table shows: the person's name and address, their role and its source.
    people = organisation.memberships.select_related("user").only(
        "organisation", "role", "source", "user__display_name", "user__email"
    )
    if role:
        people = people.filter(role=role)
    rank = Case(
        When(role=Role.OWNER, then=Value(0)),
        When(role=Role.ADMIN, then=Value(1)),
        default=Value(2),
    )
    return people.order_by(rank, "user__display_name", "user__email", "pk")


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
