"""GET /api/v1/admin/cohorts/{id}/pairings/: the cohort page's pairings table, filtered by
status, health and a name, with each pairing's health and reasons, sessions held, last contact
and first in-person meeting."""

from datetime import datetime
from functools import cached_property

from django.db.models import OuterRef, QuerySet, Subquery
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView

from api.access import admin_cohort_get
from api.serializers.admin_pairings import AdminPairingSerializer, PairingQuerySerializer
from api.views.admin_common import FILTER_REFUSED, AdminEndpoint
from oversight.selectors.cohort_dashboard import held_sessions, pairing_table_for_admin
from pairings.models import Pairing
from programmes.models import Cohort
from sessions_app.models import Appointment


def _first_met_in_person(*, now: datetime) -> Subquery:
    """For the outer pairing: when its first in-person session that was held began."""
    in_person = Appointment.objects.filter(pairing=OuterRef("pk"), mode=Appointment.Mode.IN_PERSON)
    return Subquery(held_sessions(in_person, now=now).order_by("starts_at").values("starts_at")[:1])


@extend_schema(
    tags=["admin"],
    summary="A cohort's pairings with their health, as the cohort page's table",
    parameters=[PairingQuerySerializer],
    responses={
        200: AdminPairingSerializer(many=True),
        400: FILTER_REFUSED,
        404: OpenApiResponse(description="No such cohort among those you may read."),
    },
)
class AdminPairingListView(AdminEndpoint, ListAPIView):
    """The cohort's pairings as the cohort page's table shows them, most serious health
    first: the two people, status, health and its reasons (from the nightly assessment),
    sessions held against those expected, last contact, mean rating, a pause running today,
    and when they first met in person."""

    serializer_class = AdminPairingSerializer
    ordering = ["health_rank"]  # the most serious first, as the table
    ordering_fields = ["health_rank", "sessions_held", "created_at", "id"]

    @cached_property
    def cohort(self) -> Cohort:
        return admin_cohort_get(request=self.request, cohort_id=self.kwargs["cohort_id"])

    def get_queryset(self) -> QuerySet[Pairing]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Pairing.objects.none()
        query = PairingQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        now = timezone.now()
        return pairing_table_for_admin(
            cohort=self.cohort,
            now=now,
            today=timezone.localdate(now, self.request.user.zoneinfo),
            status=query.validated_data.get("status", ""),
            health=query.validated_data.get("health", ""),
            search=query.validated_data.get("q", "").strip(),
        ).annotate(first_met_in_person_at=_first_met_in_person(now=now))
