"""A pairing's messages: GET /api/v1/pairings/{id}/messages/ (newest first, by cursor) and
POST to send one. Sending obeys the contact hours exactly as the thread page does: message_send
schedules the partner's email (held to their hours, or at once when urgent and they let urgent
messages through), and the answer says which."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema, local_time
from api.serializers.messages import (
    MessageEditSerializer,
    MessageSendSerializer,
    MessageSentSerializer,
    MessageSerializer,
)
from api.views.common import refused
from exchange.models import Message
from exchange.selectors.messages import message_get_for_user, thread_get_for_user
from exchange.services.messages import (
    MessageBodyRefused,
    MessageRefused,
    message_delete,
    message_edit,
    message_send,
)
from notifications.models import Notification
from pairings.models import Pairing


def _partner_email(message: Message, viewer: object) -> dict:
    """What message_send scheduled for the partner (its notification row), for the answer."""
    row = (
        Notification.objects.filter(message=message)
        .exclude(recipient=viewer)
        .values("due_at", "held")
        .first()
    )
    if row is None:
        emailed, held, until = "never", False, None
    elif row["due_at"] <= timezone.now():
        emailed, held, until = "now", False, None
    else:
        emailed, held, until = "later", row["held"], row["due_at"]
    return {
        "emailed": emailed,
        "held": held,
        "held_until": until,
        "held_until_local": local_time(until, viewer),
        "timezone": viewer.timezone,
    }


@list_schema(MessageSerializer)
class MessageListView(generics.ListCreateAPIView):
    """GET: the thread, newest first (page back with `next`). POST: send a message."""

    serializer_class = MessageSerializer
    queryset = Message.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("-created_at", "-id")
    ordering_fields = ["created_at"]

    def _pairing(self) -> Pairing:
        return thread_get_for_user(user=self.request.user, pairing_id=self.kwargs["pairing_id"])

    def get_queryset(self):
        return Message.objects.filter(pairing=self._pairing()).select_related("sender")

    @extend_schema(
        request=MessageSendSerializer,
        responses={201: MessageSentSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Send a message; the answer says when the partner is emailed about it",
    )
    def post(self, request: Request, pairing_id: int) -> Response:
        pairing = self._pairing()
        data = MessageSendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = message_send(pairing=pairing, sender=request.user, **data.validated_data)
        except MessageBodyRefused as exc:
            return refused(exc, code="message_refused", field="body")
        except MessageRefused as exc:
            return refused(exc, code="message_refused")
        context = {"request": request, "partner_email": _partner_email(message, request.user)}
        return Response(
            MessageSentSerializer(message, context=context).data, status=status.HTTP_201_CREATED
        )


class MessageDetailView(APIView):
    """One message of the viewer's pairings: change or delete one's own, for a short while
    after sending it (the thread page's window); the partner's thread shows the change."""

    @extend_schema(
        request=MessageEditSerializer,
        responses={200: MessageSerializer, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Change the text of one's own message, within the edit window",
    )
    def patch(self, request: Request, message_id: int) -> Response:
        message = message_get_for_user(user=request.user, message_id=message_id)
        data = MessageEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            message = message_edit(message=message, by=request.user, **data.validated_data)
        except MessageBodyRefused as exc:
            return refused(exc, code="message_refused", field="body")
        except MessageRefused as exc:
            return refused(exc, code="message_refused")
        return Response(MessageSerializer(message, context={"request": request}).data)

    @extend_schema(
        responses={204: None, 400: BAD_REQUEST, 404: RefusalSerializer},
        summary="Delete one's own message, within the edit window (it keeps its place, empty)",
    )
    def delete(self, request: Request, message_id: int) -> Response:
        message = message_get_for_user(user=request.user, message_id=message_id)
        try:
            message_delete(message=message, by=request.user)
        except MessageRefused as exc:
            return refused(exc, code="message_refused")
        return Response(status=status.HTTP_204_NO_CONTENT)
