"""Rows as the SCIM resources a directory reads (resources.User, resources.Group)."""

from collections.abc import Callable

from scim2_models import GroupMembership, Meta

from provisioning import resources
from provisioning.models import ProvisionedUser, ScimGroup

# Builds the absolute URL of a path under /scim/v2 (request.build_absolute_uri).
Locate = Callable[[str], str]


def user_resource(provisioned: ProvisionedUser, *, locate: Locate) -> resources.User:
    """Needs `scim_groups` prefetched (see selectors.provisioned_users)."""
    resource = resources.User.model_validate(provisioned.attributes or {}, scim_ctx=None)
    resource.id = str(provisioned.scim_id)
    resource.external_id = provisioned.external_id or None
    resource.user_name = provisioned.user_name
    # As the directory stated it; a person it never said anything of is active.
    resource.active = provisioned.active if resource.active is not None else None
    groups = [
        GroupMembership(
            value=str(group.scim_id),
            ref=locate(f"Groups/{group.scim_id}"),
            display=group.display_name,
            type="direct",
        )
        for group in provisioned.scim_groups.all()
    ]
    resource.groups = groups or None
    resource.meta = Meta(
        resource_type="User",
        created=provisioned.created_at,
        last_modified=provisioned.updated_at,
        location=locate(f"Users/{provisioned.scim_id}"),
    )
    return resource


def group_resource(group: ScimGroup, *, locate: Locate) -> resources.Group:
    """Needs `members` prefetched (see selectors.scim_groups)."""
    members = [
        resources.GroupMember(
            value=str(member.scim_id),
            ref=locate(f"Users/{member.scim_id}"),
            type="User",
        )
        for member in group.members.all()
    ]
    return resources.Group(
        id=str(group.scim_id),
        external_id=group.external_id or None,
        display_name=group.display_name,
        members=members or None,
        meta=Meta(
            resource_type="Group",
            created=group.created_at,
            last_modified=group.updated_at,
            location=locate(f"Groups/{group.scim_id}"),
        ),
    )
