"""People the organisation's directory provisions: created or linked, changed, deprovisioned,
reactivated, deleted (SCIM /Users)."""

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from scim2_models import InvalidValueException, UniquenessException

from accounts.models import User
from accounts.services import former_participant_email
from matching.models import MentorRequest
from matching.services.requests import request_decline
from mentoring.links import absolute
from organisations.models import Membership, Organisation, OrganisationDomain, Role
from organisations.services import membership_ensure
from pairings.models import Pairing
from pairings.services.pairings import pairing_close
from programmes.models import Cohort, Enrolment
from provisioning import resources
from provisioning.models import ProvisionedUser
from webhooks.models import EventKind
from webhooks.payloads import organisation_ref, person_ref
from webhooks.services.publish import event_publish

# The longest userName, externalId or group name kept (the columns' size).
MAX_LENGTH = 255


def check_lengths(**values: str | None) -> None:
    """Raises InvalidValueException (400) for a value longer than the service keeps."""
    for name, value in values.items():
        if value and len(value) > MAX_LENGTH:
            raise InvalidValueException(detail=f"{name} is longer than {MAX_LENGTH} characters.")


def _address(resource: resources.User) -> str:
    """The person's address: the primary email, else the first, else a userName that is one."""
    emails = [e for e in resource.emails or [] if e.value]
    primary = next((e for e in emails if e.primary), emails[0] if emails else None)
    address = primary.value if primary else (resource.user_name or "")
    try:
        validate_email(address)
        if len(address) > 254:
            raise ValidationError("too long")
    except ValidationError:
        raise InvalidValueException(
            detail="An email address is needed: in emails, or as the userName."
        ) from None
    return address.strip().lower()


def _display_name(resource: resources.User) -> str:
    name = resource.name
    given = " ".join(p for p in (name and name.given_name, name and name.family_name) if p)
    return (resource.display_name or (name and name.formatted) or given or "")[:150]


def _attributes(resource: resources.User) -> dict:
    """What is kept of the resource besides the columns: its name, display name, emails, and
    active as the directory stated it (absent: active)."""
    kept = resources.User(
        name=resource.name,
        display_name=resource.display_name,
        emails=resource.emails,
        active=resource.active,
    )
    return kept.model_dump(mode="json", exclude_none=True, by_alias=True, scim_ctx=None)


def controls_account(*, provisioned: ProvisionedUser) -> bool:
    """Whether the organisation may change the account itself (its address, and switching it
    off): it made the account, or the address is at one of its verified domains."""
    if provisioned.created_account:
        return True
    domain = provisioned.user.email.rpartition("@")[2].lower()
    return OrganisationDomain.objects.filter(
        organisation_id=provisioned.organisation_id, domain=domain, verified_at__isnull=False
    ).exists()


def _check_user_name_free(
    *, organisation: Organisation, user_name: str, other_than: int | None = None
) -> None:
    taken = ProvisionedUser.objects.filter(organisation=organisation, user_name__iexact=user_name)
    if taken.exclude(pk=other_than).exists():
        raise UniquenessException(detail="This userName is taken in this organisation.")


def _sync_account(*, provisioned: ProvisionedUser, resource: resources.User) -> None:
    """The account follows the directory's address and name, where the organisation controls
    it. Another account holding the new address is a conflict, never a merge."""
    if not controls_account(provisioned=provisioned):
        return
    user = provisioned.user
    address = _address(resource)
    display_name = _display_name(resource) or user.display_name
    if address != user.email.lower():
        if User.objects.filter(email__iexact=address).exclude(pk=user.pk).exists():
            raise UniquenessException(detail="Another account has this email address.")
        EmailAddress.objects.filter(user=user).delete()
        EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
        user.email = address
    user.display_name = display_name
    user.save(update_fields=["email", "display_name"])


@transaction.atomic
def provisioned_user_create(
    *, organisation: Organisation, resource: resources.User
) -> ProvisionedUser:
    """Provision a person: a new account, or the existing account with that address, joins the
    organisation (its directory asserts the address). Raises UniquenessException (409) when the
    userName or the person is already provisioned here, InvalidValueException (400) without an
    address."""
    check_lengths(userName=resource.user_name, externalId=resource.external_id)
    address = _address(resource)
    _check_user_name_free(organisation=organisation, user_name=resource.user_name)
    user = User.objects.filter(email__iexact=address).first()
    created = user is None
    if created:
        user = User.objects.create_user(email=address, display_name=_display_name(resource))
        EmailAddress.objects.create(user=user, email=address, verified=True, primary=True)
    elif ProvisionedUser.objects.filter(organisation=organisation, user=user).exists():
        raise UniquenessException(detail="This person is already provisioned here.")
    provisioned = ProvisionedUser(
        organisation=organisation,
        user=user,
        user_name=resource.user_name,
        external_id=resource.external_id or "",
        attributes=_attributes(resource),
        created_account=created,
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent create may have won
            provisioned.save()
    except IntegrityError:
        raise UniquenessException(detail="This person is already provisioned here.") from None
    membership_ensure(organisation=organisation, user=user, source=Membership.Source.SCIM)
    if resource.active is False:
        provisioned_user_deprovision(provisioned=provisioned)
    return provisioned


@transaction.atomic
def provisioned_user_update(
    *, provisioned: ProvisionedUser, resource: resources.User
) -> ProvisionedUser:
    """Replace what the directory says of the person (PUT, or a PATCH applied to the current
    resource). active=false deprovisions them, active=true brings them back."""
    provisioned = ProvisionedUser.objects.select_for_update().get(pk=provisioned.pk)
    check_lengths(userName=resource.user_name, externalId=resource.external_id)
    _check_user_name_free(
        organisation=provisioned.organisation,
        user_name=resource.user_name,
        other_than=provisioned.pk,
    )
    _sync_account(provisioned=provisioned, resource=resource)
    provisioned.user_name = resource.user_name
    provisioned.external_id = resource.external_id or ""
    provisioned.attributes = _attributes(resource)
    provisioned.save()
    if resource.active is False and provisioned.active:
        provisioned_user_deprovision(provisioned=provisioned)
    elif resource.active is not False and not provisioned.active:
        provisioned_user_reactivate(provisioned=provisioned)
    return provisioned


def _organisation_cohorts(organisation_id: int):
    return Cohort.objects.filter(organisation_id=organisation_id)


@transaction.atomic
def provisioned_user_deprovision(*, provisioned: ProvisionedUser) -> None:
    """The organisation's directory removed the person (active=false, or DELETE).

    In the organisation's cohorts their live pairings close ("Left the organisation", which
    the partner sees; the sessions still ahead are cancelled, so their reminders end), their
    requests waiting for an answer are answered, and enrolments without a pairing go. Their
    place in the organisation ends. If they belong to no other organisation and the
    organisation controls the account, the account is switched off: no emails, no sign-in,
    open sessions end. What their partners hold stays. Safe to repeat.
    """
    user = provisioned.user
    was_active = provisioned.active
    cohorts = _organisation_cohorts(provisioned.organisation_id)
    live = list(
        Pairing.objects.filter(
            Q(mentor=user) | Q(mentee=user), cohort__in=cohorts, status__in=Pairing.LIVE
        )
    )
    for pairing in live:
        pairing_close(pairing=pairing, by=user, reason=Pairing.CloseReason.LEFT_ORGANISATION)
    waiting = MentorRequest.objects.filter(cohort__in=cohorts, status=MentorRequest.Status.PENDING)
    waiting.filter(mentee=user).update(status=MentorRequest.Status.WITHDRAWN)
    for request in waiting.filter(mentor=user):
        request_decline(mentor_request=request, by=user)
    _enrolments_without_pairings(user=user, cohorts=cohorts).delete()
    Cohort.admins.through.objects.filter(user=user, cohort__in=cohorts).delete()
    Membership.objects.filter(organisation_id=provisioned.organisation_id, user=user).delete()
    ProvisionedUser.objects.filter(pk=provisioned.pk).update(active=False)
    provisioned.active = False
    elsewhere = Membership.objects.filter(user=user).exists()
    if not elsewhere and user.is_active and controls_account(provisioned=provisioned):
        # An inactive account no longer authenticates: its open sessions end with it, and
        # email_send_once sends it nothing.
        User.objects.filter(pk=user.pk).update(is_active=False)
        user.is_active = False
    if was_active:
        _deprovisioned_publish(provisioned=provisioned, pairings_closed=[p.pk for p in live])


def _deprovisioned_publish(*, provisioned: ProvisionedUser, pairings_closed: list[int]) -> None:
    """The organisation's webhooks hear that its directory removed the person."""
    organisation = provisioned.organisation
    user = provisioned.user
    event_publish(
        organisation=organisation,
        kind=EventKind.PERSON_DEPROVISIONED,
        data=lambda: {
            "organisation": organisation_ref(organisation),
            "person": person_ref(user),
            "pairings_closed": pairings_closed,
            "account_deactivated": not user.is_active,
            "deprovisioned_at": timezone.now(),
            "url": absolute("organisations:detail", organisation.slug),
        },
    )


def _enrolments_without_pairings(*, user: User, cohorts):
    with_pairings = Pairing.objects.filter(
        Q(mentor=user) | Q(mentee=user), cohort__in=cohorts
    ).values("cohort")
    return Enrolment.objects.filter(user=user, cohort__in=cohorts).exclude(cohort__in=with_pairings)


@transaction.atomic
def provisioned_user_reactivate(*, provisioned: ProvisionedUser) -> None:
    """The directory brings the person back: membership and sign-in return, and the mapped
    groups they are in enrol them again. Closed pairings stay closed."""
    from provisioning.services.groups import groups_enrol_member

    user = provisioned.user
    ProvisionedUser.objects.filter(pk=provisioned.pk).update(active=True)
    provisioned.active = True
    membership_ensure(
        organisation=provisioned.organisation,
        user=user,
        role=Role.MEMBER,
        source=Membership.Source.SCIM,
    )
    deleted = user.email == former_participant_email(user.pk)  # the person deleted it
    if not user.is_active and not deleted and controls_account(provisioned=provisioned):
        User.objects.filter(pk=user.pk).update(is_active=True)
        user.is_active = True
    groups_enrol_member(provisioned=provisioned)


@transaction.atomic
def provisioned_user_delete(*, provisioned: ProvisionedUser) -> None:
    """DELETE: deprovision, then forget the directory's record (the id answers 404 from now
    on). The account and its history stay, as for active=false."""
    provisioned_user_deprovision(provisioned=provisioned)
    provisioned.delete()
