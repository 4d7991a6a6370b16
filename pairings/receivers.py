"""pairings' part when someone leaves the platform (accounts.events.user_leaving)."""

from django.db.models import Q
from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from pairings.models import ContactTerms, Pairing
from pairings.services.pairings import pairing_close


@receiver(user_leaving, dispatch_uid="pairings_close_the_leavers_pairings")
def _close_the_leavers_pairings(sender: type, *, user: User, **kwargs: object) -> None:
    """Their live pairings close ("left the platform"; the partner is told and the sessions
    still ahead are cancelled), and their side of each contact agreement (hours, phones) goes.
    The pairings themselves stay: they are the partner's history and the cohort's figures."""
    for pairing in Pairing.objects.filter(Q(mentor=user) | Q(mentee=user), status__in=Pairing.LIVE):
        pairing_close(pairing=pairing, by=user, reason=Pairing.CloseReason.LEFT)
    ContactTerms.objects.filter(person=user).delete()
