"""goals' part when someone leaves the platform (accounts.events.user_leaving)."""

from django.dispatch import receiver

from accounts.events import user_leaving
from accounts.models import User
from goals.models import Goal


@receiver(user_leaving, dispatch_uid="goals_delete_the_leavers_goals")
def _delete_the_leavers_goals(sender: type, *, user: User, **kwargs: object) -> None:
    """A mentee's goals are theirs: they go, with their milestones and updates. (What a
    leaving mentor wrote on a mentee's goal stays with the goal.)"""
    Goal.objects.filter(mentee=user).delete()
