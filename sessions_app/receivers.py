"""sessions_app's answers to what the layers below it announce (see pairings/signals.py)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.events import user_leaving
from accounts.models import User
from pairings.models import Pairing
from pairings.signals import pairing_closing
from sessions_app.models import Availability, CalendarFeed, Reminder, ReminderSettings, SessionNote
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
    CalendarFeed.objects.filter(user=user).delete()
    ReminderSettings.objects.filter(user=user).delete()
    Reminder.objects.filter(recipient=user).exclude(status=Reminder.Status.SENT).delete()
    SessionNote.objects.filter(author=user).delete()
