"""The SCIM 2.0 endpoints (RFC 7644) under /scim/v2/, for one organisation's directory.

Each request carries a bearer token (provisioning.models.ScimToken); it decides the
organisation, and every read and write stays inside it. scim2-models parses, checks and writes
the messages (resources, PatchOp, SearchRequest, ListResponse, Error); these views read and
write rows through the selectors and services. Every refusal is a SCIM Error in JSON.
"""

import uuid

from django.http import HttpRequest, HttpResponse
from scim2_models import (
    Context,
    InvalidValueException,
    ListResponse,
    PatchOp,
    SearchRequest,
)

from organisations.models import Organisation
from provisioning import resources, selectors
from provisioning.filters import Column
from provisioning.representation import group_resource, user_resource
from provisioning.services.groups import group_delete, group_save
from provisioning.services.people import (
    provisioned_user_create,
    provisioned_user_delete,
    provisioned_user_update,
)
from provisioning.views import protocol
from provisioning.views.protocol import scim_endpoint

_ANY = resources.User | resources.Group

USER_COLUMNS = {
    "id": Column("scim_id", kind="uuid"),
    "userName": Column("user_name"),
    "externalId": Column("external_id", case_exact=True),
    "active": Column("active", kind="bool"),
    "displayName": Column("attributes__displayName"),
    "emails.value": Column("user__email|attributes__emails", kind="email"),
    "meta.created": Column("created_at", kind="date"),
    "meta.lastModified": Column("updated_at", kind="date"),
}
GROUP_COLUMNS = {
    "id": Column("scim_id", kind="uuid"),
    "displayName": Column("display_name"),
    "externalId": Column("external_id", case_exact=True),
    "members.value": Column("members__scim_id", kind="uuid"),
    "meta.created": Column("created_at", kind="date"),
    "meta.lastModified": Column("updated_at", kind="date"),
}


# Users ------------------------------------------------------------------------------------


@scim_endpoint(("GET", "POST"))
def users_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "POST":
        resource = resources.User.model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        provisioned = provisioned_user_create(organisation=organisation, resource=resource)
        found = selectors.provisioned_user_get(
            organisation=organisation, scim_id=str(provisioned.scim_id)
        )
        return protocol.resource_response(
            user_resource(found, locate=protocol.locate(request)),
            request,
            context=Context.RESOURCE_CREATION_RESPONSE,
            status=201,
        )
    return _users_list(
        request,
        organisation,
        protocol.search_request(resources.User, protocol.query_params(request)),
    )


def _users_list(
    request: HttpRequest, organisation: Organisation, search: SearchRequest
) -> HttpResponse:
    return protocol.list_response(
        request,
        search,
        rows=selectors.provisioned_users(organisation=organisation),
        columns=USER_COLUMNS,
        to_resource=user_resource,
        model=resources.User,
    )


@scim_endpoint(("POST",))
def users_search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _users_list(
        request, organisation, protocol.search_request(resources.User, protocol.body(request))
    )


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def user_view(request: HttpRequest, organisation: Organisation, scim_id: str) -> HttpResponse:
    provisioned = selectors.provisioned_user_get(organisation=organisation, scim_id=scim_id)
    locate = protocol.locate(request)
    current = user_resource(provisioned, locate=locate)
    if request.method == "DELETE":
        provisioned_user_delete(provisioned=provisioned)
        return protocol.respond(None, status=204)
    if request.method == "PUT":
        replacement = resources.User.model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(current)
        provisioned_user_update(provisioned=provisioned, resource=replacement)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    elif request.method == "PATCH":
        patch = protocol.generic(PatchOp, resources.User).model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        provisioned_user_update(provisioned=provisioned, resource=current)
        context = Context.RESOURCE_PATCH_RESPONSE
    else:
        return protocol.resource_response(current, request, context=Context.RESOURCE_QUERY_RESPONSE)
    found = selectors.provisioned_user_get(organisation=organisation, scim_id=scim_id)
    return protocol.resource_response(user_resource(found, locate=locate), request, context=context)


# Groups -----------------------------------------------------------------------------------


def _member_ids(organisation: Organisation, resource: resources.Group) -> list[int]:
    """The members' rows; a member who is not one of the organisation's people is refused as
    if they did not exist."""
    wanted = [m.value for m in resource.members or [] if m.value]
    ids = {value: uuid.UUID(value) for value in wanted if _is_uuid(value)}
    rows = dict(
        selectors.provisioned_users(organisation=organisation)
        .filter(scim_id__in=ids.values())
        .values_list("scim_id", "pk")
    )
    missing = [value for value in wanted if ids.get(value) not in rows]
    if missing:
        raise InvalidValueException(detail=f"No such member: {missing[0]}")
    return list(rows.values())


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _group_save(organisation: Organisation, resource: resources.Group, group=None):
    return group_save(
        organisation=organisation,
        display_name=resource.display_name,
        external_id=resource.external_id or "",
        member_ids=_member_ids(organisation, resource),
        group=group,
    )


@scim_endpoint(("GET", "POST"))
def groups_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "POST":
        resource = resources.Group.model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        group = _group_save(organisation, resource)
        found = selectors.scim_group_get(organisation=organisation, scim_id=str(group.scim_id))
        return protocol.resource_response(
            group_resource(found, locate=protocol.locate(request)),
            request,
            context=Context.RESOURCE_CREATION_RESPONSE,
            status=201,
        )
    search = protocol.search_request(resources.Group, protocol.query_params(request))
    return _groups_list(request, organisation, search)


def _groups_list(
    request: HttpRequest, organisation: Organisation, search: SearchRequest
) -> HttpResponse:
    return protocol.list_response(
        request,
        search,
        rows=selectors.scim_groups(organisation=organisation),
        columns=GROUP_COLUMNS,
        to_resource=group_resource,
        model=resources.Group,
    )


@scim_endpoint(("POST",))
def groups_search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _groups_list(
        request, organisation, protocol.search_request(resources.Group, protocol.body(request))
    )


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def group_view(request: HttpRequest, organisation: Organisation, scim_id: str) -> HttpResponse:
    group = selectors.scim_group_get(organisation=organisation, scim_id=scim_id)
    locate = protocol.locate(request)
    current = group_resource(group, locate=locate)
    if request.method == "DELETE":
        group_delete(group=group)
        return protocol.respond(None, status=204)
    if request.method == "PUT":
        replacement = resources.Group.model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(current)
        _group_save(organisation, replacement, group)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    elif request.method == "PATCH":
        patch = protocol.generic(PatchOp, resources.Group).model_validate(
            protocol.body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        _group_save(organisation, current, group)
        context = Context.RESOURCE_PATCH_RESPONSE
    else:
        return protocol.resource_response(current, request, context=Context.RESOURCE_QUERY_RESPONSE)
    found = selectors.scim_group_get(organisation=organisation, scim_id=scim_id)
    return protocol.resource_response(
        group_resource(found, locate=locate), request, context=context
    )


@scim_endpoint(("POST",))
def search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """POST /.search: users and groups at once. The filter is evaluated on each resource
    (slower than the per-type endpoints, which query the database)."""
    search = protocol.search_request(_ANY, protocol.body(request))
    locate = protocol.locate(request)
    found = [
        user_resource(row, locate=locate)
        for row in selectors.provisioned_users(organisation=organisation).order_by("pk")
    ] + [
        group_resource(row, locate=locate)
        for row in selectors.scim_groups(organisation=organisation).order_by("pk")
    ]
    if search.filter is not None:
        found = [resource for resource in found if search.filter.match(resource)]
    start = max(search.start_index or 1, 1)
    count = max(
        min(resources.MAX_RESULTS if search.count is None else search.count, resources.MAX_RESULTS),
        0,
    )
    page = found[start - 1 : start - 1 + count]
    listed = protocol.generic(ListResponse, _ANY)(
        total_results=len(found), start_index=start, items_per_page=len(page), resources=page
    )
    return protocol.respond(
        listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search)
    )
