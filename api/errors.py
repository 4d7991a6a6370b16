"""One shape for every error the API answers, documented once (api.schema.ERROR):

    {"detail": "What went wrong, in words.", "code": "a_stable_name"}

and, when fields sent were refused, `"code": "invalid"` with each refused field and its
messages under `errors` (a nested field as `parent.child`, an item of a list as `items.0.name`):

    {"detail": "...", "code": "invalid", "errors": {"subject": ["This field is required."]}}

DRF's own refusals (401, 403, 404, 405, 415, 429, ...) come through `exception_handler`; answers
a view built itself are reshaped by `ErrorJSONRenderer`; and what Django answers before or
outside any API view under /api/ (no such address, a control character in the query string,
a server error) is JSON in the same shape (`bad_request` ... `server_error`, the site's error
handlers, which keep the pages' HTML everywhere else)."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

API_PREFIX = "/api/"
INVALID = "invalid"


class InvalidCursor(exceptions.APIException):
    """A `cursor` this list never gave (edited, or from another list)."""

    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = gettext_lazy(
        "This cursor is not one this list gave: start again from the first page."
    )
    default_code = "invalid_cursor"


def _code(value: object, fallback: str) -> str:
    return str(getattr(value, "code", None) or fallback)


def _flatten(errors: object, prefix: str = "") -> dict[str, list[str]]:
    """DRF's field errors (nested dicts and lists) as `{"field.path": ["message", ...]}`."""
    if isinstance(errors, dict):
        flat: dict[str, list[str]] = {}
        for key, value in errors.items():
            flat |= _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return flat
    if isinstance(errors, list) and any(isinstance(item, dict | list) for item in errors):
        flat = {}
        for index, value in enumerate(errors):
            flat |= _flatten(value, f"{prefix}.{index}" if prefix else str(index))
        return flat
    messages = errors if isinstance(errors, list) else [errors]
    return {prefix: [str(message) for message in messages]} if messages else {}


def _first(errors: object) -> object:
    """The first message (an ErrorDetail, with its code) of DRF's field errors."""
    while isinstance(errors, dict | list) and errors:
        errors = next(iter(errors.values())) if isinstance(errors, dict) else errors[0]
    return errors


def error_body(data: object, *, status_code: int) -> dict:
    """`data` of an error answer in the API's one shape (unchanged if it has it already)."""
    if isinstance(data, dict) and "detail" in data and not isinstance(data["detail"], dict | list):
        return {**data, "code": data.get("code") or _code(data["detail"], "error")}
    if isinstance(data, list):  # ValidationError("...") raised without a field
        first = _first(data)
        return {"detail": " ".join(map(str, data)), "code": _code(first, INVALID)}
    if isinstance(data, dict) and set(data) <= {"non_field_errors"}:
        messages = data.get("non_field_errors") or [_("The request is refused.")]
        return {"detail": " ".join(map(str, messages)), "code": _code(_first(messages), INVALID)}
    if isinstance(data, dict):
        return {
            "detail": _("Some values sent are refused: errors names each, with its messages."),
            "code": INVALID,
            "errors": _flatten(data),
        }
    return {"detail": str(data), "code": "error" if status_code >= 500 else INVALID}


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF's handler (its status codes and headers: WWW-Authenticate, Retry-After), with every
    body in the API's error shape; a code from the exception (`not_found`, `throttled`, ...)."""
    # Imported here: rest_framework.views reads the renderer setting, which names this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = error_body(response.data, status_code=response.status_code)
    return response


class ErrorJSONRenderer(JSONRenderer):
    """JSON; an error answer a view built itself gets the API's error shape too."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and response.status_code >= 400 and data is not None:
            data = error_body(data, status_code=response.status_code)
        return super().render(data, accepted_media_type, renderer_context)


def _json_error(detail: str, *, code: str, status_code: int) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status_code)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 400 (a request Django refused before any view): JSON under /api/."""
    if request.path.startswith(API_PREFIX):
        return _json_error(_("The request cannot be read."), code="bad_request", status_code=400)
    return defaults.bad_request(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 403: JSON under /api/."""
    if request.path.startswith(API_PREFIX):
        return _json_error(_("You may not do this."), code="permission_denied", status_code=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The site's 404: under /api/ (an address that names no endpoint), JSON."""
    if request.path.startswith(API_PREFIX):
        return _json_error(
            _("There is nothing at this address."), code="not_found", status_code=404
        )
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """The site's 500: under /api/, JSON (the error is logged as on the pages)."""
    if request.path.startswith(API_PREFIX):
        return _json_error(
            _("Something went wrong on our side; try again later."),
            code="server_error",
            status_code=500,
        )
    return defaults.server_error(request)
