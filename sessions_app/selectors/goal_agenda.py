"""Reads for putting a goal on an upcoming session's agenda: the goal page offers the pairing's
next few sessions, the goal list and the pairing page the next one. The goal itself always
comes through goals' selectors (404 for anyone outside the pairing)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from goals.models import Goal
from pairings.models import Pairing
from sessions_app.models import AgendaItem, Appointment

UPCOMING_SESSIONS_SHOWN = 3  # the goal page offers the next few sessions' agendas, not all


def _upcoming_sessions(*, pairing_id: int, now: datetime) -> QuerySet[Appointment]:
    return Appointment.objects.filter(
        pairing_id=pairing_id, status=Appointment.Status.BOOKED, ends_at__gt=now
    )


def goal_agenda_choices(*, goal: Goal, now: datetime) -> QuerySet[Appointment]:
    """Sessions a goal may be put on the agenda of: this pairing's booked ones not yet ended."""
    return _upcoming_sessions(pairing_id=goal.pairing_id, now=now)


def goal_agenda_sessions(*, goal: Goal, now: datetime) -> list[Appointment]:
    """The pairing's next booked sessions that have not ended, each with `has_goal`: whether
    this goal is already on its agenda (one query)."""
    return list(
        goal_agenda_choices(goal=goal, now=now)
        .annotate(has_goal=Exists(AgendaItem.objects.filter(appointment=OuterRef("pk"), goal=goal)))
        .order_by("starts_at", "pk")[:UPCOMING_SESSIONS_SHOWN]
    )


@dataclass(frozen=True)
class NextSessionAgenda:
    """A pairing's next session, for the one-click agenda button beside each of its goals."""

    session: Appointment | None
    goal_ids: frozenset[int]  # ids of the goals already on its agenda


def next_session_agenda_for(*, pairing: Pairing, now: datetime) -> NextSessionAgenda:
    """The active pairing's next booked session not yet ended and the goals on its agenda: two
    queries at most, however many goals (none for a pairing no longer active)."""
    if pairing.status != Pairing.Status.ACTIVE:
        return NextSessionAgenda(session=None, goal_ids=frozenset())
    session = _upcoming_sessions(pairing_id=pairing.pk, now=now).order_by("starts_at", "pk").first()
    if session is None:
        return NextSessionAgenda(session=None, goal_ids=frozenset())
    goal_ids = frozenset(
        AgendaItem.objects.filter(appointment=session, goal__isnull=False).values_list(
            "goal_id", flat=True
        )
    )
    return NextSessionAgenda(session=session, goal_ids=goal_ids)
