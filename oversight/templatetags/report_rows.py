"""The rows of the printable cohort report's table of pairings, written in Python: one per
pairing, each through two included templates (its health and its sessions held), they cost the
report more than its figures and charts.

    {% load report_rows %}
    {% report_rows pairings %}      `pairings` from pairing_rows_for_cohort; needs `today`

The markup is byte for byte what the report's loop wrote with _health.html and
_sessions_held.html (tests/oversight/report_rows_before.html holds that loop, and
tests/oversight/test_report_rows.py compares the two in each language).
"""

from collections.abc import Iterable
from datetime import date, datetime

from django import template
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mentoring.quickforms import escape_value
from oversight.charts import day_label
from oversight.models.health import PairingHealth
from pairings.models import Pairing

register = template.Library()

DASH = "\N{EN DASH}"


def _day(value: date | datetime) -> str:
    """{{ value|date:"DATE_FORMAT" }}: a datetime in the current time zone first, then its day
    (DATE_FORMAT writes the date alone in every language)."""
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        value = value.date()
    return escape_value(day_label(value))


def _health(pairing: Pairing) -> PairingHealth | None:
    """pairing.health, or None without an assessment (as the template read it)."""
    return getattr(pairing, "health", None)


def health_cell_html(pairing: Pairing, today: date) -> str:
    """oversight/cohorts/_health.html, without all_reasons (the first reason only)."""
    if pairing.status != Pairing.Status.ACTIVE:
        return f'\n<span class="muted" aria-label="{_("Not applicable")}">{DASH}</span>\n\n'
    health = _health(pairing)
    if not health:
        badge = f'<span class="badge health-unassessed">{_("Not assessed yet")}</span>\n'
    elif health.snoozed_until and health.snoozed_until >= today:
        said = _("%(status)s, snoozed until %(until)s") % {
            "status": escape_value(health.get_status_display()),
            "until": _day(health.snoozed_until),
        }
        if health.snoozed_by:
            said += f" ({escape_value(health.snoozed_by.name)})"
        if health.snooze_note:
            said += f": “{escape_value(health.snooze_note)}”"
        badge = (
            f'<span class="badge health-snoozed">{_("Snoozed")}</span>\n  <small>{said}</small>\n'
        )
    else:
        reason = ""
        if health.reasons:
            reason = f"<small>{escape_value(health.reasons[0]['text'])}</small>"
        badge = (
            f'<span class="badge health-{escape_value(health.status)}">'
            f"{escape_value(health.get_status_display())}</span>\n  {reason}\n"
        )
    return f"\n\n{badge}\n\n"


def sessions_held_html(pairing: Pairing) -> str:
    """oversight/cohorts/_sessions_held.html: held against expected (active pairings only)."""
    health = _health(pairing)
    if health and pairing.status == Pairing.Status.ACTIVE:
        expected = escape_value(localize(health.sessions_expected))
    else:
        expected = DASH
    return f"\n{escape_value(localize(pairing.sessions_held))} / {expected}\n"


def report_row_html(pairing: Pairing, today: date) -> str:
    last = _day(pairing.last_contact) if pairing.last_contact else DASH
    rating = DASH
    if pairing.mean_rating is not None:
        rating = escape_value(floatformat(pairing.mean_rating, 1))
    return (
        f"\n      <tr>\n"
        f"        <td>{escape_value(pairing.mentor.name)}</td>"
        f"<td>{escape_value(pairing.mentee.name)}</td>\n"
        f"        <td>{escape_value(pairing.get_status_display())}</td>\n"
        f"        <td>{health_cell_html(pairing, today)}</td>\n"
        f"        <td>{sessions_held_html(pairing)}</td>\n"
        f"        <td>{last}</td>\n"
        f"        <td>{rating}</td>\n"
        f"        <td>{_day(pairing.created_at)}</td>\n"
        f"      </tr>\n    "
    )


def report_rows_html(pairings: Iterable[Pairing], today: date) -> SafeString:
    """Every pairing's row, as the report's {% for %} over them wrote it."""
    return SafeString("".join(report_row_html(pairing, today) for pairing in pairings))


@register.simple_tag(takes_context=True)
def report_rows(context: template.Context, pairings: Iterable[Pairing]) -> SafeString:
    """The rows, with each snooze read against the viewer's `today` in the context."""
    return report_rows_html(pairings, context["today"])
