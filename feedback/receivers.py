"""feedback's part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from feedback.models import Feedback


@receiver(user_leaving, dispatch_uid="feedback_forget_the_leavers_words")
def _forget_the_leavers_words(sender: type, *, user: User, **kwargs: object) -> None:
    """The words of their feedback go; its ratings stay (the cohort's figures)."""
    Feedback.objects.filter(person=user).update(went_well="", could_be_better="", comments="")
