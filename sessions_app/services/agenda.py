"""Agendas before a session; notes and action items after it. Only the pairing's two people
change them, and only while the pairing is active and the session is not cancelled.

Open action items join the pairing's next booked session as agenda items of kind "action"
(remembered in ActionItem.carried_to), at once when that session exists, or when it is booked.
"""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from mentoring.errors import DomainError
from pairings.models import Pairing
from sessions_app.models import ActionItem, AgendaItem, Appointment, SessionNote


class AgendaRefused(DomainError):
    pass


def _pairing_lock(*, pairing_id: int) -> str:
    """Lock the pairing's row until commit and return its status. Every change here takes it
    first, so changes, carry-overs and closing the pairing queue up behind each other."""
    return Pairing.objects.select_for_update().values_list("status", flat=True).get(pk=pairing_id)


def _check_editable(*, appointment: Appointment, person: User) -> None:
    """Raise AgendaRefused unless `person` may change this session's agenda, notes or actions."""
    if person.pk not in (appointment.mentor_id, appointment.mentee_id):
        raise AgendaRefused(_("Only the two people in the session can change it."))
    if _pairing_lock(pairing_id=appointment.pairing_id) != Pairing.Status.ACTIVE:
        raise AgendaRefused(_("This pairing has ended: its sessions can be read, not changed."))
    if appointment.status != Appointment.Status.BOOKED:
        raise AgendaRefused(_("This session was cancelled: it can be read, not changed."))


def _check_agenda_open(*, appointment: Appointment, person: User) -> None:
    _check_editable(appointment=appointment, person=person)
    if appointment.ends_at <= timezone.now():
        raise AgendaRefused(_("This session is over: write notes and action items instead."))


def _check_notes_open(*, appointment: Appointment, person: User) -> None:
    _check_editable(appointment=appointment, person=person)
    if appointment.starts_at > timezone.now():
        raise AgendaRefused(_("Notes and action items open when the session starts."))


@transaction.atomic
def agenda_item_add(*, appointment: Appointment, author: User, kind: str, text: str) -> AgendaItem:
    """Add a goal, question or material to an upcoming session. Raises AgendaRefused."""
    _check_agenda_open(appointment=appointment, person=author)
    if kind == AgendaItem.Kind.ACTION:
        raise AgendaRefused(_("Action items join the agenda from the last session's notes."))
    return AgendaItem.objects.create(appointment=appointment, author=author, kind=kind, text=text)


@transaction.atomic
def agenda_item_tick(*, item: AgendaItem, by: User, done: bool) -> AgendaItem:
    """Mark an agenda item done or not (either person may). A carried-over action item is
    ticked on its session too. Safe to repeat. Raises AgendaRefused."""
    _check_agenda_open(appointment=item.appointment, person=by)
    item.done = done
    item.save(update_fields=["done"])
    ActionItem.objects.filter(carried_to=item).update(done=done)
    return item


@transaction.atomic
def agenda_item_remove(*, item: AgendaItem, by: User) -> None:
    """Take one's own goal, question or material off the agenda. Raises AgendaRefused."""
    _check_agenda_open(appointment=item.appointment, person=by)
    if item.author_id != by.pk:
        raise AgendaRefused(_("Only the person who added an item can remove it."))
    if item.kind == AgendaItem.Kind.ACTION:
        # Removing it would let the next booking carry it again; ticking it settles it.
        raise AgendaRefused(_("A carried-over action item is ticked off, not removed."))
    item.delete()


@transaction.atomic
def session_note_save(
    *, appointment: Appointment, author: User, text: str, shared: bool
) -> SessionNote | None:
    """Write (or, with empty text, delete) the author's note on a session that has started.

    Private unless `shared`. Safe to repeat. Raises AgendaRefused.
    """
    _check_notes_open(appointment=appointment, person=author)
    if not text.strip():
        SessionNote.objects.filter(appointment=appointment, author=author).delete()
        return None
    note, _created = SessionNote.objects.update_or_create(
        appointment=appointment, author=author, defaults={"text": text, "shared": shared}
    )
    return note


def _next_session(*, pairing_id: int) -> Appointment | None:
    """The pairing's next booked session that has not started yet."""
    return (
        Appointment.objects.filter(
            pairing_id=pairing_id,
            status=Appointment.Status.BOOKED,
            starts_at__gt=timezone.now(),
        )
        .order_by("starts_at")
        .first()
    )


def _carry(*, action: ActionItem, to: Appointment) -> None:
    action.carried_to = AgendaItem.objects.create(
        appointment=to, author_id=action.author_id, kind=AgendaItem.Kind.ACTION, text=action.text
    )
    action.save(update_fields=["carried_to"])


@transaction.atomic
def action_item_add(*, appointment: Appointment, author: User, text: str) -> ActionItem:
    """Add an action item to a session that has started; it joins the pairing's next booked
    session's agenda at once if there is one. Raises AgendaRefused."""
    _check_notes_open(appointment=appointment, person=author)
    action = ActionItem.objects.create(appointment=appointment, author=author, text=text)
    upcoming = _next_session(pairing_id=appointment.pairing_id)
    if upcoming is not None:
        _carry(action=action, to=upcoming)
    return action


@transaction.atomic
def action_item_tick(*, action: ActionItem, by: User, done: bool) -> ActionItem:
    """Mark an action item done or not (either person may), and its carried-over agenda item
    with it. Safe to repeat. Raises AgendaRefused."""
    _check_editable(appointment=action.appointment, person=by)
    action.done = done
    action.save(update_fields=["done"])
    if action.carried_to_id is not None:
        AgendaItem.objects.filter(pk=action.carried_to_id).update(done=done)
    return action


@transaction.atomic
def action_item_remove(*, action: ActionItem, by: User) -> None:
    """Delete one's own action item, and its carried-over agenda item. Raises AgendaRefused."""
    _check_editable(appointment=action.appointment, person=by)
    if action.author_id != by.pk:
        raise AgendaRefused(_("Only the person who wrote an action item can delete it."))
    if action.carried_to_id is not None:
        AgendaItem.objects.filter(pk=action.carried_to_id).delete()
    action.delete()


@transaction.atomic
def action_items_carry_over(*, appointment: Appointment) -> int:
    """After a session of the pairing is booked or cancelled: put its open action items that no
    booked session has taken yet (never carried, or carried to a session since cancelled) on the
    agenda of its next booked session. Returns how many. Safe to repeat: never carries twice.
    """
    _pairing_lock(pairing_id=appointment.pairing_id)  # a concurrent call waits, then sees ours
    upcoming = _next_session(pairing_id=appointment.pairing_id)
    if upcoming is None:
        return 0
    waiting = ActionItem.objects.filter(
        Q(carried_to__isnull=True)
        | Q(carried_to__appointment__status=Appointment.Status.CANCELLED),
        appointment__pairing_id=appointment.pairing_id,
        appointment__starts_at__lt=upcoming.starts_at,
        done=False,
    ).order_by("created_at", "pk")
    actions = list(waiting)
    for action in actions:
        _carry(action=action, to=upcoming)
    return len(actions)
