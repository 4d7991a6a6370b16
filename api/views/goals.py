"""Goals: GET/POST /api/v1/pairings/{id}/goals/, GET/PATCH /api/v1/goals/{id}/ (what, why,
how, when, sharing, status), GET/POST /goals/{id}/milestones/ and PATCH
/goals/{id}/milestones/{milestone}/ to tick one, through the goal pages' services."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers.common import BAD_REQUEST, RefusalSerializer, list_schema
from api.serializers.goals import (
    GoalSerializer,
    GoalWriteSerializer,
    MilestoneAddSerializer,
    MilestoneSerializer,
    MilestoneTickSerializer,
)
from api.views.common import refused
from goals.models import Goal, Milestone
from goals.selectors import goal_get_for_partner, goals_for_pairing, milestones_for
from goals.services import (
    GoalRefused,
    goal_create,
    goal_edit,
    goal_status_set,
    milestone_add,
    milestone_tick,
)
from pairings.selectors import pairing_get_for_user

WRITE_RESPONSES = {400: BAD_REQUEST, 404: RefusalSerializer}


def _overview(goal: Goal) -> Goal:
    """The goal with its milestone counts, as the lists show it."""
    return goals_for_pairing(pairing=goal.pairing).get(pk=goal.pk)


@list_schema(GoalSerializer)
class GoalListView(generics.ListCreateAPIView):
    """GET: the pairing's goals, oldest first. POST: the mentee sets one."""

    serializer_class = GoalSerializer
    queryset = Goal.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("created_at", "id")
    ordering_fields = ["created_at", "target_date"]

    def _pairing(self):
        return pairing_get_for_user(user=self.request.user, pairing_id=self.kwargs["pairing_id"])

    def get_queryset(self):
        return goals_for_pairing(pairing=self._pairing())

    @extend_schema(
        request=GoalWriteSerializer,
        responses={201: GoalSerializer, **WRITE_RESPONSES},
        summary="Set a goal (the mentee)",
    )
    def post(self, request: Request, pairing_id: int) -> Response:
        pairing = self._pairing()
        data = GoalWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = {k: v for k, v in data.validated_data.items() if k != "status"}
        try:
            goal = goal_create(pairing=pairing, by=request.user, **fields)
        except GoalRefused as exc:
            return refused(exc, code="goal_refused")
        return Response(GoalSerializer(_overview(goal)).data, status=status.HTTP_201_CREATED)


class GoalDetailView(APIView):
    @extend_schema(responses={200: GoalSerializer, 404: RefusalSerializer})
    def get(self, request: Request, goal_id: int) -> Response:
        goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
        return Response(GoalSerializer(_overview(goal)).data)

    @extend_schema(
        request=GoalWriteSerializer,
        responses={200: GoalSerializer, **WRITE_RESPONSES},
        summary="Change the goal or its status (the mentee); fields left out stay as they are",
    )
    def patch(self, request: Request, goal_id: int) -> Response:
        goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
        data = GoalWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        given = {k: v for k, v in data.validated_data.items() if k in request.data}
        new_status = given.pop("status", None)
        try:
            if given:
                edited = {
                    name: given.get(name, getattr(goal, name))
                    for name in ("title", "why", "measure", "target_date", "shared_with_programme")
                }
                goal = goal_edit(goal=goal, by=request.user, **edited)
            if new_status:
                goal = goal_status_set(goal=goal, by=request.user, status=new_status)
        except GoalRefused as exc:
            return refused(exc, code="goal_refused")
        return Response(GoalSerializer(_overview(goal)).data)


@list_schema(MilestoneSerializer)
class MilestoneListView(generics.ListCreateAPIView):
    """GET: the goal's milestones in order. POST: the mentee adds one at the end."""

    serializer_class = MilestoneSerializer
    queryset = Milestone.objects.none()  # the model, for the schema; rows: get_queryset
    ordering = ("position", "id")
    ordering_fields: list[str] = []  # the mentee's own order

    def _goal(self) -> Goal:
        return goal_get_for_partner(user=self.request.user, goal_id=self.kwargs["goal_id"])

    def get_queryset(self):
        return milestones_for(goal=self._goal())

    @extend_schema(
        request=MilestoneAddSerializer,
        responses={201: MilestoneSerializer, **WRITE_RESPONSES},
        summary="Add a milestone (the mentee); the goal's progress follows its milestones",
    )
    def post(self, request: Request, goal_id: int) -> Response:
        goal = self._goal()
        data = MilestoneAddSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = milestone_add(goal=goal, by=request.user, **data.validated_data)
        except GoalRefused as exc:
            return refused(exc, code="goal_refused")
        return Response(MilestoneSerializer(milestone).data, status=status.HTTP_201_CREATED)


class MilestoneDetailView(APIView):
    @extend_schema(
        request=MilestoneTickSerializer,
        responses={200: MilestoneSerializer, **WRITE_RESPONSES},
        summary="Tick a milestone done, or not (the mentee)",
    )
    def patch(self, request: Request, goal_id: int, milestone_id: int) -> Response:
        goal = goal_get_for_partner(user=request.user, goal_id=goal_id)
        milestone = milestones_for(goal=goal).filter(pk=milestone_id).first()
        if milestone is None:
            raise Http404
        milestone.goal = goal
        data = MilestoneTickSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            milestone = milestone_tick(
                milestone=milestone, by=request.user, done=data.validated_data["done"]
            )
        except GoalRefused as exc:
            return refused(exc, code="goal_refused")
        return Response(MilestoneSerializer(milestone).data)
