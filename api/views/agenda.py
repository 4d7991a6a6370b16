"""A session's agenda (/api/v1/sessions/{id}/agenda/: list, add; …/agenda/{item}/: tick by
PATCH, remove by DELETE), notes (/sessions/{id}/notes/: read, write one's own by PUT) and
action items (/sessions/{id}/actions/: add; …/actions/{action}/: tick by PATCH, DELETE),
through the agenda page's services; the session comes only through appointment_get_for_user."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.agenda import (
    ActionAddSerializer,
    ActionSerializer,
    AgendaItemAddSerializer,
    AgendaItemSerializer,
    AgendaItemTickSerializer,
    NotesSerializer,
    NoteWriteSerializer,
)
from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema
from api.views.common import refused
from sessions_app.models import ActionItem, AgendaItem, Appointment
from sessions_app.selectors.agenda import (
    agenda_for,
    notes_are_open,
    notes_for,
    session_is_editable,
)
from sessions_app.selectors.appointments import appointment_get_for_user
from sessions_app.services.agenda import (
    AgendaRefused,
    action_item_add,
    action_item_remove,
    action_item_tick,
    agenda_item_add,
    agenda_item_remove,
    agenda_item_tick,
    session_note_save,
)

WRITE_RESPONSES = {400: BAD_REQUEST, 404: RefusalSerializer}


@list_schema(AgendaItemSerializer)
class AgendaListView(generics.ListCreateAPIView):
    """GET: the session's agenda, in the order added. POST: add a goal, question or material
    (until the session ends)."""

    serializer_class = AgendaItemSerializer
    queryset = AgendaItem.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("created_at", "id")
    ordering_fields: list[str] = []  # in the order added, as on the page

    def _appointment(self) -> Appointment:
        return appointment_get_for_user(
            user=self.request.user, appointment_id=self.kwargs["appointment_id"]
        )

    def get_queryset(self):
        return agenda_for(appointment=self._appointment())

    @extend_schema(
        request=AgendaItemAddSerializer,
        responses={201: AgendaItemSerializer, **WRITE_RESPONSES},
        summary="Add an item to the session's agenda",
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = self._appointment()
        data = AgendaItemAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = agenda_item_add(
                appointment=appointment, author=request.user, **data.validated_data
            )
        except AgendaRefused as exc:
            return refused(exc, code="agenda_refused")
        return Response(
            AgendaItemSerializer(item, context={"request": request}).data,
            status=status.HTTP_201_CREATED,
        )


def _item(request: Request, appointment_id: int, item_id: int) -> AgendaItem:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    item = agenda_for(appointment=appointment).filter(pk=item_id).first()
    if item is None:
        raise Http404
    item.appointment = appointment
    return item


class AgendaItemView(APIView):
    @extend_schema(
        request=AgendaItemTickSerializer,
        responses={200: AgendaItemSerializer, **WRITE_RESPONSES},
        summary="Tick an agenda item done, or not",
    )
    def patch(self, request: Request, appointment_id: int, item_id: int) -> Response:
        item = _item(request, appointment_id, item_id)
        data = AgendaItemTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            item = agenda_item_tick(item=item, by=request.user, done=data.validated_data["done"])
        except AgendaRefused as exc:
            return refused(exc, code="agenda_refused")
        return Response(AgendaItemSerializer(item, context={"request": request}).data)

    @extend_schema(
        responses={204: None, **WRITE_RESPONSES}, summary="Take one's own item off the agenda"
    )
    def delete(self, request: Request, appointment_id: int, item_id: int) -> Response:
        item = _item(request, appointment_id, item_id)
        try:
            agenda_item_remove(item=item, by=request.user)
        except AgendaRefused as exc:
            return refused(exc, code="agenda_refused")
        return Response(status=status.HTTP_204_NO_CONTENT)


def _notes(request: Request, appointment: Appointment) -> dict:
    started = notes_are_open(appointment=appointment)
    notes = notes_for(appointment=appointment, viewer=request.user) if started else None
    return NotesSerializer(
        {
            "open": started,
            "editable": session_is_editable(appointment=appointment),
            "mine": notes.mine if notes else None,
            "partners": notes.partners if notes else None,
            "actions": [
                {
                    "id": action.pk,
                    "text": action.text,
                    "done": action.done,
                    "author": {"id": action.author_id, "name": action.author.name},
                }
                for action in (notes.actions if notes else [])
            ],
        }
    ).data


class NotesView(APIView):
    @extend_schema(
        responses={200: NotesSerializer, 404: RefusalSerializer},
        summary="One's own note on the session, the partner's if shared, and action items",
    )
    def get(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
        return Response(_notes(request, appointment))

    @extend_schema(
        request=NoteWriteSerializer,
        responses={200: NotesSerializer, **WRITE_RESPONSES},
        summary="Write one's own note (empty text deletes it), once the session has started",
    )
    def put(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
        data = NoteWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            session_note_save(appointment=appointment, author=request.user, **data.validated_data)
        except AgendaRefused as exc:
            return refused(exc, code="notes_refused")
        return Response(_notes(request, appointment))


def _action_data(action: ActionItem) -> dict:
    return ActionSerializer(
        {
            "id": action.pk,
            "text": action.text,
            "done": action.done,
            "author": {"id": action.author_id, "name": action.author.name},
        }
    ).data


class ActionListView(APIView):
    @extend_schema(
        request=ActionAddSerializer,
        responses={201: ActionSerializer, **WRITE_RESPONSES},
        summary="Add an action item, once the session has started (it joins the next "
        "session's agenda)",
    )
    def post(self, request: Request, appointment_id: int) -> Response:
        appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
        data = ActionAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = action_item_add(
                appointment=appointment, author=request.user, **data.validated_data
            )
        except AgendaRefused as exc:
            return refused(exc, code="notes_refused")
        return Response(_action_data(action), status=status.HTTP_201_CREATED)


def _action(request: Request, appointment_id: int, action_id: int) -> ActionItem:
    appointment = appointment_get_for_user(user=request.user, appointment_id=appointment_id)
    action = appointment.actions.select_related("author").filter(pk=action_id).first()
    if action is None:
        raise Http404
    action.appointment = appointment
    return action


class ActionItemView(APIView):
    @extend_schema(
        request=AgendaItemTickSerializer,
        responses={200: ActionSerializer, **WRITE_RESPONSES},
        summary="Tick an action item done, or not (either person may)",
    )
    def patch(self, request: Request, appointment_id: int, action_id: int) -> Response:
        action = _action(request, appointment_id, action_id)
        data = AgendaItemTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            action = action_item_tick(action=action, by=request.user, **data.validated_data)
        except AgendaRefused as exc:
            return refused(exc, code="notes_refused")
        return Response(_action_data(action))

    @extend_schema(responses={204: None, **WRITE_RESPONSES}, summary="Delete one's own action item")
    def delete(self, request: Request, appointment_id: int, action_id: int) -> Response:
        action = _action(request, appointment_id, action_id)
        try:
            action_item_remove(action=action, by=request.user)
        except AgendaRefused as exc:
            return refused(exc, code="notes_refused")
        return Response(status=status.HTTP_204_NO_CONTENT)
