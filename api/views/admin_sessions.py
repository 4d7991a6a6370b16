"""GET /api/v1/admin/cohorts/{id}/sessions/: the cohort's sessions, by time and by what became
of them (booked, held, missed, cancelled), as the sessions export lists them."""

from datetime import datetime
from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView

from api.access import admin_cohort_get
from api.serializers.admin_sessions import AdminSessionSerializer, SessionQuerySerializer
from api.views.admin_common import FILTER_REFUSED, AdminEndpoint
from programmes.models import Cohort
from sessions_app.models import Appointment


def _state_q(state: str, *, now: datetime) -> Q:
    """Sessions in `state`, as Appointment.state_at tells them apart."""
    booked = Q(status=Appointment.Status.BOOKED)
    return {
        Appointment.State.BOOKED: booked & Q(ends_at__gt=now),
        Appointment.State.HELD: Appointment.held_q(now=now),
        Appointment.State.MISSED: booked & Q(ends_at__lte=now, reported_not_held=True),
        Appointment.State.CANCELLED: Q(status=Appointment.Status.CANCELLED),
    }[state]


def sessions_of_cohort(
    *,
    cohort: Cohort,
    now: datetime,
    start: datetime | None = None,
    end: datetime | None = None,
    state: str = "",
) -> QuerySet[Appointment]:
    """The cohort's sessions starting in [start, end), in `state`, with their two people (the
    caller got `cohort` through api.access)."""
    rows = (
        Appointment.objects.filter(pairing__cohort=cohort)
        .select_related("mentor", "mentee")
        .only(
            "pairing_id",
            "starts_at",
            "ends_at",
            "mode",
            "status",
            "reported_not_held",
            *(f"{p}__{f}" for p in ("mentor", "mentee") for f in ("display_name", "email")),
        )
    )
    if start is not None:
        rows = rows.filter(starts_at__gte=start)
    if end is not None:
        rows = rows.filter(starts_at__lt=end)
    if state:
        rows = rows.filter(_state_q(state, now=now))
    return rows


@extend_schema(
    tags=["admin"],
    summary="A cohort's sessions",
    parameters=[SessionQuerySerializer],
    responses={
        200: AdminSessionSerializer(many=True),
        400: FILTER_REFUSED,
        404: OpenApiResponse(description="No such cohort among those you may read."),
    },
)
class AdminSessionListView(AdminEndpoint, ListAPIView):
    """The cohort's sessions, earliest first, each with its status as the pages show it."""

    serializer_class = AdminSessionSerializer
    ordering = ["starts_at"]
    ordering_fields = ["starts_at", "id"]

    @cached_property
    def cohort(self) -> Cohort:
        return admin_cohort_get(request=self.request, cohort_id=self.kwargs["cohort_id"])

    @cached_property
    def now(self) -> datetime:
        return timezone.now()

    def get_queryset(self) -> QuerySet[Appointment]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Appointment.objects.none()
        query = SessionQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return sessions_of_cohort(
            cohort=self.cohort,
            now=self.now,
            start=query.validated_data.get("from"),
            end=query.validated_data.get("to"),
            state=query.validated_data.get("status", ""),
        )

    def get_serializer_context(self) -> dict:
        return super().get_serializer_context() | {"now": self.now}
