"""The availability page's week view (its form, week links and table), written in Python.

    {% load availability_week %}
    {% availability_week %}    where the week view's markup was, in _week.html

Through the template, its translations, date filters, links and length options cost several
times what the rows themselves (views.availability._week_rows, already Python) do. The markup
here is the template's, character for character (tests/sessions_app/test_widgets.py compares
the two with availability_week_before.html in several languages).
"""

from django import template
from django.template.context import Context
from django.urls import reverse
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sessions_app.widgets import date_label

register = template.Library()

WEEK_LINK = (
    '<li><a href="{page}?start={start}&amp;length={length}" '
    'hx-get="{week}?start={start}&amp;length={length}" hx-target="#week" '
    'hx-swap="outerHTML">{text}</a></li>'
)


@register.simple_tag(takes_context=True)
def availability_week(context: Context) -> SafeString:
    """The week view of the context's `days`, `length`, `length_choices`, `previous_start`,
    `next_start`, `mentor_zone` and `week_rows` (views.availability._week_context)."""
    days, length = context["days"], context["length"]
    page = conditional_escape(reverse("sessions_app:availability"))
    week = conditional_escape(reverse("sessions_app:availability_week"))
    shown_length = conditional_escape(localize(length))

    def link(start: object, text: str) -> str:
        if not start:
            return ""
        return WEEK_LINK.format(
            page=page,
            week=week,
            start=conditional_escape(date_label(start, "Y-m-d")),
            length=shown_length,
            text=conditional_escape(text),
        )

    options = "".join(
        f'<option value="{conditional_escape(localize(value))}"'
        f"{' selected' if value == length else ''}>{conditional_escape(label)}</option>"
        for value, label in context["length_choices"]
    )
    caption = _(
        "Free start times for a %(minutes)s-minute session, %(first)s to %(last)s, in your "
        "time zone (%(zone)s)"
    ) % {
        "minutes": shown_length,
        "first": conditional_escape(date_label(days[0].hours.day, "j F")),
        "last": conditional_escape(date_label(days[6].hours.day, "j F Y")),
        "zone": conditional_escape(context["mentor_zone"]),
    }
    return SafeString(
        "\n    \n    \n"
        f'    <form method="get" action="{page}" hx-get="{week}" hx-target="#week" '
        'hx-swap="outerHTML" hx-trigger="change">\n'
        '      <input type="hidden" name="start" '
        f'value="{conditional_escape(date_label(days[0].hours.day, "Y-m-d"))}">\n'
        '      <div class="grid">\n'
        "        <div>\n"
        f'          <label for="week-length">{conditional_escape(_("Session length"))}</label>\n'
        '          <select id="week-length" name="length">\n'
        f"            {options}\n"
        "          </select>\n"
        "        </div>\n"
        '        <div><button type="submit" class="secondary outline">'
        f"{conditional_escape(_('Show'))}</button></div>\n"
        "      </div>\n"
        "    </form>\n"
        f'    <nav aria-label="{conditional_escape(_("Weeks"))}">\n'
        "      <ul>\n"
        f"        {link(context['previous_start'], _('Previous 7 days'))}\n"
        f"        {link(context['next_start'], _('Next 7 days'))}\n"
        "      </ul>\n"
        "    </nav>\n"
        '    <div class="overflow-auto">\n'
        "    <table>\n"
        f"      <caption>{caption}</caption>\n"
        "      <thead>\n"
        "        <tr>\n"
        f'          <th scope="col">{conditional_escape(_("Date"))}</th>\n'
        f'          <th scope="col">{conditional_escape(_("Your hours"))}</th>\n'
        f'          <th scope="col">{conditional_escape(_("Free start times"))}</th>\n'
        "        </tr>\n"
        "      </thead>\n"
        f"      <tbody>{conditional_escape(context['week_rows'])}</tbody>\n"
        "    </table>\n"
        "    </div>\n  "
    )
