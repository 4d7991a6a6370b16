"""Put a goal on an upcoming session's agenda, from goals' pages (which sit below sessions and
so cannot read them): the tags query the sessions while the page renders.

    {% load goal_agenda %}
    {% goal_agenda_picker goal %}                     the goal page's "Talk it through" section
    {% goal_next_session pairing as next_agenda %}    once per list of the pairing's goals
    {% goal_next_agenda_button goal next_agenda back %}   beside each goal (no query)

The picker and the buttons are written in Python (the pairing page shows a button per goal, and
each through its template cost more than the read they show): byte for byte what their
templates wrote (tests/sessions_app/goal_picker_before.html and goal_next_button_before.html,
compared in each language by tests/sessions_app/test_goal_agenda_markup.py). Texts go through
the templates' msgids, dates are localized and values escaped as the templates did.
"""

from datetime import datetime

from django import template
from django.template import Context
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from goals.models import Goal
from mentoring.quickforms import csrf_input, escape_value
from pairings.models import Pairing
from sessions_app.models import Appointment
from sessions_app.selectors.goal_agenda import (
    NextSessionAgenda,
    goal_agenda_sessions,
    next_session_agenda_for,
)

register = template.Library()


def _when(starts_at: datetime) -> str:
    """{{ starts_at|date:"D j M, H:i" }}: in the current time zone, escaped."""
    if timezone.is_aware(starts_at):
        starts_at = timezone.localtime(starts_at)
    return escape_value(date_format(starts_at, "D j M, H:i"))


def _on_agenda_link(session: Appointment) -> str:
    """The "On the agenda of …" link to the session's agenda (without the tick after it)."""
    url = escape_value(reverse("sessions_app:agenda", args=[session.pk]))
    text = _("On the agenda of %(when)s") % {"when": _when(session.starts_at)}
    return f'<a href="{url}">{text}</a>'


@register.simple_tag(takes_context=True)
def goal_agenda_picker(context: Context, goal: Goal) -> SafeString:
    """The goal page's section putting the goal on one of the next few sessions' agendas (one
    query). Only for a goal its viewer may change: the page shows it when `editable`."""
    sessions = goal_agenda_sessions(goal=goal, now=timezone.now())
    html = (
        '\n\n<section id="agenda" aria-labelledby="agenda-title">\n'
        f'  <h2 id="agenda-title">{escape_value(_("Talk it through"))}</h2>\n  '
    )
    if sessions:
        html += '\n    <ul class="actions">\n      '
        action = escape_value(reverse("sessions_app:goal_agenda", args=[goal.pk]))
        csrf = csrf_input(context.get("csrf_token"))
        put = _("Put on the agenda of %(when)s")
        for number, session in enumerate(sessions):
            html += "\n        <li>\n          "
            if session.has_goal:
                html += f"\n            {_on_agenda_link(session)} ✓\n          "
            else:
                kind = "" if number == 0 else "secondary "
                text = put % {"when": _when(session.starts_at)}
                html += (
                    f'\n            <form method="post" action="{action}" class="inline-form">\n'
                    f"              {csrf}\n"
                    '              <input type="hidden" name="appointment"'
                    f' value="{session.pk}">\n'
                    f'              <button type="submit" class="{kind}outline">{text}</button>\n'
                    "            </form>\n          "
                )
            html += "\n        </li>\n      "
        html += "\n    </ul>\n  "
    else:
        book = escape_value(reverse("sessions_app:book", args=[goal.pairing_id]))
        html += (
            f'\n    <p class="muted">{escape_value(_("No session booked yet."))}'
            f' <a href="{book}">{escape_value(_("Book a session"))}</a></p>\n  '
        )
    return SafeString(html + "\n</section>\n")


@register.simple_tag
def goal_next_session(pairing: Pairing) -> NextSessionAgenda:
    """The pairing's next session and the goals on its agenda (two queries at most), for
    goal_next_agenda_button beside each of its goals."""
    return next_session_agenda_for(pairing=pairing, now=timezone.now())


@register.simple_tag(takes_context=True)
def goal_next_agenda_button(
    context: Context, goal: Goal, next_agenda: NextSessionAgenda | None, back: str = ""
) -> SafeString:
    """Beside one goal: the "On the agenda of …" link, or the one-click button putting it on
    the next session's agenda; nothing without a next session. `back`: "pairing" or "list",
    to come back there after the click."""
    session = next_agenda.session if next_agenda else None
    if session is None:
        return SafeString("\n\n\n")
    if goal.pk in next_agenda.goal_ids:
        link = _on_agenda_link(session)
        return SafeString(f"\n\n\n    \n      <p><small>{link} ✓</small></p>\n    \n\n")
    action = escape_value(reverse("sessions_app:goal_agenda", args=[goal.pk]))
    back_input = f'<input type="hidden" name="next" value="{escape_value(back)}">' if back else ""
    text = _("Put on the agenda of %(when)s") % {"when": _when(session.starts_at)}
    return SafeString(
        "\n\n\n    \n"
        f'      <form method="post" action="{action}" class="inline-form">\n'
        f"        {csrf_input(context.get('csrf_token'))}\n"
        f'        <input type="hidden" name="appointment" value="{session.pk}">\n'
        f"        {back_input}\n"
        f'        <button type="submit" class="secondary outline">{text}'
        f'<span class="visually-hidden">: {escape_value(goal.title)}</span></button>\n'
        "      </form>\n    \n\n"
    )
