"""GET /api/v1/admin/cohorts/ and /api/v1/admin/cohorts/{id}/: the cohorts the caller runs
(an organisation token: its organisation's), each with the figures of its cohort page."""

from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import admin_cohort_get, admin_cohorts
from api.serializers.admin_cohorts import AdminCohortDetailSerializer, AdminCohortSerializer
from api.views.admin_common import AdminEndpoint
from oversight.selectors.cohort_dashboard import cohort_figures
from oversight.selectors.cohorts import cohorts_with_head_counts
from programmes.models import Cohort

NOT_FOUND = OpenApiResponse(description="No such cohort among those you may read.")


@extend_schema(tags=["admin"], summary="The cohorts you run, with their head counts")
class AdminCohortListView(AdminEndpoint, ListAPIView):
    """The cohorts you run (an organisation's token: all of its cohorts), newest first,
    each with its organisation and head counts."""

    serializer_class = AdminCohortSerializer
    ordering = ["-starts_on"]
    ordering_fields = ["starts_on", "ends_on", "id"]

    def get_queryset(self) -> QuerySet[Cohort]:
        return cohorts_with_head_counts(cohorts=admin_cohorts(request=self.request))


class AdminCohortDetailView(AdminEndpoint, APIView):
    """One cohort you may read, with the headline figures of its cohort page. "This month"
    is the calendar month in your time zone (an organisation token's: its maker's)."""

    @extend_schema(
        tags=["admin"],
        summary="One cohort with its page's headline figures",
        responses={200: AdminCohortDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, cohort_id: int) -> Response:
        cohort = admin_cohort_get(request=request, cohort_id=cohort_id)
        figures = cohort_figures(cohort=cohort, now=timezone.now(), tz=request.user.zoneinfo)
        serializer = AdminCohortDetailSerializer(cohort, context={"figures": figures})
        return Response(serializer.data)
