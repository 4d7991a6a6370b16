"""The materials shared for one session, on its agenda page (sessions sit below exchange and
so cannot read them): the tag queries them while the page renders.

    {% load session_materials %}
    {% session_materials appointment %}
"""

from django import template

from exchange.selectors.materials import materials_for_appointment, materials_with_hosts
from sessions_app.models import Appointment

register = template.Library()


@register.inclusion_tag("exchange/_partials/material_session_list.html", takes_context=True)
def session_materials(context: template.Context, appointment: Appointment) -> dict:
    """The session's still-shared materials (one query, however many). From the page: `user`,
    and `open` (the session can still take materials: the agenda is open)."""
    return {
        "appointment": appointment,
        "materials": materials_with_hosts(materials_for_appointment(appointment=appointment)),
        "open": context.get("open"),
        "user": context.get("user"),
    }
