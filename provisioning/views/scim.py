"""The SCIM 2.0 endpoints (RFC 7644) under /scim/v2/, for one organisation's directory.

Each request carries a bearer token (provisioning.models.ScimToken); it decides the
organisation, and every read and write stays inside it. scim2-models parses, checks and writes
the messages (resources, PatchOp, SearchRequest, ListResponse, Error); these views read and
write rows through the selectors and services. Every refusal is a SCIM Error in JSON.
"""

import functools
import json
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    InvalidFilterException,
    InvalidSyntaxException,
    InvalidValueException,
    ListResponse,
    NotFoundException,
    PatchOp,
    Resource,
    ResourceType,
    Schema,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)

from organisations.models import Organisation
from provisioning import resources, selectors
from provisioning.filters import Column, NotTranslated, ToQ
from provisioning.representation import group_resource, user_resource
from provisioning.services.groups import group_delete, group_save
from provisioning.services.people import (
    provisioned_user_create,
    provisioned_user_delete,
    provisioned_user_update,
)
from provisioning.services.tokens import token_authenticate

CONTENT_TYPE = "application/scim+json"
_ANY = resources.User | resources.Group
_JSON_TYPES = ("application/scim+json", "application/json")

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


@functools.cache
def _generic(message: type, model: object) -> type:
    """SearchRequest[User], ListResponse[Group]…: pydantic builds each class once (building one
    takes tens of milliseconds)."""
    return message[model]


def _respond(data: dict | None, status: int = 200, location: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data) if data is not None else b"", status=status, content_type=CONTENT_TYPE
    )
    if location:
        response["Location"] = location
    return response


def _error(error: Error) -> HttpResponse:
    response = _respond(error.model_dump(scim_ctx=Context.DEFAULT), status=error.status or 400)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="SCIM"'
    return response


def _organisation(request: HttpRequest) -> Organisation:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    found = token_authenticate(token=token.strip()) if scheme.lower() == "bearer" else None
    if found is None:
        raise UnauthorizedException(detail="A valid bearer token is needed.")
    return found.organisation


def scim_endpoint(methods: tuple[str, ...]) -> Callable:
    """Authenticate the directory, allow only `methods`, and answer every refusal as a SCIM
    Error: a SCIMException with its status, a payload scim2-models refused as 400."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
            try:
                organisation = _organisation(request)
                if request.method not in methods:
                    return _error(
                        Error(status=405, detail=f"{request.method} is not allowed here.")
                    )
                with resources.PROVIDER:
                    return view(request, organisation, *args, **kwargs)
            except SCIMException as exc:
                return _error(exc.to_error())
            except ValidationError as exc:
                return _error(Error.from_validation_errors(exc)[0])

        return wrapper

    return decorate


def _body(request: HttpRequest) -> dict:
    content_type = request.content_type or ""
    if content_type not in _JSON_TYPES:
        raise InvalidSyntaxException(detail="Send JSON (application/scim+json).")
    try:
        body = json.loads(request.body or b"null")
    except (ValueError, UnicodeDecodeError):
        raise InvalidSyntaxException(detail="The body is not valid JSON.") from None
    if not isinstance(body, dict):
        raise InvalidSyntaxException(detail="The body must be a JSON object.")
    if _has_nul(body):  # PostgreSQL stores no NUL character, in text or in JSON
        raise InvalidValueException(detail="A value carries a NUL character.")
    return body


def _has_nul(value: object) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _locate(request: HttpRequest) -> Callable[[str], str]:
    base = request.build_absolute_uri("/scim/v2/")
    return lambda path: base + path


def _search_request(model: type[Resource], params: dict) -> SearchRequest:
    try:
        return _generic(SearchRequest, model).model_validate(
            params, scim_ctx=Context.SEARCH_REQUEST
        )
    except ValidationError as exc:
        if any("filter" in str(e.get("loc", "")) for e in exc.errors()):
            raise InvalidFilterException(detail="The filter cannot be read.") from None
        raise


def _query_params(request: HttpRequest) -> dict:
    params = {}
    for key in ("filter", "startIndex", "count", "attributes", "excludedAttributes"):
        if key in request.GET:
            params[key] = request.GET[key]
    for key in ("attributes", "excludedAttributes"):
        if key in params:
            params[key] = [a.strip() for a in params[key].split(",") if a.strip()]
    for key in ("sortBy", "sortOrder"):
        if key in request.GET:
            params[key] = request.GET[key]
    return params


def _list(
    request: HttpRequest,
    search: SearchRequest,
    *,
    rows,
    columns: dict,
    to_resource: Callable,
    model: type[Resource],
) -> HttpResponse:
    start = max(search.start_index or 1, 1)
    count = search.count if search.count is not None else resources.MAX_RESULTS
    count = max(min(count, resources.MAX_RESULTS), 0)
    locate = _locate(request)
    query = None
    if search.filter is not None:
        try:
            query = ToQ(columns).visit(search.filter.ast)
        except NotTranslated:
            query = None
            matching = [
                resource
                for resource in (to_resource(row, locate=locate) for row in rows.order_by("pk"))
                if search.filter.match(resource)
            ]
            total, page = len(matching), matching[start - 1 : start - 1 + count]
    if search.filter is None or query is not None:
        rows = rows.filter(query).distinct() if query is not None else rows
        rows = rows.order_by("pk")
        total = rows.count()
        page = [to_resource(row, locate=locate) for row in rows[start - 1 : start - 1 + count]]
    listed = _generic(ListResponse, model)(
        total_results=total, start_index=start, items_per_page=len(page), resources=page
    )
    return _respond(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def _resource_response(
    resource: Resource, request: HttpRequest, *, context: Context, status: int = 200
) -> HttpResponse:
    params = _query_params(request)
    search = _generic(SearchRequest, type(resource)).model_validate(
        {k: v for k, v in params.items() if k in ("attributes", "excludedAttributes")},
        scim_ctx=Context.SEARCH_REQUEST,
    )
    return _respond(
        resource.model_dump(scim_ctx=context, response_parameters=search),
        status=status,
        location=str(resource.meta.location) if status == 201 else "",
    )


# Users ------------------------------------------------------------------------------------


@scim_endpoint(("GET", "POST"))
def users_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    if request.method == "POST":
        resource = resources.User.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        provisioned = provisioned_user_create(organisation=organisation, resource=resource)
        found = selectors.provisioned_user_get(
            organisation=organisation, scim_id=str(provisioned.scim_id)
        )
        return _resource_response(
            user_resource(found, locate=_locate(request)),
            request,
            context=Context.RESOURCE_CREATION_RESPONSE,
            status=201,
        )
    return _users_list(
        request, organisation, _search_request(resources.User, _query_params(request))
    )


def _users_list(
    request: HttpRequest, organisation: Organisation, search: SearchRequest
) -> HttpResponse:
    return _list(
        request,
        search,
        rows=selectors.provisioned_users(organisation=organisation),
        columns=USER_COLUMNS,
        to_resource=user_resource,
        model=resources.User,
    )


@scim_endpoint(("POST",))
def users_search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _users_list(request, organisation, _search_request(resources.User, _body(request)))


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def user_view(request: HttpRequest, organisation: Organisation, scim_id: str) -> HttpResponse:
    provisioned = selectors.provisioned_user_get(organisation=organisation, scim_id=scim_id)
    locate = _locate(request)
    current = user_resource(provisioned, locate=locate)
    if request.method == "DELETE":
        provisioned_user_delete(provisioned=provisioned)
        return _respond(None, status=204)
    if request.method == "PUT":
        replacement = resources.User.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(current)
        provisioned_user_update(provisioned=provisioned, resource=replacement)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    elif request.method == "PATCH":
        patch = _generic(PatchOp, resources.User).model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        provisioned_user_update(provisioned=provisioned, resource=current)
        context = Context.RESOURCE_PATCH_RESPONSE
    else:
        return _resource_response(current, request, context=Context.RESOURCE_QUERY_RESPONSE)
    found = selectors.provisioned_user_get(organisation=organisation, scim_id=scim_id)
    return _resource_response(user_resource(found, locate=locate), request, context=context)


# Groups -----------------------------------------------------------------------------------


def _member_ids(organisation: Organisation, resource: resources.Group) -> list[int]:
    """The members' rows; a member who is not one of the organisation's people is refused as
    if they did not exist."""
    wanted = [m.value for m in resource.members or [] if m.value]
    rows = {
        str(pu.scim_id): pu.pk
        for pu in selectors.provisioned_users(organisation=organisation).filter(
            scim_id__in=[v for v in wanted if _is_uuid(v)]
        )
    }
    missing = [v for v in wanted if v not in rows]
    if missing:
        raise InvalidValueException(detail=f"No such member: {missing[0]}")
    return list(rows.values())


def _is_uuid(value: str) -> bool:
    import uuid

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
            _body(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
        )
        group = _group_save(organisation, resource)
        found = selectors.scim_group_get(organisation=organisation, scim_id=str(group.scim_id))
        return _resource_response(
            group_resource(found, locate=_locate(request)),
            request,
            context=Context.RESOURCE_CREATION_RESPONSE,
            status=201,
        )
    search = _search_request(resources.Group, _query_params(request))
    return _groups_list(request, organisation, search)


def _groups_list(
    request: HttpRequest, organisation: Organisation, search: SearchRequest
) -> HttpResponse:
    return _list(
        request,
        search,
        rows=selectors.scim_groups(organisation=organisation),
        columns=GROUP_COLUMNS,
        to_resource=group_resource,
        model=resources.Group,
    )


@scim_endpoint(("POST",))
def groups_search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _groups_list(request, organisation, _search_request(resources.Group, _body(request)))


@scim_endpoint(("GET", "PUT", "PATCH", "DELETE"))
def group_view(request: HttpRequest, organisation: Organisation, scim_id: str) -> HttpResponse:
    group = selectors.scim_group_get(organisation=organisation, scim_id=scim_id)
    locate = _locate(request)
    current = group_resource(group, locate=locate)
    if request.method == "DELETE":
        group_delete(group=group)
        return _respond(None, status=204)
    if request.method == "PUT":
        replacement = resources.Group.model_validate(
            _body(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
        replacement.replace(current)
        _group_save(organisation, replacement, group)
        context = Context.RESOURCE_REPLACEMENT_RESPONSE
    elif request.method == "PATCH":
        patch = _generic(PatchOp, resources.Group).model_validate(
            _body(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(current)
        _group_save(organisation, current, group)
        context = Context.RESOURCE_PATCH_RESPONSE
    else:
        return _resource_response(current, request, context=Context.RESOURCE_QUERY_RESPONSE)
    found = selectors.scim_group_get(organisation=organisation, scim_id=scim_id)
    return _resource_response(group_resource(found, locate=locate), request, context=context)


@scim_endpoint(("POST",))
def search_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    """POST /.search: users and groups at once. The filter is evaluated on each resource
    (slower than the per-type endpoints, which query the database)."""
    search = _search_request(_ANY, _body(request))
    locate = _locate(request)
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
    listed = _generic(ListResponse, _ANY)(
        total_results=len(found), start_index=start, items_per_page=len(page), resources=page
    )
    return _respond(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


# Discovery --------------------------------------------------------------------------------


def _discovery_list(items: list[Resource]) -> HttpResponse:
    listed = _generic(ListResponse, type(items[0]))(
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return _respond(listed.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _schemas() -> list[Schema]:
    return [resources.User.to_schema(), resources.Group.to_schema()]


@scim_endpoint(("GET",))
def service_provider_config_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return _respond(
        resources.SERVICE_PROVIDER_CONFIG.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)
    )


@scim_endpoint(("GET",))
def resource_types_view(
    request: HttpRequest, organisation: Organisation, name: str = ""
) -> HttpResponse:
    types: list[ResourceType] = resources.RESOURCE_TYPES
    if not name:
        return _discovery_list(types)
    found = next((t for t in types if t.id == name), None)
    if found is None:
        raise NotFoundException(detail="No such resource type.")
    return _respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET",))
def schemas_view(request: HttpRequest, organisation: Organisation, urn: str = "") -> HttpResponse:
    schemas = _schemas()
    if not urn:
        return _discovery_list(schemas)
    found = next((s for s in schemas if s.id == urn), None)
    if found is None:
        raise NotFoundException(detail="No such schema.")
    return _respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found_view(request: HttpRequest, organisation: Organisation, rest: str) -> HttpResponse:
    raise NotFoundException(detail="No such endpoint.")
