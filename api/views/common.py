"""What the participant views share: refusals of the services as 400 in words, and the
viewer a serializer shows local times for."""

from rest_framework import status
from rest_framework.response import Response

from mentoring.errors import DomainError


def refused(exc: DomainError, *, code: str, field: str | None = None) -> Response:
    """A service's refusal: 400 with `{"detail", "code"}`, or `{field: [message]}` when the
    refusal is about one field of the request."""
    if field:
        return Response({field: [str(exc.message)]}, status=status.HTTP_400_BAD_REQUEST)
    return Response({"detail": str(exc.message), "code": code}, status=status.HTTP_400_BAD_REQUEST)
