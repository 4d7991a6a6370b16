"""oversight's part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from oversight.models import AnnouncementDelivery


@receiver(user_leaving, dispatch_uid="oversight_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """Announcements not yet delivered to them are not sent."""
    AnnouncementDelivery.objects.filter(person=user).exclude(
        status=AnnouncementDelivery.Status.SENT
    ).delete()
