"""Writes for organisations: who belongs, in which role."""

from django.db import transaction

from accounts.models import User
from organisations.models import Membership, Organisation, Role

_RANK = {Role.MEMBER: 0, Role.ADMIN: 1, Role.OWNER: 2}


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
