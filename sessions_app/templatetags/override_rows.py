"""The rows of the availability page's table of days off and extra hours, written in Python.

    {% load override_rows %}
    {% override_rows overrides %}    where the rows' {% for %} loop was

A mentor with many days off drew a row each through the loop's date filters, translations,
URL and CSRF tags. The markup here is the loop's, character for character
(tests/sessions_app/test_override_rows.py compares the two in several languages).
"""

from collections.abc import Iterable

from django import template
from django.template.context import Context
from django.template.defaulttags import CsrfTokenNode
from django.urls import reverse
from django.utils.formats import time_format
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from sessions_app.models import DateOverride
from sessions_app.widgets import date_label

register = template.Library()

ROW = (
    '\n            <tr>\n              <th scope="row"><time datetime="{day}">{long}</time></th>'
    "\n              <td>{what}</td>\n              <td>\n"
    '                <form method="post" action="{action}" class="inline-form">\n'
    "                  {csrf}\n"
    '                  <button type="submit" class="secondary outline">{remove}'
    '<span class="visually-hidden"> {short}</span></button>\n'
    "                </form>\n              </td>\n            </tr>\n          "
)


@register.simple_tag(takes_context=True)
def override_rows(context: Context, overrides: Iterable[DateOverride]) -> SafeString:
    """The table rows of `overrides`, each with its remove button (the page's CSRF token)."""
    csrf = CsrfTokenNode().render(context)  # what {% csrf_token %} writes, once for all rows
    # One URL reversed for all: the rows' differ in the id only.
    before, after = reverse("sessions_app:availability_override_remove", args=[0]).rsplit("/0/", 1)
    before, after = conditional_escape(before), conditional_escape(after)
    day_off, remove = conditional_escape(_("Day off")), conditional_escape(_("Remove"))
    extra = _("Extra hours %(starts)s–%(ends)s")  # noqa: RUF001  (the template's msgid)

    def clock(moment: object) -> str:
        return conditional_escape(time_format(moment, "TIME_FORMAT"))

    return SafeString(
        "".join(
            ROW.format(
                day=conditional_escape(date_label(override.date, "Y-m-d")),
                long=conditional_escape(date_label(override.date, "l j F Y")),
                what=day_off
                if override.day_off
                else extra % {"starts": clock(override.starts), "ends": clock(override.ends)},
                action=f"{before}/{override.pk}/{after}",
                csrf=csrf,
                remove=remove,
                short=conditional_escape(date_label(override.date, "j F Y")),
            )
            for override in overrides
        )
    )
