"""Feedback: GET /api/v1/feedback/ (what the viewer is asked to answer, oldest question first;
?answered=1 for their earlier answers), GET /feedback/{id}/ (one of their own rows) and POST
/feedback/{id}/answer/, through the feedback page's selectors and service."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema
from api.serializers.feedback import FeedbackAnswerSerializer, FeedbackSerializer
from api.views.common import refused
from feedback.models import Feedback
from feedback.selectors import (
    feedback_get_for_writer,
    feedback_history_for,
    feedback_waiting_for,
)
from feedback.services import FeedbackRefused, feedback_answer


@list_schema(
    FeedbackSerializer,
    parameters=[
        OpenApiParameter(
            "answered",
            OpenApiTypes.BOOL,
            description="Your earlier answers (and questions no longer open) instead.",
        )
    ],
)
class FeedbackListView(generics.ListAPIView):
    serializer_class = FeedbackSerializer
    queryset = Feedback.objects.none()  # the model, for the schema; rows: get_queryset
    ordering_fields = ["asked_at"]

    def get_queryset(self):
        now = timezone.now()
        if self.request.query_params.get("answered") in ("1", "true"):
            return feedback_history_for(user=self.request.user, now=now)
        return feedback_waiting_for(user=self.request.user, now=now)

    @property
    def ordering(self) -> tuple[str, str]:
        if self.request.query_params.get("answered") in ("1", "true"):
            return ("-asked_at", "-id")
        return ("asked_at", "id")


class FeedbackDetailView(APIView):
    @extend_schema(responses={200: FeedbackSerializer, 404: RefusalSerializer})
    def get(self, request: Request, feedback_id: int) -> Response:
        row = feedback_get_for_writer(user=request.user, feedback_id=feedback_id)
        return Response(FeedbackSerializer(row, context={"request": request}).data)


class FeedbackAnswerView(APIView):
    @extend_schema(
        request=FeedbackAnswerSerializer,
        responses={200: FeedbackSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Answer (or change the answer) while the question is open",
    )
    def post(self, request: Request, feedback_id: int) -> Response:
        row = feedback_get_for_writer(user=request.user, feedback_id=feedback_id)
        data = FeedbackAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            row = feedback_answer(feedback=row, by=request.user, **data.validated_data)
        except FeedbackRefused as exc:
            return refused(exc, code="feedback_refused")
        row = feedback_get_for_writer(user=request.user, feedback_id=row.pk)
        return Response(FeedbackSerializer(row, context={"request": request}).data)
