"""GET /api/v1/admin/cohorts/{id}/enrolments/: everyone enrolled, with their answers to the
cohort's own questions, as the enrolments page shows them."""

from functools import cached_property

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView

from api.access import admin_cohort_get
from api.serializers.admin_enrolments import AdminEnrolmentSerializer, EnrolmentQuerySerializer
from api.views.admin_common import FILTER_REFUSED, AdminEndpoint
from programmes.models import Cohort, Enrolment
from programmes.selectors.cohorts import enrolments_for_review


@extend_schema(
    tags=["admin"],
    summary="A cohort's enrolments with their answers",
    parameters=[EnrolmentQuerySerializer],
    responses={
        200: AdminEnrolmentSerializer(many=True),
        400: FILTER_REFUSED,
        404: OpenApiResponse(description="No such cohort among those you may read."),
    },
)
class AdminEnrolmentListView(AdminEndpoint, ListAPIView):
    """Everyone enrolled in the cohort, with their role, whether they have answered the
    cohort's questions, and their answers (one line each), as the enrolments page shows
    them."""

    serializer_class = AdminEnrolmentSerializer
    ordering = ["id"]
    ordering_fields = ["id"]

    @cached_property
    def cohort(self) -> Cohort:
        return admin_cohort_get(request=self.request, cohort_id=self.kwargs["cohort_id"])

    def get_queryset(self) -> QuerySet[Enrolment]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Enrolment.objects.none()
        query = EnrolmentQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        rows = enrolments_for_review(cohort=self.cohort)
        if role := query.validated_data.get("role"):
            rows = rows.filter(role=role)
        return rows

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False):
            return context
        return context | {"questions": list(self.cohort.questions.all())}
