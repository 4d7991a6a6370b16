"""Reads for putting a goal on an upcoming session's agenda: the goal page offers the pairing's
next few sessions, the goal list and the pairing page the next one. The goal itself always
comes through goals' selectors (404 for anyone outside the pairing)."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet

from goals.models import Goal
from mentoring.prepared import PreparedQuery
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


def _agenda_sessions_query(*, pairing_id: int, goal_id: int, now: datetime) -> QuerySet:
    on_agenda = AgendaItem.objects.filter(appointment=OuterRef("pk"), goal_id=goal_id)
    return (
        _upcoming_sessions(pairing_id=pairing_id, now=now)
        .annotate(has_goal=Exists(on_agenda))
        .order_by("starts_at", "pk")
        .only("pk", "starts_at")[:UPCOMING_SESSIONS_SHOWN]
    )


# Compiled once (mentoring.prepared): building the Exists cost more than the rest of the section.
_AGENDA_SESSIONS = PreparedQuery(_agenda_sessions_query, "pairing_id", "goal_id", "now")


def goal_agenda_sessions(*, goal: Goal, now: datetime) -> list[Appointment]:
    """The pairing's next booked sessions that have not ended (only their id and start), each
    with `has_goal`: whether this goal is already on its agenda (one query)."""
    return _AGENDA_SESSIONS(pairing_id=goal.pairing_id, goal_id=goal.pk, now=now)


@dataclass(frozen=True)
class NextSessionAgenda:
    """A pairing's next session, for the one-click agenda button beside each of its goals."""

    session: Appointment | None
    goal_ids: frozenset[int]  # ids of the goals already on its agenda


def _next_session_query(*, pairing_id: int, now: datetime) -> QuerySet:
    return (
        _upcoming_sessions(pairing_id=pairing_id, now=now)
        .order_by("starts_at", "pk")
        .only("pk", "starts_at")[:1]
    )


def _agenda_goals_query(*, appointment_id: int) -> QuerySet:
    return AgendaItem.objects.filter(appointment_id=appointment_id, goal__isnull=False).values_list(
        "goal_id", flat=True
    )


# Compiled once (mentoring.prepared): the two reads cost more than the buttons they feed.
_NEXT_SESSION = PreparedQuery(_next_session_query, "pairing_id", "now")
_AGENDA_GOALS = PreparedQuery(_agenda_goals_query, "appointment_id")


def next_session_agenda_for(*, pairing: Pairing, now: datetime) -> NextSessionAgenda:
    """The active pairing's next booked session not yet ended (only its id and start) and the
    goals on its agenda: two queries at most, however many goals (none for a pairing no longer
    active)."""
    if pairing.status != Pairing.Status.ACTIVE:
        return NextSessionAgenda(session=None, goal_ids=frozenset())
    found = _NEXT_SESSION(pairing_id=pairing.pk, now=now)
    if not found:
        return NextSessionAgenda(session=None, goal_ids=frozenset())
    session = found[0]
    goal_ids = frozenset(_AGENDA_GOALS(appointment_id=session.pk))
    return NextSessionAgenda(session=session, goal_ids=goal_ids)
