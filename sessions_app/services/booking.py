"""Booking, moving and cancelling sessions one at a time, with the steps a series shares.

Two guards keep a person from being booked twice at once:
1. The mentor's Availability row is locked for the transaction, so bookings with one mentor
   queue up and each checks its slot (hours, buffers, notice, horizon, weekly limit, both
   people's other sessions) against what the ones before it committed. That also keeps the
   weekly limit exact, which no constraint could.
2. PostgreSQL's exclusion constraints refuse any overlap whatever happened before (say a mentee
   booked with two mentors at once, in transactions that lock different rows): the write runs
   in a savepoint and the refusal becomes SlotUnavailable, a message a person understands.

A double-clicked submit books once: the booking form carries a one-time token, and the first
submit with a token claims it in the cache (Redis) for 10 minutes; a second submit with the same
token waits for the first and returns its session (see services/submits.py). Moving a session
to the time it already has and cancelling a cancelled one change nothing, so those repeat
safely without one.

Every change writes the session's reminder rows in the same transaction and, once committed,
emails both people the calendar update (same UID, next SEQUENCE).
"""

import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from outbox.services import task_enqueue_on_commit
from pairings.models import Pairing
from sessions_app.errors import BookingRefused, SlotUnavailable
from sessions_app.events import appointment_event_publish
from sessions_app.models import Appointment, Availability, Series
from sessions_app.selectors.appointments import booking_modes_for
from sessions_app.selectors.slots import slot_plan
from sessions_app.services.agenda import action_items_carry_over
from sessions_app.services.calendar_writes import session_writes_queue
from sessions_app.services.reminders import reminder_rows_sync
from sessions_app.services.submits import submit_key, submit_once

DEFAULT_VIDEO_LINK_TEMPLATE = "https://meet.jit.si/mentoring-{token}"
OVERLAP_CONSTRAINTS = ("appointment_mentor_no_overlap", "appointment_mentee_no_overlap")


def _taken() -> SlotUnavailable:
    return SlotUnavailable(
        _("That time is no longer free: it was booked a moment ago. Pick one of the free times.")
    )


def _week_full(mentor: User, limit: int) -> SlotUnavailable:
    return SlotUnavailable(
        ngettext(
            "%(mentor)s takes at most %(limit)s session a week, and that week is now full. "
            "Pick a time in another week.",
            "%(mentor)s takes at most %(limit)s sessions a week, and that week is now full. "
            "Pick a time in another week.",
            limit,
        )
        % {"mentor": mentor.name, "limit": limit}
    )


def _check_free(
    *,
    availability: Availability,
    mentor: User,
    mentee: User,
    starts_at: datetime,
    length: int,
    now: datetime,
    exclude_appointment_id: int | None = None,
) -> None:
    """Refuse a time that is not one of the free slots, saying why when the mentor's weekly
    limit is what filled it (the week's count is known from the same read)."""
    plan = slot_plan(
        availability=availability,
        mentor=mentor,
        mentee=mentee,
        length=length,
        now=now,
        exclude_appointment_id=exclude_appointment_id,
        start=starts_at,
        end=starts_at + timedelta(seconds=1),
    )
    if any(slot.starts_at == starts_at for slot in plan.slots):
        return
    local = starts_at.astimezone(mentor.zoneinfo).date()
    if local - timedelta(days=local.weekday()) in plan.full_weeks:
        raise _week_full(mentor, availability.weekly_limit)
    raise _taken()


# --- shared steps ---------------------------------------------------------------------------


def _availability_locked(pairing: Pairing) -> Availability:
    """The mentor's rules, locked: bookings with this mentor wait for each other here."""
    availability = (
        Availability.objects.select_for_update().filter(mentor_id=pairing.mentor_id).first()
    )
    if availability is None:
        raise BookingRefused(
            _("%(mentor)s has not opened any times for sessions yet.")
            % {"mentor": pairing.mentor.name}
        )
    return availability


def _check_active(pairing: Pairing) -> None:
    if pairing.status != Pairing.Status.ACTIVE:
        raise BookingRefused(_("Sessions can be booked only while the pairing is active."))


def _check_length(availability: Availability, length: int) -> None:
    if length not in availability.session_lengths:
        raise BookingRefused(
            _("Your mentor does not offer %(length)s-minute sessions.") % {"length": length}
        )


def _check_request(
    *, pairing: Pairing, availability: Availability, length: int, mode: str, place: str
) -> None:
    _check_active(pairing)
    _check_length(availability, length)
    if mode not in booking_modes_for(pairing=pairing):
        raise BookingRefused(
            _("Choose a way to meet that you both allowed in your contact agreement.")
        )
    if mode == Appointment.Mode.IN_PERSON and not place.strip():
        raise BookingRefused(_("Say where you will meet."))


def _check_not_started(appointment: Appointment, now: datetime) -> None:
    if appointment.status != Appointment.Status.BOOKED:
        raise BookingRefused(_("This session is cancelled."))
    if appointment.starts_at <= now:
        raise BookingRefused(_("This session has already started, so it can no longer change."))


def _video_url() -> str:
    """A meeting link nobody can guess: 128 random bits in the configured template."""
    template = getattr(settings, "VIDEO_LINK_TEMPLATE", DEFAULT_VIDEO_LINK_TEMPLATE)
    return template.format(token=secrets.token_urlsafe(16))


def _set_time(
    appointment: Appointment, *, availability: Availability, starts_at: datetime, length: int
) -> None:
    appointment.starts_at = starts_at
    appointment.ends_at = starts_at + timedelta(minutes=length)
    appointment.blocked_from = starts_at - timedelta(minutes=availability.buffer_before)
    appointment.blocked_until = appointment.ends_at + timedelta(minutes=availability.buffer_after)


DEADLOCK_DETECTED = "40P01"


def _save(appointment: Appointment) -> None:
    """Validate and write; the database's refusal of an overlap becomes SlotUnavailable."""
    # The exclusion constraints are checked by PostgreSQL itself, on write; the foreign keys
    # come from rows already read.
    appointment.full_clean(
        exclude=["pairing", "mentor", "mentee", "series", "booked_by", "cancelled_by"],
        validate_unique=False,
        validate_constraints=False,
    )
    try:
        with transaction.atomic():  # a savepoint, so the outer transaction survives the refusal
            appointment.save()
    except IntegrityError as exc:
        if not any(name in str(exc) for name in OVERLAP_CONSTRAINTS):
            raise
        raise _taken() from None
    except OperationalError as exc:
        # Two overlapping inserts checked against each other at the same moment: PostgreSQL
        # breaks the tie with a deadlock error instead of an exclusion violation. Same answer.
        if getattr(exc.__cause__, "pgcode", None) != DEADLOCK_DETECTED:
            raise
        raise _taken() from None


def _announce(appointment: Appointment) -> None:
    """Reminders and the organisation's webhook events follow the change now; both people get
    the calendar update once committed, and it is written into the calendar each of them chose
    to receive sessions."""
    from sessions_app.tasks.booking import invite_send_task  # tasks import services, not back

    reminder_rows_sync(appointment=appointment)
    appointment_event_publish(appointment=appointment)  # the organisation's webhooks
    for person_id in (appointment.mentor_id, appointment.mentee_id):
        task_enqueue_on_commit(invite_send_task, appointment.pk, appointment.sequence, person_id)
    session_writes_queue(appointment=appointment)


def _insert(
    *,
    pairing: Pairing,
    availability: Availability,
    booked_by: User,
    starts_at: datetime,
    length: int,
    mode: str,
    place: str,
    series: Series | None = None,
) -> Appointment:
    appointment = Appointment(
        pairing=pairing,
        mentor_id=pairing.mentor_id,
        mentee_id=pairing.mentee_id,
        series=series,
        mode=mode,
        place=place.strip() if mode == Appointment.Mode.IN_PERSON else "",
        video_url=_video_url() if mode == Appointment.Mode.VIDEO else "",
        booked_by=booked_by,
    )
    _set_time(appointment, availability=availability, starts_at=starts_at, length=length)
    _save(appointment)
    _announce(appointment)
    action_items_carry_over(appointment=appointment)
    return appointment


def _locked(appointment: Appointment) -> Appointment:
    """The session re-read and locked: two changes to it at once take turns."""
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("pairing__cohort", "mentor", "mentee")
        .get(pk=appointment.pk)
    )


# --- one session ----------------------------------------------------------------------------


def appointment_book(
    *,
    pairing: Pairing,
    booked_by: User,
    starts_at: datetime,
    length: int,
    mode: str,
    place: str = "",
    token: str | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Book a session of `length` minutes at `starts_at` (aware) for one of the pairing's two
    people. Raises SlotUnavailable when the time is not free or was taken a moment ago, and
    BookingRefused when the pairing, the length or the way to meet does not allow it.

    With the form's `token`, a second submit of the same time returns the first's session.
    """
    # Not atomic itself: a failed booking must release its token after the rollback.
    return submit_once(
        submit_key("book", booked_by, token, starts_at),
        lambda remember: _appointment_book(
            pairing=pairing,
            booked_by=booked_by,
            starts_at=starts_at,
            length=length,
            mode=mode,
            place=place,
            now=now or timezone.now(),
            remember=remember,
        ),
        lambda pk: Appointment.objects.get(pk=pk),
    )


@transaction.atomic
def _appointment_book(
    *,
    pairing: Pairing,
    booked_by: User,
    starts_at: datetime,
    length: int,
    mode: str,
    place: str,
    now: datetime,
    remember: Callable[[int], None],
) -> Appointment:
    availability = _availability_locked(pairing)
    _check_request(
        pairing=pairing, availability=availability, length=length, mode=mode, place=place
    )
    _check_free(
        availability=availability,
        mentor=pairing.mentor,
        mentee=pairing.mentee,
        starts_at=starts_at,
        length=length,
        now=now,
    )
    appointment = _insert(
        pairing=pairing,
        availability=availability,
        booked_by=booked_by,
        starts_at=starts_at,
        length=length,
        mode=mode,
        place=place,
    )
    remember(appointment.pk)
    return appointment


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    starts_at: datetime,
    length: int,
    now: datetime | None = None,
) -> Appointment:
    """Move a session to `starts_at` for `length` minutes, by the same rules as a booking
    (the session does not block itself or count against the weekly limit). Same UID, next
    SEQUENCE. Raises SlotUnavailable or BookingRefused (cancelled, started, pairing no longer
    active). Moving it to the time it already has changes nothing, so a repeat is safe."""
    now = now or timezone.now()
    availability = _availability_locked(appointment.pairing)
    appointment = _locked(appointment)
    _check_not_started(appointment, now)
    _check_active(appointment.pairing)
    _check_length(availability, length)
    if appointment.starts_at == starts_at and appointment.ends_at == starts_at + timedelta(
        minutes=length
    ):
        return appointment
    _check_free(
        availability=availability,
        mentor=appointment.mentor,
        mentee=appointment.mentee,
        starts_at=starts_at,
        length=length,
        now=now,
        exclude_appointment_id=appointment.pk,
    )
    _set_time(appointment, availability=availability, starts_at=starts_at, length=length)
    appointment.sequence += 1
    _save(appointment)
    _announce(appointment)
    return appointment


def _cancel(appointment: Appointment, *, by: User, reason: str, now: datetime) -> None:
    appointment.status = Appointment.Status.CANCELLED
    appointment.cancelled_by = by
    appointment.cancelled_at = now
    appointment.cancel_reason = reason
    appointment.sequence += 1
    appointment.save(
        update_fields=[
            "status",
            "cancelled_by",
            "cancelled_at",
            "cancel_reason",
            "sequence",
            "updated_at",
        ]
    )
    _announce(appointment)
    action_items_carry_over(appointment=appointment)  # to the next booked session, if any


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise BookingRefused(_("Say why you cancel: your partner will read it."))
    return reason


@transaction.atomic
def appointment_cancel(
    *, appointment: Appointment, by: User, reason: str, now: datetime | None = None
) -> Appointment:
    """Cancel a session that has not started, with a reason for the partner: frees its time
    and sends METHOD:CANCEL with the next SEQUENCE. Raises BookingRefused for a session that
    started. Cancelling a cancelled session changes nothing, so a repeat is safe."""
    now = now or timezone.now()
    appointment = _locked(appointment)
    if appointment.status == Appointment.Status.CANCELLED:
        return appointment
    _check_not_started(appointment, now)
    _cancel(appointment, by=by, reason=_reason(reason), now=now)
    return appointment


def appointments_cancel_for_pairing(
    *, pairing: Pairing, by: User, reason: str, now: datetime | None = None
) -> int:
    """Cancel every session of the pairing that has not started (the pairing is closing), so
    calendars drop them and no reminder goes out. Returns how many. Safe to repeat."""
    now = now or timezone.now()
    upcoming = Appointment.objects.select_for_update().filter(
        pairing=pairing, status=Appointment.Status.BOOKED, starts_at__gt=now
    )
    cancelled = 0
    for appointment in upcoming:
        _cancel(appointment, by=by, reason=_reason(reason), now=now)
        cancelled += 1
    return cancelled


def appointment_reported_not_held_set(*, appointment_id: int, not_held: bool) -> None:
    """Record whether a partner's feedback says the session did not take place (feedback calls
    this whenever a session's feedback is answered, so the session reads "Missed" or "Held").
    Safe to repeat."""
    Appointment.objects.filter(pk=appointment_id).update(reported_not_held=not_held)
