"""Writes for organisations: who belongs, in which role, and its email domains."""

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from branding.models import Branding
from branding.selectors import branding_forget
from mentoring.errors import DomainError
from organisations.models import ADMIN_ROLES, Membership, Organisation, OrganisationDomain, Role
from organisations.signals import admin_role_lost

_RANK = {Role.MEMBER: 0, Role.ADMIN: 1, Role.OWNER: 2}


class MembershipRefused(DomainError):
    """A role change or removal the organisation's rules refuse (the last owner stays)."""


class NoAccountForEmail(DomainError):
    """Nobody has an account with that address."""


class DomainTaken(DomainError):
    """The email domain belongs to an organisation already."""


@transaction.atomic
def membership_ensure(
    *,
    organisation: Organisation,
    user: User,
    role: str = Role.MEMBER,
    source: str = Membership.Source.ADDED,
) -> Membership:
    """Make `user` a member of `organisation` with at least `role` (a higher role stays)."""
    membership, created = Membership.objects.select_for_update().get_or_create(
        organisation=organisation, user=user, defaults={"role": role, "source": source}
    )
    if not created and _RANK[Role(role)] > _RANK[Role(membership.role)]:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


def _lock_as_owner(*, organisation: Organisation, by: User) -> Organisation:
    """Lock the organisation's row (so role changes of one organisation run one at a time and
    the owners counted stay counted) and check that `by` owns it (else PermissionDenied)."""
    locked = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not Membership.objects.filter(organisation=locked, user=by, role=Role.OWNER).exists():
        raise PermissionDenied
    return locked


def _refuse_losing_the_last_owner(membership: Membership) -> None:
    if membership.role != Role.OWNER:
        return
    owners = Membership.objects.filter(organisation_id=membership.organisation_id, role=Role.OWNER)
    if not owners.exclude(pk=membership.pk).exists():
        raise MembershipRefused(
            _(
                "%(name)s is the organisation's only owner. Make someone else an owner first: "
                "an organisation always keeps one."
            )
            % {"name": membership.user.name}
        )


@transaction.atomic
def membership_role_change(
    *, organisation: Organisation, membership: Membership, role: str, by: User
) -> Membership:
    """Give the member another role (owners only: PermissionDenied otherwise). The last owner
    is never demoted (MembershipRefused). Someone who stops being an owner or admin no longer
    runs the organisation's cohorts. Safe to repeat."""
    _lock_as_owner(organisation=organisation, by=by)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .get(pk=membership.pk, organisation=organisation)
    )
    if membership.role == role:
        return membership
    if role != Role.OWNER:
        _refuse_losing_the_last_owner(membership)
    was_admin = membership.role in ADMIN_ROLES
    membership.role = role
    membership.save(update_fields=["role"])
    if was_admin and role not in ADMIN_ROLES:
        admin_role_lost.send(Membership, organisation=organisation, user=membership.user)
    return membership


@transaction.atomic
def membership_remove(*, organisation: Organisation, membership: Membership, by: User) -> None:
    """Take the person out of the organisation (owners only; never its last owner). They no
    longer run its cohorts; their enrolments stay. Safe to repeat."""
    _lock_as_owner(organisation=organisation, by=by)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user")
        .filter(pk=membership.pk, organisation=organisation)
        .first()
    )
    if membership is None:
        return
    _refuse_losing_the_last_owner(membership)
    membership.delete()
    admin_role_lost.send(Membership, organisation=organisation, user=membership.user)


@transaction.atomic
def organisation_admin_add(
    *, organisation: Organisation, email: str, role: str, by: User
) -> Membership:
    """Make the person with that address an admin (or owner) of the organisation, adding them
    if they are not a member yet. Raises NoAccountForEmail when nobody has an account with it.
    Owners only; an owner given the admin role is demoted (never the last one)."""
    _lock_as_owner(organisation=organisation, by=by)
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None:
        raise NoAccountForEmail(
            _(
                "Nobody has an account with %(email)s yet. Ask them to sign up (or invite them "
                "to a cohort), then make them an admin here."
            )
            % {"email": email}
        )
    membership, _created = Membership.objects.get_or_create(
        organisation=organisation, user=user, defaults={"role": Role.MEMBER}
    )
    return membership_role_change(
        organisation=organisation, membership=membership, role=role, by=by
    )


@transaction.atomic
def organisation_domain_add(
    *, organisation: Organisation, domain: str, by: User
) -> OrganisationDomain:
    """Add an email domain (validated by OrganisationDomainForm), unverified until staff check
    that the organisation controls it. Owners only. Raises DomainTaken when an organisation
    (this one or another) has it already."""
    _lock_as_owner(organisation=organisation, by=by)
    domain = domain.strip().lower()
    existing = OrganisationDomain.objects.filter(domain=domain).first()
    if existing is None:
        try:
            with transaction.atomic():  # a savepoint: another organisation may add it at once
                return OrganisationDomain.objects.create(organisation=organisation, domain=domain)
        except IntegrityError:
            existing = OrganisationDomain.objects.get(domain=domain)
    if existing.organisation_id == organisation.pk:
        raise DomainTaken(_("%(domain)s is already one of your domains.") % {"domain": domain})
    raise DomainTaken(
        _(
            "Another organisation has %(domain)s already. If it is yours, ask the staff of this "
            "installation to look into it."
        )
        % {"domain": domain}
    )


@transaction.atomic
def organisation_domains_verify(*, domains: list[OrganisationDomain]) -> int:
    """Staff: mark the domains verified now (those already verified keep their date). Returns
    how many were newly verified."""
    return OrganisationDomain.objects.filter(
        pk__in=[domain.pk for domain in domains], verified_at__isnull=True
    ).update(verified_at=timezone.now())


@transaction.atomic
def organisation_branding_save(
    *,
    organisation: Organisation,
    by: User,
    name: str,
    main_colour: str,
    logo: object | None = None,
) -> Branding:
    """Save the organisation's own name, colour and (when given) logo, validated as the
    installation's are (ValidationError). Owners only. Pages of people who belong to this
    organisation alone follow at once. Safe to repeat."""
    _lock_as_owner(organisation=organisation, by=by)
    branding = Branding.objects.filter(organisation=organisation).first() or Branding(
        organisation=organisation
    )
    branding.name = name
    branding.main_colour = main_colour
    if logo:
        branding.logo = logo
    branding.full_clean()
    branding.save()
    branding_forget()
    # Again once committed: a page read between the two would have cached the old one.
    transaction.on_commit(branding_forget)
    return branding
