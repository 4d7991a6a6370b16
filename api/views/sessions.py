"""Sessions: the viewer's own (GET /api/v1/sessions/, filtered by pairing, status and time),
one session, booking (POST), moving (POST …/move/ or PATCH) and cancelling (POST …/cancel/),
through the booking pages' own services.

A time that is not free, or was taken a moment ago by someone else, answers 409 with fresh free
times; other refusals 400 in words. A POST with an `Idempotency-Key` header books once however
often it is retried (the booking form's one-time token, for ten minutes).
"""

from datetime import UTC, datetime, timedelta

import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema
from api.serializers.sessions import (
    BookSerializer,
    CancelSerializer,
    MoveSerializer,
    SessionDetailSerializer,
    SessionSerializer,
    SlotUnavailableSerializer,
)
from api.views.common import refused
from api.views.pairings import free_times_data
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user
from pairings.selectors.agreements import partner_phone_for, phone_display
from sessions_app.models import Appointment
from sessions_app.selectors.appointments import appointment_get_for_user, appointments_for_user
from sessions_app.services.booking import (
    BookingRefused,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from sessions_app.services.series import series_cancel_from

FREE_TIMES_ON_CONFLICT = 20  # fresh free times a 409 offers, from the day before the one asked
IDEMPOTENCY_KEY_MAX = 200

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="Any unique text: a retried POST with the same key (and time) books once.",
)


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 time compared in UTC (PostgreSQL refuses some offsets one may write)."""

    def filter(self, qs, value):
        return super().filter(qs, value.astimezone(UTC) if value else value)


class SessionFilter(django_filters.FilterSet):
    pairing = django_filters.NumberFilter(field_name="pairing_id")
    status = django_filters.ChoiceFilter(choices=Appointment.Status.choices)
    starts_from = UtcDateTimeFilter(field_name="starts_at", lookup_expr="gte")
    starts_before = UtcDateTimeFilter(field_name="starts_at", lookup_expr="lt")

    class Meta:
        model = Appointment
        fields = ["pairing", "status"]


# "from" and "to" are Python words: the filters are declared under other names, renamed here.
SessionFilter.base_filters["from"] = SessionFilter.base_filters.pop("starts_from")
SessionFilter.base_filters["to"] = SessionFilter.base_filters.pop("starts_before")
SessionFilter.base_filters["from"].label = _("Sessions starting at or after (ISO 8601)")
SessionFilter.base_filters["to"].label = _("Sessions starting before (ISO 8601)")


def _conflict(
    exc: SlotUnavailable,
    *,
    pairing: Pairing,
    viewer: User,
    starts_at: datetime,
    length: int,
    exclude_appointment_id: int | None = None,
) -> Response:
    """409: the time is not free; with the free times of that length from the day before."""
    free_times = free_times_data(
        pairing=pairing,
        viewer=viewer,
        length=length,
        start=starts_at - timedelta(days=1),
        exclude_appointment_id=exclude_appointment_id,
        limit=FREE_TIMES_ON_CONFLICT,
    )
    body = SlotUnavailableSerializer(
        {"detail": str(exc.message), "code": "slot_unavailable", "free_times": free_times}
    ).data
    return Response(body, status=status.HTTP_409_CONFLICT)


def _idempotency_key(request: Request) -> str | None:
    key = request.headers.get("Idempotency-Key", "").strip()
    return key[:IDEMPOTENCY_KEY_MAX] or None


@list_schema(SessionSerializer)
class SessionListView(generics.ListCreateAPIView):
    """GET: the viewer's sessions, soonest first. POST: book one."""

    queryset = Appointment.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("starts_at", "id")
    ordering_fields = ["starts_at"]
    filterset_class = SessionFilter

    def get_queryset(self):
        # The list shows both people, not the pairing's cohort: no join for it.
        return (
            appointments_for_user(user=self.request.user)
            .select_related(None)
            .select_related("mentor", "mentee")
        )

    def get_serializer_class(self):
        return BookSerializer if self.request.method == "POST" else SessionSerializer

    @extend_schema(
        request=BookSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: SessionDetailSerializer,
            400: BAD_REQUEST,
            404: RefusalSerializer,
            409: SlotUnavailableSerializer,
        },
        summary="Book a session at one of the pairing's free times",
    )
    def post(self, request: Request) -> Response:
        data = BookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        booking = data.validated_data
        pairing = pairing_get_for_user(user=request.user, pairing_id=booking["pairing"])
        try:
            appointment = appointment_book(
                pairing=pairing,
                booked_by=request.user,
                starts_at=booking["starts_at"],
                length=booking["length"],
                mode=booking["mode"],
                place=booking["place"],
                token=_idempotency_key(request),
            )
        except SlotUnavailable as exc:
            return _conflict(
                exc,
                pairing=pairing,
                viewer=request.user,
                starts_at=booking["starts_at"],
                length=booking["length"],
            )
        except BookingRefused as exc:
            return refused(exc, code="booking_refused")
        return Response(_detail(request, appointment), status=status.HTTP_201_CREATED)


def _detail(request: Request, appointment: Appointment) -> dict:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment.pk)
    phone = None
    if appointment.mode == Appointment.Mode.PHONE:
        phone = phone_display(partner_phone_for(pairing=appointment.pairing, viewer=request.user))
    return SessionDetailSerializer(
        appointment, context={"request": request, "partner_phone": phone}
    ).data


def _move(request: Request, appointment_id: int) -> Response:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    data = MoveSerializer(data=request.data)
    data.is_valid(raise_exception=True)
    starts_at = data.validated_data["starts_at"]
    length = data.validated_data.get("length") or int(
        (appointment.ends_at - appointment.starts_at) / timedelta(minutes=1)
    )
    try:
        appointment_reschedule(appointment=appointment, starts_at=starts_at, length=length)
    except SlotUnavailable as exc:
        return _conflict(
            exc,
            pairing=appointment.pairing,
            viewer=request.user,
            starts_at=starts_at,
            length=length,
            exclude_appointment_id=appointment.pk,
        )
    except BookingRefused as exc:
        return refused(exc, code="booking_refused")
    return Response(_detail(request, appointment))


MOVE_RESPONSES = {
    200: SessionDetailSerializer,
    400: BAD_REQUEST,
    404: RefusalSerializer,
    409: SlotUnavailableSerializer,
}


class SessionDetailView(APIView):
    @extend_schema(responses={200: SessionDetailSerializer, 404: RefusalSerializer})
    def get(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
        return Response(_detail(request, appointment))

    @extend_schema(
        request=MoveSerializer,
        responses=MOVE_RESPONSES,
        summary="Move the session to another free time (as POST …/move/)",
    )
    def patch(self, request: Request, appointment_id: int) -> Response:
        return _move(request, appointment_id)


class SessionMoveView(APIView):
    @extend_schema(
        request=MoveSerializer,
        responses=MOVE_RESPONSES,
        summary="Move the session to another free time; both get the updated invite",
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        return _move(request, appointment_id)


class SessionCancelView(APIView):
    @extend_schema(
        request=CancelSerializer,
        responses={200: SessionDetailSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Cancel the session (and with `following`, the later ones of its series), "
        "saying why; cancelling it again changes nothing",
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
        data = CancelSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancel = series_cancel_from if data.validated_data["following"] else appointment_cancel
        try:
            cancel(appointment=appointment, by=request.user, reason=data.validated_data["reason"])
        except BookingRefused as exc:
            return refused(exc, code="booking_refused")
        return Response(_detail(request, appointment))
