"""GET /api/v1/admin/cohorts/{id}/feedback/: the cohort's answered feedback as its admins see
it (ratings and check-in answers; feedback.selectors decides, and words never come here)."""

from functools import cached_property

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response

from api.access import admin_cohort_get
from api.serializers.admin_feedback import AdminFeedbackSerializer, FeedbackQuerySerializer
from api.views.admin_common import FILTER_REFUSED, AdminEndpoint
from feedback.models import Feedback
from feedback.selectors import feedback_answered_for_cohort, feedback_views_for_admins
from programmes.models import Cohort


@extend_schema(
    tags=["admin"],
    summary="A cohort's ratings and check-in answers",
    parameters=[FeedbackQuerySerializer],
    responses={
        200: AdminFeedbackSerializer(many=True),
        400: FILTER_REFUSED,
        404: OpenApiResponse(description="No such cohort among those you may read."),
    },
)
class AdminFeedbackListView(AdminEndpoint, ListAPIView):
    """The cohort's answered feedback as its admins see it, latest answer first: ratings
    after sessions, check-in answers (satisfaction, contact working, wants help) and
    closing satisfaction. What people wrote in words never comes here, as in the cohort
    page's export."""

    serializer_class = AdminFeedbackSerializer
    ordering = ["-answered_at"]
    ordering_fields = ["answered_at", "id"]

    @cached_property
    def cohort(self) -> Cohort:
        return admin_cohort_get(request=self.request, cohort_id=self.kwargs["cohort_id"])

    def get_queryset(self) -> QuerySet[Feedback]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Feedback.objects.none()
        query = FeedbackQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        rows = feedback_answered_for_cohort(cohort=self.cohort)
        if kind := query.validated_data.get("kind"):
            rows = rows.filter(kind=kind)
        return rows

    def list(self, request: Request, *args: object, **kwargs: object) -> Response:
        rows = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        views = feedback_views_for_admins(rows=rows)
        return self.get_paginated_response(self.get_serializer(views, many=True).data)
