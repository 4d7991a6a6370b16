"""Reads for provisioning, each scoped to one organisation: a directory's token sees its own
organisation's people and groups only, and an id of another answers 404."""

import uuid

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from scim2_models import NotFoundException

from organisations.models import Organisation
from programmes.models import Cohort
from provisioning.models import ProvisionedUser, ScimGroup, ScimToken


def provisioned_users(*, organisation: Organisation) -> QuerySet[ProvisionedUser]:
    return ProvisionedUser.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("scim_groups", queryset=ScimGroup.objects.only("scim_id", "display_name"))
    )


def scim_groups(*, organisation: Organisation) -> QuerySet[ScimGroup]:
    return ScimGroup.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("members", queryset=ProvisionedUser.objects.only("scim_id"))
    )


def _uuid(scim_id: str) -> uuid.UUID:
    try:
        return uuid.UUID(scim_id)
    except ValueError:
        raise NotFoundException(detail="No such resource.") from None


def provisioned_user_get(*, organisation: Organisation, scim_id: str) -> ProvisionedUser:
    found = provisioned_users(organisation=organisation).filter(scim_id=_uuid(scim_id)).first()
    if found is None:
        raise NotFoundException(detail="No such resource.")
    return found


def scim_group_get(*, organisation: Organisation, scim_id: str) -> ScimGroup:
    found = scim_groups(organisation=organisation).filter(scim_id=_uuid(scim_id)).first()
    if found is None:
        raise NotFoundException(detail="No such resource.")
    return found


def tokens_for_owner(*, organisation: Organisation) -> QuerySet[ScimToken]:
    return ScimToken.objects.filter(organisation=organisation).select_related("created_by")


def token_get_for_owner(*, organisation: Organisation, token_id: int) -> ScimToken:
    return get_object_or_404(ScimToken.objects.filter(organisation=organisation), pk=token_id)


def group_get_for_owner(*, organisation: Organisation, group_id: int) -> ScimGroup:
    return get_object_or_404(ScimGroup.objects.filter(organisation=organisation), pk=group_id)


def cohorts_of(*, organisation: Organisation) -> QuerySet[Cohort]:
    return Cohort.objects.filter(organisation=organisation).order_by("name")
