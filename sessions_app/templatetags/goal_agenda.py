"""Put a goal on an upcoming session's agenda, from goals' pages (which sit below sessions and
so cannot read them): the tags query the sessions while the page renders.

    {% load goal_agenda %}
    {% goal_agenda_picker goal %}                     the goal page's "Talk it through" section
    {% goal_next_session pairing as next_agenda %}    once per list of the pairing's goals
    {% goal_next_agenda_button goal next_agenda back %}   beside each goal (no query)
"""

from django import template
from django.utils import timezone

from goals.models import Goal
from pairings.models import Pairing
from sessions_app.selectors.goal_agenda import (
    NextSessionAgenda,
    goal_agenda_sessions,
    next_session_agenda_for,
)

register = template.Library()


@register.inclusion_tag("sessions_app/goal_agenda/_picker.html")
def goal_agenda_picker(goal: Goal) -> dict:
    """The goal page's section putting the goal on one of the next few sessions' agendas (one
    query). Only for a goal its viewer may change: the page shows it when `editable`."""
    return {
        "goal": goal,
        "pairing": goal.pairing,
        "agenda_sessions": goal_agenda_sessions(goal=goal, now=timezone.now()),
    }


@register.simple_tag
def goal_next_session(pairing: Pairing) -> NextSessionAgenda:
    """The pairing's next session and the goals on its agenda (two queries at most), for
    goal_next_agenda_button beside each of its goals."""
    return next_session_agenda_for(pairing=pairing, now=timezone.now())


@register.inclusion_tag("sessions_app/goal_agenda/_next_button.html")
def goal_next_agenda_button(
    goal: Goal, next_agenda: NextSessionAgenda | None, back: str = ""
) -> dict:
    """Beside one goal: the "On the agenda of …" link, or the one-click button putting it on
    the next session's agenda; nothing without a next session. `back`: "pairing" or "list",
    to come back there after the click."""
    return {
        "goal": goal,
        "next_session": next_agenda.session if next_agenda else None,
        "on_agenda": bool(next_agenda) and goal.pk in next_agenda.goal_ids,
        "back": back,
    }
