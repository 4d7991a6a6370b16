"""The SCIM protocol's plumbing for the views: the bearer token, JSON in and out, errors as
SCIM Error messages, queries (filter, paging, attributes) and list responses. scim2-models
parses, checks and writes the messages."""

import functools
import json
from collections.abc import Callable
from functools import wraps

from django.db.models import QuerySet
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
    Resource,
    SCIMException,
    SearchRequest,
    UnauthorizedException,
)

from organisations.models import Organisation
from provisioning import resources
from provisioning.filters import Column, NotTranslated, ToQ
from provisioning.services.tokens import token_authenticate

CONTENT_TYPE = "application/scim+json"
_JSON_TYPES = ("application/scim+json", "application/json")


@functools.cache
def generic(message: type, model: object) -> type:
    """SearchRequest[User], ListResponse[Group]…: pydantic builds each class once (building one
    takes tens of milliseconds)."""
    return message[model]


def respond(data: dict | None, status: int = 200, location: str = "") -> HttpResponse:
    response = HttpResponse(
        json.dumps(data) if data is not None else b"", status=status, content_type=CONTENT_TYPE
    )
    if location:
        response["Location"] = location
    response["Cache-Control"] = "no-store"  # people's details: never kept by a cache
    return response


def error(error: Error) -> HttpResponse:
    response = respond(error.model_dump(scim_ctx=Context.DEFAULT), status=error.status or 400)
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
                    return error(Error(status=405, detail=f"{request.method} is not allowed here."))
                with resources.PROVIDER:
                    return view(request, organisation, *args, **kwargs)
            except SCIMException as exc:
                return error(exc.to_error())
            except ValidationError as exc:
                return error(Error.from_validation_errors(exc)[0])

        return wrapper

    return decorate


def body(request: HttpRequest) -> dict:
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


def locate(request: HttpRequest) -> Callable[[str], str]:
    base = request.build_absolute_uri("/scim/v2/")
    return lambda path: base + path


def search_request(model: type[Resource], params: dict) -> SearchRequest:
    try:
        return generic(SearchRequest, model).model_validate(params, scim_ctx=Context.SEARCH_REQUEST)
    except ValidationError as exc:
        if any("filter" in str(e.get("loc", "")) for e in exc.errors()):
            raise InvalidFilterException(detail="The filter cannot be read.") from None
        raise


def query_params(request: HttpRequest) -> dict:
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


def list_response(
    request: HttpRequest,
    search: SearchRequest,
    *,
    rows: QuerySet,
    columns: dict[str, Column],
    to_resource: Callable,
    model: type[Resource],
) -> HttpResponse:
    """One page of `rows` as a ListResponse. A filter runs in the database when ToQ
    translates it; any other is evaluated on each resource (exact, slower)."""
    start = max(search.start_index or 1, 1)
    count = resources.MAX_RESULTS if search.count is None else search.count
    count = max(min(count, resources.MAX_RESULTS), 0)
    to_url = locate(request)
    rows = rows.order_by("pk")
    query = None
    if search.filter is not None:
        try:
            query = ToQ(columns).visit(search.filter.ast)
        except NotTranslated:
            query = None
    if search.filter is not None and query is None:
        matching = [
            resource
            for resource in (to_resource(row, locate=to_url) for row in rows)
            if search.filter.match(resource)
        ]
        total, page = len(matching), matching[start - 1 : start - 1 + count]
    else:
        if query is not None:
            rows = rows.filter(query).distinct()
        total = rows.count()
        page = [to_resource(row, locate=to_url) for row in rows[start - 1 : start - 1 + count]]
    listed = generic(ListResponse, model)(
        total_results=total, start_index=start, items_per_page=len(page), resources=page
    )
    return respond(listed.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=search))


def resource_response(
    resource: Resource, request: HttpRequest, *, context: Context, status: int = 200
) -> HttpResponse:
    params = query_params(request)
    search = generic(SearchRequest, type(resource)).model_validate(
        {k: v for k, v in params.items() if k in ("attributes", "excludedAttributes")},
        scim_ctx=Context.SEARCH_REQUEST,
    )
    return respond(
        resource.model_dump(scim_ctx=context, response_parameters=search),
        status=status,
        location=str(resource.meta.location) if status == 201 else "",
    )
