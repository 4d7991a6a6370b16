"""notifications' part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from notifications.models import Notification, NotificationSettings


@receiver(user_leaving, dispatch_uid="notifications_forget_the_leaver")
def _forget_the_leaver(sender: type, *, user: User, **kwargs: object) -> None:
    """Nothing more is sent to them, and their choices go."""
    Notification.objects.filter(recipient=user).delete()
    NotificationSettings.objects.filter(user=user).delete()
