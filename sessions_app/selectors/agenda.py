"""Reads for agendas, notes and action items. The session itself always comes through
`appointments.appointment_get_for_user` (404 for anyone outside the pairing)."""

from dataclasses import dataclass
from datetime import date
from itertools import groupby
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from pairings.models import Pairing
from sessions_app.models import ActionItem, AgendaItem, Appointment, SessionNote


def my_agenda_for(*, user: User) -> QuerySet[Appointment]:
    """The user's booked sessions that have not ended, as mentor (across all mentees) or as
    mentee, soonest first, each with its agenda items (two queries, however many sessions)."""
    return (
        Appointment.objects.filter(
            Q(mentor=user) | Q(mentee=user),
            status=Appointment.Status.BOOKED,
            ends_at__gt=timezone.now(),
        )
        .select_related("mentor", "mentee")
        .prefetch_related(Prefetch("agenda", queryset=AgendaItem.objects.select_related("author")))
        .order_by("starts_at", "pk")
    )


def appointments_by_day(
    *, appointments: list[Appointment], tz: ZoneInfo
) -> list[tuple[date, list[Appointment]]]:
    """Sessions grouped by their date in the viewer's zone, in the order given."""
    return [
        (day, list(group))
        for day, group in groupby(
            appointments, key=lambda a: timezone.localtime(a.starts_at, tz).date()
        )
    ]


def partner_in(*, appointment: Appointment, user: User) -> User:
    """The other person in the session."""
    return appointment.mentee if user.pk == appointment.mentor_id else appointment.mentor


def agenda_for(*, appointment: Appointment) -> QuerySet[AgendaItem]:
    return appointment.agenda.select_related("author").order_by("created_at", "pk")


# What the agenda shows of an item: its kind, text, goal link, whether it is done, and its
# author's name (or "added by you").
AGENDA_ITEM_FIELDS = (
    "kind",
    "text",
    "goal_id",
    "done",
    "appointment_id",
    "author__display_name",
    "author__email",
)


def agenda_shown(*, appointment: Appointment) -> QuerySet[AgendaItem]:
    """agenda_for with only what the agenda shows (AGENDA_ITEM_FIELDS), not whole rows of the
    items and their authors."""
    return agenda_for(appointment=appointment).only(*AGENDA_ITEM_FIELDS)


def session_is_editable(*, appointment: Appointment) -> bool:
    """Whether the pairing's people may still change this session's agenda, notes and actions."""
    return (
        appointment.pairing.status == Pairing.Status.ACTIVE
        and appointment.status == Appointment.Status.BOOKED
    )


def agenda_is_open(*, appointment: Appointment) -> bool:
    return session_is_editable(appointment=appointment) and appointment.ends_at > timezone.now()


def notes_are_open(*, appointment: Appointment) -> bool:
    """Notes can be read and written once the session has started (never on a cancelled one)."""
    return (
        appointment.status == Appointment.Status.BOOKED and appointment.starts_at <= timezone.now()
    )


@dataclass(frozen=True)
class SessionNotes:
    mine: SessionNote | None
    partners: SessionNote | None  # only when the partner shared it
    actions: list[ActionItem]


# What the notes page shows of an action item: its text, whether it is done, its author's name
# (or "yours"), and the date of the session whose agenda it was carried to.
ACTION_FIELDS = (
    "text",
    "done",
    "appointment_id",
    "author__display_name",
    "author__email",
    "carried_to__appointment__starts_at",
)


def notes_for(*, appointment: Appointment, viewer: User) -> SessionNotes:
    """What `viewer` may read of a session's notes: their own note, the partner's only if it
    is shared (a private note never leaves its author), and both people's action items."""
    mine = partners = None
    for note in appointment.notes.filter(Q(author=viewer) | Q(shared=True)):
        if note.author_id == viewer.pk:
            mine = note
        else:
            partners = note
    actions = list(
        appointment.actions.select_related("author", "carried_to__appointment")
        .only(*ACTION_FIELDS)
        .order_by("created_at", "pk")
    )
    return SessionNotes(mine=mine, partners=partners, actions=actions)
