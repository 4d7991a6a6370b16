"""SCIM discovery (RFC 7644 §4): what the service offers, its resource types and schemas; and
the answer for any other address under /scim/v2/."""

from django.http import HttpRequest, HttpResponse
from scim2_models import (
    Context,
    ListResponse,
    NotFoundException,
    Resource,
    ResourceType,
    Schema,
)

from organisations.models import Organisation
from provisioning import resources
from provisioning.views import protocol
from provisioning.views.protocol import scim_endpoint

# Discovery --------------------------------------------------------------------------------


def _discovery_list(items: list[Resource]) -> HttpResponse:
    listed = protocol.generic(ListResponse, type(items[0]))(
        total_results=len(items), start_index=1, items_per_page=len(items), resources=items
    )
    return protocol.respond(listed.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


def _schemas() -> list[Schema]:
    return [resources.User.to_schema(), resources.Group.to_schema()]


@scim_endpoint(("GET",))
def service_provider_config_view(request: HttpRequest, organisation: Organisation) -> HttpResponse:
    return protocol.respond(
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
    return protocol.respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET",))
def schemas_view(request: HttpRequest, organisation: Organisation, urn: str = "") -> HttpResponse:
    schemas = _schemas()
    if not urn:
        return _discovery_list(schemas)
    found = next((s for s in schemas if s.id == urn), None)
    if found is None:
        raise NotFoundException(detail="No such schema.")
    return protocol.respond(found.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@scim_endpoint(("GET", "POST", "PUT", "PATCH", "DELETE"))
def not_found_view(request: HttpRequest, organisation: Organisation, rest: str) -> HttpResponse:
    raise NotFoundException(detail="No such endpoint.")
