"""Reminders: written with the booking, claimed by a scan, each sent once by a short task.

The transaction that books, moves or cancels a session also writes its reminder rows: one per
(session, person, offset, session time). Every minute a scan claims the due rows with
SELECT … FOR UPDATE SKIP LOCKED, so scanners running at once never share one, and enqueues a
short send task for each; nothing waits in the broker. A send marks its row sent with a
conditional UPDATE, keeps it locked through the SMTP exchange and commits after the server
accepted the mail, so a duplicate task waits, then finds it sent. A worker killed mid-send
leaves the row claimed; a claim older than REMINDER_CLAIM_STALE_SECONDS is claimed again by
the next scan, so none is lost.

A session booked or moved less than an hour before it starts, past every reminder a person
chose, gets that person one "starting soon" notice instead, through the same rows and sends.
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.emails import email_build
from accounts.models import User
from mentoring.links import absolute
from mentoring.mail import mail_send_kept
from outbox.services import task_enqueue_on_commit, task_publish
from pairings.models import Pairing
from pairings.selectors.agreements import partner_phone_for, phone_display
from sessions_app.models import Appointment, Reminder, ReminderSettings
from sessions_app.selectors.reminders import reminder_offsets_for

# A claim this old most likely belongs to a worker that died. Claiming it again cannot send it
# twice: a send in progress holds the row (SKIP LOCKED passes it by), a later one finds it sent.
CLAIM_STALE_SECONDS = 5 * 60
CLAIM_BATCH = 500
# A session booked (or moved) this close to its start, past every reminder its person chose,
# gets one "starting soon" notice instead: a row with this offset, sent at once.
STARTING_SOON = 0
SOON_WINDOW = timedelta(hours=1)
# Claims waiting to be sent, at most. Workers must send them within the stale timeout, or the
# next scans queue them again (harmless, but wasted): 1,000 in 5 minutes is 3.3 a second.
MAX_IN_FLIGHT = 1000


# --- rows, written with the booking -------------------------------------------------------


def _rows_match(
    *, appointments: Iterable[Appointment], offsets_by_user: dict[int, list[int]], now: datetime
) -> None:
    """Bring the rows of `offsets_by_user`'s people in these booked sessions in line: one row
    per offset still ahead of the session's current time, pending; every other unsent row
    skipped. A skipped row comes back when the session returns to its time. Four queries."""
    by_id = {appointment.pk: appointment for appointment in appointments}
    if not by_id:
        return
    existing = set()
    skip, revive = [], []
    rows = Reminder.objects.filter(
        appointment_id__in=by_id, recipient_id__in=offsets_by_user
    ).values_list(
        "pk", "appointment_id", "recipient_id", "offset_minutes", "session_starts_at", "status"
    )
    for pk, appointment_id, recipient_id, offset, session_starts_at, status in rows:
        starts_at = by_id[appointment_id].starts_at
        existing.add((appointment_id, recipient_id, offset, session_starts_at))
        chosen = offsets_by_user[recipient_id]
        wanted = session_starts_at == starts_at and (
            offset in chosen or (offset == STARTING_SOON and bool(chosen))
        )
        if not wanted and status in (Reminder.Status.PENDING, Reminder.Status.CLAIMED):
            skip.append(pk)
        elif (
            wanted
            and status == Reminder.Status.SKIPPED
            and starts_at - timedelta(minutes=offset) > now
        ):
            revive.append(pk)
    new = [
        Reminder(
            appointment=appointment,
            recipient_id=person,
            offset_minutes=offset,
            session_starts_at=appointment.starts_at,
            due_at=appointment.starts_at - timedelta(minutes=offset),
        )
        for appointment in by_id.values()
        for person in (appointment.mentor_id, appointment.mentee_id)
        if person in offsets_by_user
        for offset in offsets_by_user[person]
        if appointment.starts_at - timedelta(minutes=offset) > now
        and (appointment.pk, person, offset, appointment.starts_at) not in existing
    ]
    if skip:
        # A send holding one of these rows finishes first; its row is then sent, and left so.
        Reminder.objects.filter(pk__in=skip).exclude(status=Reminder.Status.SENT).update(
            status=Reminder.Status.SKIPPED
        )
    if revive:
        Reminder.objects.filter(pk__in=revive, status=Reminder.Status.SKIPPED).update(
            status=Reminder.Status.PENDING, claimed_at=None
        )
    if new:
        # A concurrent sync of the same session may have written the same rows: keep theirs.
        Reminder.objects.bulk_create(new, ignore_conflicts=True)


@transaction.atomic
def reminder_rows_sync(*, appointment: Appointment) -> None:
    """Make the session's reminder rows match it; call it in the transaction that books, moves
    or cancels it.

    Booked: the mentor and the mentee each get one pending row per offset of theirs for the
    current start time (none whose time has already passed), and their unsent rows for any
    other time are skipped. Cancelled: every unsent row is skipped. Safe to repeat.
    """
    if appointment.status != Appointment.Status.BOOKED:
        Reminder.objects.filter(
            appointment=appointment, status__in=(Reminder.Status.PENDING, Reminder.Status.CLAIMED)
        ).update(status=Reminder.Status.SKIPPED)
        return
    offsets_by_user = reminder_offsets_for(user_ids=[appointment.mentor_id, appointment.mentee_id])
    now = timezone.now()
    _rows_match(appointments=[appointment], offsets_by_user=offsets_by_user, now=now)
    _starting_soon(appointment=appointment, offsets_by_user=offsets_by_user, now=now)


def _starting_soon(
    *, appointment: Appointment, offsets_by_user: dict[int, list[int]], now: datetime
) -> None:
    """Booked or moved less than SOON_WINDOW before it starts: each person who wants reminders
    but will get none of theirs any more gets one "starting soon" row, claimed at once and sent
    by a task once the booking commits. The row's unique key makes it once per session time;
    the scan passes over the claim, and the send's conditional UPDATE mails it once."""
    if not now < appointment.starts_at <= now + SOON_WINDOW:
        return
    created = []
    for person, offsets in offsets_by_user.items():
        if not offsets or any(appointment.starts_at - timedelta(minutes=o) > now for o in offsets):
            continue
        reminder, new = Reminder.objects.get_or_create(
            appointment=appointment,
            recipient_id=person,
            offset_minutes=STARTING_SOON,
            session_starts_at=appointment.starts_at,
            defaults={"due_at": now, "status": Reminder.Status.CLAIMED, "claimed_at": now},
        )
        if new:
            created.append(reminder.pk)
    from sessions_app.tasks.reminders import reminder_send_task

    for reminder_id in created:  # claimed already: sent once the booking commits
        task_enqueue_on_commit(reminder_send_task, reminder_id)


@transaction.atomic
def reminder_settings_save(*, user: User, offsets: list[int]) -> ReminderSettings:
    """Save how long before each session the user is reminded (none is allowed) and apply it
    at once to the reminders of their upcoming sessions; their partners' stay as they are.
    Safe to repeat."""
    offsets = sorted(set(offsets), reverse=True)
    reminder_settings, _created = ReminderSettings.objects.update_or_create(
        user=user, defaults={"offsets": offsets}
    )
    now = timezone.now()
    upcoming = Appointment.objects.filter(
        Q(mentor=user) | Q(mentee=user), status=Appointment.Status.BOOKED, starts_at__gt=now
    )
    _rows_match(appointments=upcoming, offsets_by_user={user.pk: offsets}, now=now)
    return reminder_settings


# --- the scan -----------------------------------------------------------------------------


def claim_stale_after() -> timedelta:
    return timedelta(seconds=getattr(settings, "REMINDER_CLAIM_STALE_SECONDS", CLAIM_STALE_SECONDS))


def reminders_claim_due(*, now: datetime, limit: int = CLAIM_BATCH) -> list[int]:
    """Mark up to `limit` due reminders claimed (at `now`) and return their ids, soonest first.

    Due: pending with due_at reached, or claimed longer ago than the stale timeout (a worker
    died with it). Concurrent scanners never share a row: each skips what another has locked.
    """
    stale_before = now - claim_stale_after()
    with transaction.atomic():
        ids = list(
            Reminder.objects.select_for_update(skip_locked=True)
            .filter(
                Q(status=Reminder.Status.PENDING, due_at__lte=now)
                | Q(status=Reminder.Status.CLAIMED, claimed_at__lt=stale_before)
            )
            .order_by("due_at", "pk")
            .values_list("pk", flat=True)[:limit]
        )
        Reminder.objects.filter(pk__in=ids).update(status=Reminder.Status.CLAIMED, claimed_at=now)
    return ids


def _enqueue_sends(ids: list[int]) -> None:
    from sessions_app.tasks.reminders import reminder_send_task

    for reminder_id in ids:  # the broker down: the claims go stale and the scan takes them
        if not task_publish(reminder_send_task, reminder_id):
            return


def reminders_dispatch(*, now: datetime) -> int:
    """Claim due reminders, a batch at a time, and enqueue one send task for each once its
    claim is committed; return how many. Safe to run while other scanners run.

    At most REMINDER_MAX_IN_FLIGHT claims stay unsent at once; the next scan takes the rest.
    Without the cap a backlog older than the stale timeout would be claimed and queued again
    and again, growing the queue it waits in.
    """
    in_flight = Reminder.objects.filter(
        status=Reminder.Status.CLAIMED, claimed_at__gte=now - claim_stale_after()
    ).count()
    room = getattr(settings, "REMINDER_MAX_IN_FLIGHT", MAX_IN_FLIGHT) - in_flight
    total = 0
    while room > 0:
        with transaction.atomic():
            ids = reminders_claim_due(now=now, limit=min(CLAIM_BATCH, room))
            transaction.on_commit(partial(_enqueue_sends, ids))
        total += len(ids)
        room -= len(ids)
        if len(ids) < CLAIM_BATCH:
            break
    return total


# --- the send -----------------------------------------------------------------------------


def _still_applies(reminder: Reminder, now: datetime) -> bool:
    """The session is still booked at the time the reminder speaks of, has not begun, its
    pairing goes on, and the recipient's account is active."""
    appointment = reminder.appointment
    recipient = (
        appointment.mentor if reminder.recipient_id == appointment.mentor_id else appointment.mentee
    )
    return (
        recipient.is_active
        and appointment.status == Appointment.Status.BOOKED
        and appointment.pairing.status == Pairing.Status.ACTIVE
        and appointment.starts_at == reminder.session_starts_at
        and appointment.starts_at > now
    )


def _reminder_email(reminder: Reminder) -> EmailMultiAlternatives:
    """The reminder as its recipient reads it: in their zone, with how to join."""
    appointment = reminder.appointment
    if reminder.recipient_id == appointment.mentor_id:
        recipient, partner = appointment.mentor, appointment.mentee
    else:
        recipient, partner = appointment.mentee, appointment.mentor
    phone = None
    if appointment.mode == Appointment.Mode.PHONE:
        phone = phone_display(partner_phone_for(pairing=appointment.pairing, viewer=recipient))
    soon = reminder.offset_minutes == STARTING_SOON
    with timezone.override(recipient.zoneinfo), translation.override(recipient.email_language):
        when = date_format(timezone.localtime(appointment.starts_at), "D j M, H:i")
        if soon:
            subject = _("Starting soon: session with %(partner)s, %(when)s")
        else:
            subject = _("Reminder: session with %(partner)s, %(when)s")
        message = email_build(
            template="sessions_app/reminder",
            to=recipient.email,
            subject=subject % {"partner": partner.name, "when": when},
            context={
                "soon": soon,
                "recipient": recipient,
                "partner": partner,
                "appointment": appointment,
                "zone": recipient.timezone,
                "phone": phone,
                "pairing_url": absolute("exchange:thread", appointment.pairing_id),  # the chat
                "session_url": absolute("sessions_app:detail", appointment.pk),
                "settings_url": absolute("sessions_app:reminder_settings"),
            },
        )
    # The same Message-ID on a rare repeat lets mail systems that deduplicate show it once.
    message.extra_headers["Message-ID"] = f"<reminder-{reminder.pk}.{appointment.uid}>"
    message.extra_headers["X-Reminder-Id"] = str(reminder.pk)
    return message


def reminder_send(*, reminder_id: int) -> bool:
    """Email one claimed reminder unless it went out, was skipped, or no longer applies (the
    session moved, was cancelled or has begun: then it is skipped). True when this call sent it.

    Safe to run twice, at once or later: the conditional UPDATE that marks it sent also locks
    the row until the commit after the SMTP exchange, so a second run waits, then updates
    nothing. A failed send raises and rolls back, leaving the row claimed for the task's retry
    or, after the stale timeout, the next scan. A connection the server dropped while idle
    fails the same way, once.
    """
    with transaction.atomic():
        now = timezone.now()
        taken = Reminder.objects.filter(pk=reminder_id, status=Reminder.Status.CLAIMED).update(
            status=Reminder.Status.SENT, sent_at=now
        )
        if not taken:
            return False
        reminder = Reminder.objects.select_related(
            "appointment__pairing", "appointment__mentor", "appointment__mentee"
        ).get(pk=reminder_id)
        if not _still_applies(reminder, now):
            Reminder.objects.filter(pk=reminder_id).update(
                status=Reminder.Status.SKIPPED, sent_at=None
            )
            return False
        message = _reminder_email(reminder)
        mail_send_kept([message])
    return True
