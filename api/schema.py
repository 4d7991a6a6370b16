"""The schema's errors, documented once: every error answer of every operation is the `Error`
component (api.errors makes them so), whatever the view declared as its body; views name only
which errors they answer and why.

Besides its own, every operation may answer 401 without a valid token or session, 403 when the
token may not do this and 429 over the rate (with Retry-After); one that reads query parameters
or a body, 400 for a value it cannot read or refuses (a filter, `ordering`, `cursor`, a field);
one with an id in its path, 404 for an object that is not there or not yours; one with a body,
415 for a body that is not JSON."""

import copy
import json
import re

from django.core.exceptions import FieldDoesNotExist
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers

HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}
ERROR = {
    "type": "object",
    "description": "Every error the API answers. When fields sent were refused, `code` is "
    "`invalid` and `errors` names each (a nested one as `parent.child`, an item of a list as "
    "`items.0.name`) with its messages. Some refusals add what helps to try again (free "
    "times, say).",
    "properties": {
        "detail": {"type": "string", "description": "What went wrong, in words."},
        "code": {
            "type": "string",
            "description": "A stable name for it: `not_found`, `not_authenticated`, "
            "`permission_denied`, `throttled`, `invalid`, `invalid_cursor`, or the endpoint's "
            "own refusal.",
        },
        "errors": {
            "type": "object",
            "description": "Each refused field with its messages.",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["detail", "code"],
}
REFERENCE = {"$ref": "#/components/schemas/Error"}
COMMON = {
    "401": "No valid token or session: sign in, or send `Authorization: Bearer <token>`.",
    "403": "This token or person may not do this (a read-only token writing, for instance).",
    "429": "Too many requests: wait the seconds that Retry-After says.",
}
BAD_REQUEST = (
    "A value sent cannot be read or is refused: a filter, `ordering` or `cursor` "
    "(`invalid_cursor`), or a field of the body (`errors` names each)."
)
NOT_FOUND = "No such object, or not one you may read."
UNSUPPORTED = "The body is not JSON (send `Content-Type: application/json`)."
RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before the next request.",
        "schema": {"type": "integer"},
    }
}
COMPONENT_REF = re.compile(r'"#/components/schemas/([^"]+)"')


def _is_error(status: str) -> bool:
    return status == "default" or status[:1] in {"4", "5"}


def _errors_of(operation: dict) -> dict[str, str]:
    """The errors this operation may answer besides its own, each with why."""
    where = {parameter.get("in") for parameter in operation.get("parameters", [])}
    errors = dict(COMMON)
    if "query" in where or "requestBody" in operation:
        errors["400"] = BAD_REQUEST
    if "path" in where:
        errors["404"] = NOT_FOUND
    if "requestBody" in operation:
        errors["415"] = UNSUPPORTED
    return errors


def _drop_unused_components(result: dict) -> None:
    """Error bodies views declared themselves are replaced by `Error`: their components go."""
    schemas = result.get("components", {}).get("schemas", {})
    while True:
        used = set(COMPONENT_REF.findall(json.dumps(result, default=str)))
        unused = [name for name in schemas if name not in used]
        if not unused:
            return
        for name in unused:
            del schemas[name]


def document_common_errors(result: dict, generator, request, public) -> dict:
    """drf-spectacular postprocessing hook: every operation's errors, each with `Error`."""
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if method not in HTTP_METHODS:
                continue  # a path's own "parameters" or "summary", not an operation
            responses = operation.setdefault("responses", {})
            for status, description in _errors_of(operation).items():
                responses.setdefault(status, {"description": description})
            for status, answer in responses.items():
                if _is_error(status):
                    answer["content"] = {"application/json": {"schema": REFERENCE}}
                    if status == "429":
                        answer["headers"] = RETRY_AFTER
    _drop_unused_components(result)
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR
    return result


def _model_fields(field: serializers.Field) -> list:
    """The model fields a model serializer's field reads, along its dotted source (a pairing's
    `mentor.email`: the pairing's mentor, then the mentor's email); [] when not known."""
    model = getattr(getattr(field.parent, "Meta", None), "model", None)
    if model is None or not field.source or field.source == "*":
        return []
    path = []
    for name in field.source.split("."):
        try:
            model_field = model._meta.get_field(name)
        except (FieldDoesNotExist, AttributeError):
            return []  # a property or method: the field says itself what it gives
        path.append(model_field)
        model = model_field.related_model
    return path


def _may_be_null(model_field: object) -> bool:
    """A nullable column, or a one-to-one from the other side (DRF gives null when missing)."""
    if getattr(model_field, "concrete", False):
        return bool(model_field.null)
    return bool(getattr(model_field, "one_to_one", False))


class ApiAutoSchema(AutoSchema):
    """drf-spectacular's, documenting answers as DRF gives them from the model: a field read
    from a nullable model field (or through a nullable relation) answers null, allow_null or
    not; and a read-only choice that may be blank (a pairing's close reason before it closes)
    answers '' too (DRF drops `allow_blank` from read-only model fields)."""

    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        path = _model_fields(field) if direction == "response" else []
        null = any(_may_be_null(model_field) for model_field in path)
        blank = bool(path) and path[-1].blank and isinstance(field, serializers.ChoiceField)
        if (null and not field.allow_null) or (blank and not field.allow_blank):
            field = copy.copy(field)
            field.allow_null = field.allow_null or null
            if blank:
                field.allow_blank = True
        return super()._map_serializer_field(field, direction, bypass_extensions)
