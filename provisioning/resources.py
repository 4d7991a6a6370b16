"""The SCIM resources this service publishes (RFC 7643), as scim2-models describes them.

Each model holds only what the service keeps of a person or group: what it publishes in
/Schemas is exactly what a directory can write and read back, and nothing else is stored (an
attribute the service does not declare is ignored, as the interoperability profile allows).
"""

from typing import Annotated, Any, ClassVar

import scim2_models
from pydantic import EmailStr
from scim2_models import (
    URN,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ComplexAttribute,
    ETag,
    Filter,
    GroupMembership,
    Mutability,
    Pagination,
    Patch,
    Required,
    Resource,
    ResourceType,
    ScimPolicy,
    ScimProvider,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
)

# The most resources one list answers with; a directory pages through the rest.
MAX_RESULTS = 200


class Name(ComplexAttribute):
    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class Email(scim2_models.Email):
    value: Annotated[EmailStr | None, Required.true] = None


class GroupMember(scim2_models.GroupMember):
    # Read-only here: a member's name is the person's, not something a group sets.
    display: Annotated[str | None, Mutability.read_only] = None


class User(Resource[Any]):
    """A person of the organisation."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:User")

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: Name | None = None
    Name: ClassVar[type[ComplexAttribute]] = Name
    display_name: str | None = None
    active: bool | None = None
    # Required here (optional in RFC 7643): an account needs an address to sign in and be told
    # of its sessions.
    emails: Annotated[list[Email] | None, Required.true] = None
    Emails: ClassVar[type[ComplexAttribute]] = Email
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None
    Groups: ClassVar[type[ComplexAttribute]] = GroupMembership


class Group(Resource[Any]):
    """A group of the organisation's people."""

    __schema__ = URN("urn:ietf:params:scim:schemas:core:2.0:Group")

    display_name: Annotated[str | None, Required.true] = None
    members: list[GroupMember] | None = None
    Members: ClassVar[type[ComplexAttribute]] = GroupMember


# What directories send that the specification leaves open, read the way Microsoft Entra ID
# and Okta send it: attributes we do not keep are dropped rather than refused, a PATCH
# "remove" may name its value instead of a path filter, and a PATCH on emails[type eq "work"]
# creates that entry when it is missing.
POLICY = ScimPolicy(
    unknown=ScimPolicy.Unknown.ignore,
    remove_value_as_filter=ScimPolicy.RemoveValue.apply,
    unmatched_path_filter=ScimPolicy.UnmatchedPathFilter.create,
)

SERVICE_PROVIDER_CONFIG = ServiceProviderConfig(
    patch=Patch(supported=True),
    bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
    filter=Filter(supported=True, max_results=MAX_RESULTS),
    change_password=ChangePassword(supported=False),
    sort=Sort(supported=False),
    etag=ETag(supported=False),
    pagination=Pagination(cursor=False, index=True),
    authentication_schemes=[
        AuthenticationScheme(
            type=AuthenticationScheme.Type.oauthbearertoken,
            name="Bearer token",
            description="A token the organisation's owner creates on its provisioning page.",
            primary=True,
        )
    ],
)

RESOURCE_TYPES = [ResourceType.from_resource(User), ResourceType.from_resource(Group)]

PROVIDER = ScimProvider([User, Group], RESOURCE_TYPES, SERVICE_PROVIDER_CONFIG, POLICY)
