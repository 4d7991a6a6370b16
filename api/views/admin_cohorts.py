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
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import (
    cohort_figures,
    cohort_weeks,
    health_per_week,
    sessions_per_week,
)
from oversight.selectors.cohorts import cohorts_with_head_counts
from oversight.selectors.queue import (
    health_queue_for_admin,
    mentees_waiting_for_cohort,
    pauses_awaiting_for_cohort,
)
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
    """One cohort you may read, with what its cohort page shows: the headline figures, how
    long each list of "Needs you now" is, and the charts' weeks. "This month" and weeks are
    in your time zone (an organisation token's: its maker's)."""

    @extend_schema(
        tags=["admin"],
        summary="One cohort with its page's figures, queue and weekly charts",
        responses={200: AdminCohortDetailSerializer, 404: NOT_FOUND},
    )
    def get(self, request: Request, cohort_id: int) -> Response:
        cohort = admin_cohort_get(request=request, cohort_id=cohort_id)
        now, tz = timezone.now(), request.user.zoneinfo
        today = timezone.localdate(now, tz)
        queue = health_queue_for_admin(cohort=cohort, now=now, today=today)
        weeks = cohort_weeks(cohort=cohort, today=today)
        sessions = sessions_per_week(cohort=cohort, now=now, tz=tz, weeks=weeks)
        health = health_per_week(cohort=cohort, weeks=weeks)
        context = {
            "figures": cohort_figures(cohort=cohort, now=now, tz=tz),
            "needs_you_now": {
                "at_risk": queue.at_risk.total,
                "attention": queue.attention.total,
                "snoozed": queue.snoozed,
                "mentees_waiting": mentees_waiting_for_cohort(cohort=cohort).total,
                "pauses_awaiting": len(pauses_awaiting_for_cohort(cohort=cohort)),
            },
            "weeks": [
                {
                    "week": week,
                    "sessions_held": sessions.values[n],
                    "on_track": health.counts[HealthStatus.ON_TRACK][n],
                    "attention": health.counts[HealthStatus.NEEDS_ATTENTION][n],
                    "at_risk": health.counts[HealthStatus.AT_RISK][n],
                }
                for n, week in enumerate(weeks)
            ],
        }
        return Response(AdminCohortDetailSerializer(cohort, context=context).data)
