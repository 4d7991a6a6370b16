"""Regular sessions: GET /api/v1/pairings/{id}/series-plan/ shows every date of a series with
whether it is free; POST /api/v1/series/ books the dates confirmed, all or none, through the
series page's own service. A confirmed date taken meanwhile answers 409 with the plan as it is
now; an `Idempotency-Key` books once however often the POST is retried."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import User
from api.serializers.common import BAD_REQUEST, RefusalSerializer, local_time
from api.serializers.series import (
    SeriesBookSerializer,
    SeriesChangedSerializer,
    SeriesPlanSerializer,
    SeriesQuerySerializer,
    SeriesSerializer,
)
from api.serializers.sessions import SessionSerializer
from api.views.common import refused
from api.views.pairings import bookable_lengths, length_refused
from api.views.sessions import IDEMPOTENCY_KEY, _idempotency_key
from mentoring.errors import DomainError
from pairings.models import Pairing
from pairings.selectors import pairing_get_for_user
from sessions_app.models import Availability
from sessions_app.selectors.appointments import series_plan
from sessions_app.selectors.availability import availability_for
from sessions_app.services.series import SeriesChanged, series_book


def _dates(pairing: Pairing, viewer: User, wanted: dict, availability: Availability) -> list[dict]:
    plan = series_plan(
        pairing=pairing,
        availability=availability,
        starts_at=wanted["starts_at"],
        length=wanted["length"],
        every_weeks=wanted["every_weeks"],
        count=wanted["count"],
        now=timezone.now(),
    )
    return [
        {
            "starts_at": o.starts_at,
            "ends_at": o.ends_at,
            "starts_at_local": local_time(o.starts_at, viewer),
            "free": o.free,
            "week_full": o.week_full,
        }
        for o in plan
    ]


def _checked(pairing: Pairing, availability: Availability | None, length: int) -> Response | None:
    lengths = bookable_lengths(pairing, availability)
    if isinstance(lengths, Response):
        return lengths
    return None if length in lengths else length_refused(lengths)


class SeriesPlanView(APIView):
    @extend_schema(
        parameters=[SeriesQuerySerializer],
        responses={200: SeriesPlanSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Every date of a regular series, with whether it is free to book",
    )
    def get(self, request: Request, pairing_id: int) -> Response:
        pairing = pairing_get_for_user(user=request.user, pairing_id=pairing_id)
        query = SeriesQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        availability = availability_for(pairing.mentor)
        if refusal := _checked(pairing, availability, query.validated_data["length"]):
            return refusal
        dates = _dates(pairing, request.user, query.validated_data, availability)
        return Response(
            SeriesPlanSerializer(
                {
                    "timezone": request.user.timezone,
                    "weekly_limit": availability.weekly_limit,
                    "free_count": sum(d["free"] for d in dates),
                    "dates": dates,
                }
            ).data
        )


class SeriesBookView(APIView):
    @extend_schema(
        request=SeriesBookSerializer,
        parameters=[IDEMPOTENCY_KEY],
        responses={
            201: SeriesSerializer,
            400: BAD_REQUEST,
            404: RefusalSerializer,
            409: SeriesChangedSerializer,
        },
        summary="Book the confirmed dates of a series, all or none; each is a session of its own",
    )
    def post(self, request: Request) -> Response:
        data = SeriesBookSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        wanted = dict(data.validated_data)
        pairing = pairing_get_for_user(user=request.user, pairing_id=wanted.pop("pairing"))
        if refusal := _checked(pairing, availability_for(pairing.mentor), wanted["length"]):
            return refusal
        try:
            series = series_book(
                pairing=pairing,
                booked_by=request.user,
                token=_idempotency_key(request),
                **wanted,
            )
        except SeriesChanged as exc:
            body = {
                "detail": str(exc.message),
                "code": "series_changed",
                # The plan as it is now, with the mentor's hours read again.
                "dates": _dates(pairing, request.user, wanted, availability_for(pairing.mentor)),
            }
            return Response(SeriesChangedSerializer(body).data, status=status.HTTP_409_CONFLICT)
        except DomainError as exc:  # BookingRefused, and any other refusal in words
            return refused(exc, code="booking_refused")
        sessions = series.appointments.select_related("mentor", "mentee").order_by("starts_at")
        context = {"request": request}
        return Response(
            {
                "id": series.pk,
                "every_weeks": series.every_weeks,
                "sessions": SessionSerializer(sessions, many=True, context=context).data,
            },
            status=status.HTTP_201_CREATED,
        )
