"""What the participant views share: refusals of the services as 400 in words, and a JSON 404
for an address under /api/v1/ that names no endpoint."""

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import status
from rest_framework.response import Response

from mentoring.errors import DomainError


def refused(exc: DomainError, *, code: str, field: str | None = None) -> Response:
    """A service's refusal: 400 with `{"detail", "code"}`, or `{field: [message]}` when the
    refusal is about one field of the request."""
    if field:
        return Response({field: [str(exc.message)]}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": str(exc.message), "code": code}, status=status.HTTP_400_BAD_REQUEST)


@csrf_exempt  # it changes nothing, by any method; a token client sends no CSRF cookie
def not_found(request: HttpRequest) -> JsonResponse:
    """An address under /api/v1/ that names no endpoint: 404 in JSON, as the API's others."""
    return JsonResponse(
        {"detail": _("There is nothing at this address."), "code": "not_found"}, status=404
    )
