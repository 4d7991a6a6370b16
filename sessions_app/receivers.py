"""sessions_app's answers to what the layers below it announce (see pairings/signals.py), and
the writes that make a mentor's kept booking rules out of date (sessions_app/live.py)."""

from django.db.models import Model, QuerySet
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.events import user_leaving
from accounts.models import User
from pairings.models import Pairing
from pairings.signals import pairing_closing
from sessions_app.live import booking_rules_changed
from sessions_app.models import (
    Availability,
    CalendarFeed,
    DateOverride,
    Reminder,
    ReminderSettings,
    SessionNote,
    WeeklyWindow,
)
from sessions_app.services.booking import appointments_cancel_for_pairing


@receiver(pairing_closing)
def _cancel_sessions_ahead(sender: type, *, pairing: Pairing, by: User, **kwargs: object) -> None:
    """A closing pairing meets no more: its sessions still ahead are cancelled, and both
    partners are told as for any cancellation."""
    appointments_cancel_for_pairing(
        pairing=pairing, by=by, reason=str(_("The pairing has closed."))
    )


@receiver(user_leaving, dispatch_uid="sessions_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """Their availability, calendar feed, reminder choices, reminders not yet sent and their
    own session notes go. The sessions, agendas and action items stay: the partner had them
    too."""
    Availability.objects.filter(mentor=user).delete()
    booking_rules_changed(mentor_ids=[user.pk])
    CalendarFeed.objects.filter(user=user).delete()
    ReminderSettings.objects.filter(user=user).delete()
    Reminder.objects.filter(recipient=user).exclude(status=Reminder.Status.SENT).delete()
    SessionNote.objects.filter(author=user).delete()


# --- a mentor's kept booking rules (sessions_app/live.py): every write to them -----------------
# Bulk writes send no signal: availability_save and the seeds bump by hand.


@receiver([post_save, post_delete], sender=Availability, dispatch_uid="sessions_rules_availability")
def _availability_written(sender: type, *, instance: Availability, **kwargs: object) -> None:
    """The rules changed (lengths, buffers, notice, weekly limit, horizon), or went."""
    booking_rules_changed(mentor_ids=[instance.mentor_id])


def _deleted_with_availability(sender: type, origin: Model | QuerySet | None) -> bool:
    """Whether a deleted window or date is part of its availability's own delete (or its
    mentor's): `origin`, what the delete began with, is then not of the row's own model, and
    the availability's receiver bumps it without a query per row."""
    if origin is None:
        return False
    model = origin.model if isinstance(origin, QuerySet) else type(origin)
    return model is not sender


def _mentor_of(sender: type, instance: WeeklyWindow | DateOverride) -> int | None:
    if sender._meta.get_field("availability").is_cached(instance):
        return instance.availability.mentor_id
    return (
        Availability.objects.filter(pk=instance.availability_id)
        .values_list("mentor_id", flat=True)
        .first()
    )


@receiver(post_save, sender=WeeklyWindow, dispatch_uid="sessions_rules_window_saved")
@receiver(post_delete, sender=WeeklyWindow, dispatch_uid="sessions_rules_window_deleted")
@receiver(post_save, sender=DateOverride, dispatch_uid="sessions_rules_override_saved")
@receiver(post_delete, sender=DateOverride, dispatch_uid="sessions_rules_override_deleted")
def _hours_written(
    sender: type,
    *,
    instance: WeeklyWindow | DateOverride,
    origin: Model | QuerySet | None = None,
    **kwargs: object,
) -> None:
    """A weekly window or a day off or extra hours added, changed or removed."""
    if _deleted_with_availability(sender, origin):
        return
    booking_rules_changed(mentor_ids=[_mentor_of(sender, instance)])
