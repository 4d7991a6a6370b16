"""provisioning's part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from provisioning.models import ProvisionedUser


@receiver(user_leaving, dispatch_uid="provisioning_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """What each organisation's directory said of them (names, emails) goes, and with it their
    SCIM id: the directory then sees them gone (404) and never brings the emptied account
    back. Its groups lose them."""
    ProvisionedUser.objects.filter(user=user).delete()
