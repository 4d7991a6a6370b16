"""What every programme-admin endpoint shares: who may call it (api.access) and how its lists
are ordered and paged, and how a refused filter is documented."""

from drf_spectacular.utils import OpenApiResponse
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request

from api.access import ADMIN_PERMISSIONS


class StableOrdering(OrderingFilter):
    """`?ordering=` as asked, then by id in the same direction, so cursor pages never repeat
    or skip rows that tie on the chosen field."""

    def get_ordering(self, request: Request, queryset: object, view: object) -> list[str]:
        ordering = list(super().get_ordering(request, queryset, view) or [])
        if ordering and ordering[-1].lstrip("-") != "id":
            ordering.append("-id" if ordering[0].startswith("-") else "id")
        return ordering


class AdminEndpoint:
    """Mixin: the admin permissions (organisation tokens welcome, read-only) and ordering."""

    permission_classes = ADMIN_PERMISSIONS
    filter_backends = [StableOrdering]


FILTER_REFUSED = OpenApiResponse(
    description="A filter's value is refused: `errors` names it, with its messages."
)
