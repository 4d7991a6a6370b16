"""Either partner puts a goal on one of the pairing's upcoming sessions' agenda, in one click
from the goal's page, the goal list or the pairing page.

The goal's own checks and lock come from goals (goal_lock_for_change), so this queues up
behind the pairing's other goal and agenda changes and refuses with GoalRefused like them.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from goals.models import Goal
from goals.services import GoalRefused, goal_lock_for_change
from sessions_app.models import AgendaItem, Appointment


@transaction.atomic
def agenda_goal_add(*, goal: Goal, by: User, appointment: Appointment) -> tuple[AgendaItem, bool]:
    """Either partner puts the goal on one of the pairing's upcoming booked sessions' agenda.

    Returns (item, created). Safe to repeat: once per goal and session (the pairing's lock
    makes a double click wait, then find the first one's item). Raises GoalRefused.
    """
    goal_lock_for_change(goal=goal, by=by, mentee_only=False)
    appointment.refresh_from_db(fields=["status", "ends_at"])
    if appointment.pairing_id != goal.pairing_id:
        raise GoalRefused(_("That session is not one of this pairing's."))
    if appointment.status != Appointment.Status.BOOKED:
        raise GoalRefused(_("That session was cancelled."))
    if appointment.ends_at <= timezone.now():
        raise GoalRefused(_("That session is over: choose an upcoming one."))
    existing = AgendaItem.objects.filter(appointment=appointment, goal=goal).first()
    if existing is not None:
        return existing, False
    item = AgendaItem.objects.create(
        appointment=appointment,
        author=by,
        kind=AgendaItem.Kind.GOAL,
        goal=goal,
        text=goal.title[: AgendaItem._meta.get_field("text").max_length],
    )
    return item, True
