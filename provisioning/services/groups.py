"""Groups of the organisation's directory (SCIM /Groups), and the cohorts they enrol into."""

from django.db import transaction
from django.db.models import Q

from organisations.models import Organisation
from pairings.models import Pairing
from programmes.models import Cohort, Enrolment
from programmes.services.enrolments import enrolment_join
from provisioning.models import ProvisionedUser, ScimGroup
from provisioning.services.people import check_lengths


def _enrol(*, group: ScimGroup, members) -> None:
    if group.cohort_id is None or not group.role:
        return
    for provisioned in members:
        if provisioned.active:
            enrolment_join(cohort=group.cohort, user=provisioned.user, role=group.role)


def _unenrol(*, group: ScimGroup, cohort: Cohort | None, role: str, members) -> None:
    """Members who left a mapped group (or a group whose mapping changed) leave its cohort,
    unless another group of theirs still puts them there in that role. An enrolment with a
    pairing stays: the pairing is their partner's history too, and a live one goes on."""
    if cohort is None or not role:
        return
    for provisioned in members:
        still = (
            ScimGroup.objects.filter(members=provisioned, cohort=cohort, role=role)
            .exclude(pk=group.pk)
            .exists()
        )
        user = provisioned.user
        paired = Pairing.objects.filter(Q(mentor=user) | Q(mentee=user), cohort=cohort).exists()
        if not still and not paired:
            Enrolment.objects.filter(cohort=cohort, user=user, role=role).delete()


@transaction.atomic
def group_save(
    *,
    organisation: Organisation,
    display_name: str,
    external_id: str,
    member_ids: list[int],
    group: ScimGroup | None = None,
) -> ScimGroup:
    """Create the group, or replace its name and members; members who joined a mapped group
    are enrolled in its cohort, those who left it leave it (see _unenrol)."""
    check_lengths(displayName=display_name, externalId=external_id)
    if group is None:
        group = ScimGroup(organisation=organisation)
    else:
        group = ScimGroup.objects.select_for_update().get(pk=group.pk)
    group.display_name = display_name
    group.external_id = external_id
    group.save()
    before = set(group.members.values_list("pk", flat=True))
    after = set(member_ids)
    group.members.set(after)
    joined = ProvisionedUser.objects.filter(pk__in=after - before).select_related("user")
    left = ProvisionedUser.objects.filter(pk__in=before - after).select_related("user")
    _enrol(group=group, members=joined)
    _unenrol(group=group, cohort=group.cohort, role=group.role, members=left)
    return group


@transaction.atomic
def group_delete(*, group: ScimGroup) -> None:
    """Forget the group; its members leave its cohort as if they had left the group."""
    members = list(ProvisionedUser.objects.filter(scim_groups=group).select_related("user"))
    _unenrol(group=group, cohort=group.cohort, role=group.role, members=members)
    group.delete()


@transaction.atomic
def group_map(*, group: ScimGroup, cohort: Cohort | None, role: str) -> ScimGroup:
    """Map the group to one of its organisation's cohorts and a role (or to none): its active
    members are enrolled; if the mapping changed, they leave the old cohort (see _unenrol)."""
    group = ScimGroup.objects.select_for_update().get(pk=group.pk)
    if cohort is not None and cohort.organisation_id != group.organisation_id:
        raise ValueError("The cohort belongs to another organisation.")
    old_cohort, old_role = group.cohort, group.role
    group.cohort, group.role = cohort, (role if cohort else "")
    group.save(update_fields=["cohort", "role", "updated_at"])
    members = list(ProvisionedUser.objects.filter(scim_groups=group).select_related("user"))
    if (old_cohort, old_role) != (group.cohort, group.role):
        _unenrol(group=group, cohort=old_cohort, role=old_role, members=members)
    _enrol(group=group, members=members)
    return group


def groups_enrol_member(*, provisioned: ProvisionedUser) -> None:
    """A person brought back is enrolled again by the mapped groups they are still in."""
    for group in provisioned.scim_groups.filter(cohort__isnull=False).select_related("cohort"):
        _enrol(group=group, members=[provisioned])
