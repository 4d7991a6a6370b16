"""Cursor pagination everywhere: stable while rows are added, and as fast on the last page as on
the first. `?page_size=` up to MAX; each list view names its own `ordering`. A cursor the list
never gave answers 400 (`invalid_cursor`), as any other query value it cannot read."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination
from rest_framework.request import Request

from api.errors import InvalidCursor


class Cursor(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def decode_cursor(self, request: Request) -> object:
        try:
            return super().decode_cursor(request)
        except NotFound as exc:  # DRF's answer to a cursor it cannot read
            raise InvalidCursor from exc

    def paginate_queryset(
        self, queryset: QuerySet, request: Request, view: object = None
    ) -> list | None:
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValidationError, ValueError, TypeError) as exc:
            # A cursor that reads well but whose position does not fit the ordering's field
            # (a made-up one): refused, rather than a server error from the database.
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise InvalidCursor from exc
