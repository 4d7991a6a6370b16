"""Announcements to a cohort: GET and POST /api/v1/admin/cohorts/{id}/announcements/ and GET
/api/v1/admin/announcements/{id}/ with how far its sending got. Sending goes through the same
service as the announcement page (each person gets one copy, however often it is sent); an
organisation's token and read-only tokens only read."""

import uuid
from functools import cached_property

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.access import admin_announcement_get, admin_cohort_get
from api.serializers.admin_announcements import (
    AnnouncementCreateSerializer,
    AnnouncementDetailSerializer,
    AnnouncementSerializer,
)
from api.views.admin_common import AdminEndpoint
from mentoring.errors import DomainError
from oversight.models import Announcement
from oversight.selectors.outreach import announcement_progress, announcements_for_cohort
from oversight.services.announcements import announcement_send
from programmes.models import Cohort

NOT_FOUND = OpenApiResponse(description="No such cohort among those you may read.")


def _detail(announcement: Announcement, *, status_code: int = status.HTTP_200_OK) -> Response:
    progress = announcement_progress(announcement=announcement)
    serializer = AnnouncementDetailSerializer(announcement, context={"progress": progress})
    return Response(serializer.data, status=status_code)


@extend_schema_view(
    get=extend_schema(
        tags=["admin"],
        summary="A cohort's announcements, newest first, with how many copies went out",
        responses={200: AnnouncementSerializer(many=True), 404: NOT_FOUND},
    ),
    post=extend_schema(
        tags=["admin"],
        summary="Send an announcement to the cohort (a session or a read-write personal token)",
        request=AnnouncementCreateSerializer,
        responses={
            201: AnnouncementDetailSerializer,
            400: OpenApiResponse(
                description="A field's value is refused (`errors` names it), or the cohort has "
                "nobody to send to yet (`announcement_refused`).",
            ),
            403: OpenApiResponse(description="An organisation's or a read-only token."),
            404: NOT_FOUND,
        },
    ),
)
class AdminAnnouncementListView(AdminEndpoint, ListAPIView):
    """A cohort's announcements; POST sends a new one to everyone, the mentors or the
    mentees, each person once (a browser session or a read-and-write personal token;
    organisation tokens only read)."""

    serializer_class = AnnouncementSerializer
    ordering = ["-created_at"]
    ordering_fields = ["created_at", "id"]

    @cached_property
    def cohort(self) -> Cohort:
        return admin_cohort_get(request=self.request, cohort_id=self.kwargs["cohort_id"])

    def get_queryset(self) -> QuerySet[Announcement]:
        if getattr(self, "swagger_fake_view", False):  # the schema's generation
            return Announcement.objects.none()
        return announcements_for_cohort(cohort=self.cohort)

    def post(self, request: Request, cohort_id: int) -> Response:
        cohort = self.cohort
        form = AnnouncementCreateSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            announcement = announcement_send(
                cohort=cohort,
                by=request.user,
                audience=form.validated_data["audience"],
                subject=form.validated_data["subject"],
                body=form.validated_data["body"],
                key=form.validated_data.get("key") or uuid.uuid4(),
            )
        except DomainError as exc:
            return Response(
                {"detail": str(exc.message), "code": "announcement_refused"},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return _detail(announcement, status_code=status.HTTP_201_CREATED)


class AdminAnnouncementDetailView(AdminEndpoint, APIView):
    """One announcement, with its text and how far its sending got."""

    @extend_schema(
        tags=["admin"],
        summary="One announcement with how far its sending got",
        responses={
            200: AnnouncementDetailSerializer,
            404: OpenApiResponse(description="No such announcement among those you may read."),
        },
    )
    def get(self, request: Request, announcement_id: int) -> Response:
        return _detail(admin_announcement_get(request=request, announcement_id=announcement_id))
