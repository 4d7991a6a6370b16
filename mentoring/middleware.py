"""Requests refused before any view sees them, and headers every response carries."""

import re
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

# C0 control characters and DEL: never part of an address or a search a person typed. NUL in
# particular reaches PostgreSQL, which refuses it with an error (a 500) rather than no match.
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SCIM_JSON = "application/scim+json"
_SCIM_CONTROL_ERROR = {
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:Error"],
    "status": "400",
    "scimType": "invalidValue",
    "detail": "The address or its query string carries a control character.",
}


class RefuseControlCharactersMiddleware:
    """Answer 400 with a clear message when the address or its query string carries a control
    character (a mangled or hostile link). Form fields are checked by their forms."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        query = request.GET
        if CONTROL.search(request.path) or any(
            CONTROL.search(key) or any(CONTROL.search(value) for value in query.getlist(key))
            for key in query
        ):
            if request.path.startswith("/scim/"):  # an organisation's directory: a SCIM error
                return JsonResponse(_SCIM_CONTROL_ERROR, status=400, content_type=_SCIM_JSON)
            if request.path.startswith("/api/"):  # the REST API: its errors are JSON
                return JsonResponse(
                    {
                        "detail": _("The address or its query string carries a control character."),
                        "code": "control_character",
                    },
                    status=400,
                )
            return render(request, "errors/control_characters.html", status=400)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Permissions-Policy on every response; and what a signed-in person is shown (pages,
    partials, downloads of their data) is never kept by a shared cache or the browser's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, private=True, no_store=True)
        return response
