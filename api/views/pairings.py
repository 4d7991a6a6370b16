"""GET /api/v1/pairings/ and /pairings/{id}/: the viewer's pairings; /pairings/{id}/agreement/:
their contact agreement; /pairings/{id}/free-times/: the times a session can be booked."""

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema, local_time
from api.serializers.pairings import (
    AgreementSerializer,
    FreeTimesQuerySerializer,
    FreeTimesSerializer,
    PairingSerializer,
    agreement_data,
)
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user, pairings_for_user
from pairings.selectors.agreements import agreement_summary_for
from sessions_app.models import Availability
from sessions_app.selectors.availability import availability_for
from sessions_app.selectors.slots import free_slots


@list_schema(PairingSerializer)
class PairingListView(generics.ListAPIView):
    """The pairings the viewer is in, as mentor or mentee, newest first."""

    serializer_class = PairingSerializer
    queryset = Pairing.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("-created_at", "-id")
    ordering_fields = ["created_at"]
    filterset_fields = ["status"]

    def get_queryset(self):
        return pairings_for_user(user=self.request.user)


class PairingDetailView(generics.RetrieveAPIView):
    serializer_class = PairingSerializer

    @extend_schema(responses={200: PairingSerializer, 404: RefusalSerializer})
    def get(self, request: Request, *args: object, **kwargs: object) -> Response:
        return super().get(request, *args, **kwargs)

    def get_object(self) -> Pairing:
        return pairing_get_for_user(user=self.request.user, pairing_id=self.kwargs["pairing_id"])


class AgreementView(APIView):
    @extend_schema(
        responses={200: AgreementSerializer, 404: RefusalSerializer},
        summary="The pairing's contact agreement: both people's terms, whether it holds",
    )
    def get(self, request: Request, pairing_id: int) -> Response:
        pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
        summary = agreement_summary_for(pairing=pairing, viewer=request.user)
        return Response(AgreementSerializer(agreement_data(summary, request.user)).data)


def free_times_data(
    *,
    pairing: Pairing,
    viewer: User,
    length: int,
    start: datetime | None = None,
    end: datetime | None = None,
    exclude_appointment_id: int | None = None,
    limit: int | None = None,
) -> list[dict]:
    """The free times of a session of `length` minutes in the pairing, as the booking page
    offers them (free_slots), each also on the viewer's clock."""
    slots = free_slots(
        mentor=pairing.mentor,
        mentee=pairing.mentee,
        length=length,
        now=timezone.now(),
        exclude_appointment_id=exclude_appointment_id,
        start=start,
        end=end,
    )
    return [
        {
            "starts_at": slot.starts_at,
            "ends_at": slot.ends_at,
            "starts_at_local": local_time(slot.starts_at, viewer),
        }
        for slot in slots[:limit]
    ]


def bookable_lengths(pairing: Pairing, availability: Availability | None) -> list[int] | Response:
    """The session lengths the pairing's mentor offers (`availability`, the mentor's), or the
    400 saying why nothing can be booked in it now (not active, no hours opened)."""
    if pairing.status != Pairing.Status.ACTIVE:
        return Response(
            {
                "detail": _("Sessions can be booked only while the pairing is active."),
                "code": "inactive",
            },
            status=400,
        )
    lengths = sorted(availability.session_lengths) if availability else []
    if not lengths:
        return Response(
            {
                "detail": _("%(mentor)s has not opened any times for sessions yet.")
                % {"mentor": pairing.mentor.name},
                "code": "no_hours",
            },
            status=400,
        )
    return lengths


def length_refused(lengths: list[int]) -> Response:
    return Response(
        {
            "length": [
                _("Choose one of the lengths your mentor offers: %(lengths)s minutes.")
                % {"lengths": ", ".join(str(n) for n in lengths)}
            ]
        },
        status=400,
    )


class FreeTimesView(APIView):
    @extend_schema(
        parameters=[FreeTimesQuerySerializer],
        responses={200: FreeTimesSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Free times to book a session of one length, in UTC and the viewer's zone",
    )
    def get(self, request: Request, pairing_id: int) -> Response:
        pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
        query = FreeTimesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        lengths = bookable_lengths(pairing, availability_for(pairing.mentor))
        if isinstance(lengths, Response):
            return lengths
        length = query.validated_data.get("length", lengths[0])
        if length not in lengths:
            return length_refused(lengths)
        free_times = free_times_data(
            pairing=pairing,
            viewer=request.user,
            length=length,
            start=query.validated_data.get("from"),
            end=query.validated_data.get("to"),
        )
        return Response(
            FreeTimesSerializer(
                {
                    "length": length,
                    "lengths": lengths,
                    "timezone": request.user.timezone,
                    "free_times": free_times,
                }
            ).data
        )
