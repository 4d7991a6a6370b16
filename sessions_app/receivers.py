"""sessions_app's answers to what the layers below it announce (see pairings/signals.py)."""

from django.dispatch import receiver
from django.utils.translation import gettext as _

from accounts.models import User
from pairings.models import Pairing
from pairings.signals import pairing_closing
from sessions_app.services.booking import appointments_cancel_for_pairing


@receiver(pairing_closing)
def _cancel_sessions_ahead(sender: type, *, pairing: Pairing, by: User, **kwargs: object) -> None:
    """A closing pairing meets no more: its sessions still ahead are cancelled, and both
    partners are told as for any cancellation."""
    appointments_cancel_for_pairing(
        pairing=pairing, by=by, reason=str(_("The pairing has closed."))
    )
