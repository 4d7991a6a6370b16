"""The booking pages' week of free times, written in Python when there are free times.

    {% load slot_picker %}
    {% slot_picker %}    where {% include "sessions_app/booking/_slot_picker.html" %} was

Through the partial, its translations, date filters and links cost about as much as the few
hundred times it holds. The markup here is the partial's, character for character
(tests/sessions_app/test_booking_markup.py compares the two in several zones, languages and
states); with no free times, the partial itself writes the notice.
"""

from django import template
from django.template.context import Context
from django.utils.formats import date_format, localize
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from sessions_app.forms.booking import AppointmentRescheduleForm
from sessions_app.selectors.appointments import SlotWeek
from sessions_app.widgets import date_label

register = template.Library()

PICKER = "sessions_app/booking/_slot_picker.html"
WEEK_LINK = (
    '<a href="?length={length}&amp;week={week}" hx-get="?length={length}&amp;week={week}" '
    'hx-target="#slot-picker" hx-select="#slot-picker" hx-swap="outerHTML" hx-push-url="true" '
    'rel="{rel}">{text}</a>'
)
NO_LINK = '<span aria-hidden="true"></span>'


@register.simple_tag(takes_context=True)
def slot_picker(context: Context) -> SafeString:
    """The slot picker of the page's `form`, `week` and `length` (and, with no free times,
    `horizon_weeks` and `pairing`)."""
    if not context.get("has_slots"):
        with context.push():  # as {% include %} does
            return context.template.engine.get_template(PICKER).render(context)
    return slot_picker_html(form=context["form"], week=context["week"], length=context["length"])


def _week_link(length: object, monday: object, rel: str, text: str) -> str:
    if not monday:
        return NO_LINK
    return WEEK_LINK.format(
        length=conditional_escape(localize(length)),
        week=conditional_escape(date_label(monday, "Y-m-d")),
        rel=rel,
        text=conditional_escape(text),
    )


def slot_picker_html(
    *, form: AppointmentRescheduleForm, week: SlotWeek, length: object
) -> SafeString:
    """What the partial writes when there are free times."""
    first_free = ""
    if week.first_free:
        when = date_format(template_localtime(week.first_free.starts_at), "D j M, H:i")
        picked = ""
        if form.initial.get("starts_at"):
            picked = " · " + conditional_escape(_("picked for you, or pick another time"))
        first_free = (
            '\n      <p class="slot-first-free">'
            + _("First free: <strong>%(when)s</strong>") % {"when": conditional_escape(when)}
            + f"{picked}</p>\n    "
        )
    title = _("Week of %(first)s – %(last)s") % {  # noqa: RUF001  (the partial's msgid)
        "first": conditional_escape(date_label(week.monday, "j M")),
        "last": conditional_escape(date_label(week.days[6].day, "j M Y")),
    }
    starts_at = form["starts_at"]
    return SafeString(
        f'\n\n<div id="slot-picker">\n  {form["length"]}\n  \n    {first_free}\n'
        f'    <nav aria-label="{conditional_escape(_("Weeks"))}" class="slot-week-nav">\n'
        f"      {_week_link(length, week.previous, 'prev', _('← Previous week'))}\n"
        f'      <h2 class="slot-week-title" aria-live="polite">{title}</h2>\n'
        f"      {_week_link(length, week.next, 'next', _('Next week →'))}\n"
        "    </nav>\n"
        '    <fieldset class="field slot-field">\n'
        f'      <legend class="visually-hidden">{conditional_escape(starts_at.label)}</legend>\n'
        f"      {starts_at.errors}\n"
        f"      {starts_at}\n"
        f'      <small class="muted">{conditional_escape(starts_at.help_text)}</small>\n'
        "    </fieldset>\n  \n</div>\n"
    )
