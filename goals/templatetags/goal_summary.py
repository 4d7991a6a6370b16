"""One goal at a glance (progress, its small line, milestones, the latest update), written in
Python: the pairing page and the goals list show one per goal, and through two templates each
(the card and its sparkline) they cost more than the rest of the list.

    {% load goal_summary %}
    {% goal_summary goal %}     needs `user` and `pairing` in the context

The markup is byte for byte what the templates wrote (tests/goals/goal_summary_before.html
holds them, and tests/goals/test_goal_summary.py compares the two in each language): numbers
and dates are localized and values escaped as the templates did, texts go through the same
msgids.
"""

from datetime import date, datetime

from django import template
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, localize
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from goals.charts import ProgressChart
from goals.models import Goal
from mentoring.quickforms import escape_value
from pairings.models import Pairing

register = template.Library()


def value_html(value: object) -> str:
    """{{ value }}: localized (numbers, so 4.5 reads 4,5 in German as it did) and escaped."""
    if type(value) is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # what localize gives a whole number without grouping, its digits
    return escape_value(localize(value))


def number_html(value: object) -> str:
    """{{ value|unlocalize }}: a number as SVG reads it (4.5, never the 4,5 of German or
    Spanish, which a browser cannot draw)."""
    return escape_value(value)


def date_html(value: date | datetime, format_name: str) -> str:
    """{{ value|date:format_name }}: a datetime in the current time zone first."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    return escape_value(date_format(value, format_name))


def sparkline_html(chart: ProgressChart) -> str:
    """The goal's progress over time as a small line; its label lists the points."""
    on_day = _("on %(day)s")
    label = _("Progress over time:") + ",".join(
        f" {value_html(point.progress)}% " + on_day % {"day": date_html(point.at, "DATE_FORMAT")}
        for point in chart.points
    )
    bottom = number_html(chart.bottom)
    target = ""
    if chart.target_x:
        x = number_html(chart.target_x)
        target = (
            f'<line x1="{x}" x2="{x}" y1="{number_html(chart.top)}" y2="{bottom}"'
            ' stroke="currentColor" stroke-dasharray="2 2" stroke-opacity="0.5"/>'
        )
    circles = "".join(
        f'<circle cx="{number_html(point.x)}" cy="{number_html(point.y)}" r="2"'
        ' fill="currentColor"/>'
        for point in chart.points
    )
    width, height = number_html(chart.width), number_html(chart.height)
    return (
        f'\n<svg class="goal-sparkline" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" role="img" focusable="false"\n     aria-label="{label}">\n'
        f'  <line x1="{number_html(chart.left)}" x2="{number_html(chart.right)}" y1="{bottom}"'
        f' y2="{bottom}" stroke="currentColor" stroke-opacity="0.2"/>\n'
        f"  {target}\n"
        f'  <polyline points="{escape_value(chart.polyline)}" fill="none" stroke="currentColor"'
        ' stroke-width="1.5"/>\n'
        f"  {circles}\n</svg>\n"
    )


def _latest_update_html(goal: Goal, pairing: Pairing, viewer: User) -> str:
    if not goal.latest_update_at:
        return f'\n    <p class="muted"><small>{_("No updates yet.")}</small></p>\n  '
    author_id = goal.latest_update_author_id
    if author_id == viewer.pk:
        author = _("You")
    elif author_id == pairing.mentor_id:
        author = escape_value(pairing.mentor.name)
    else:
        author = escape_value(pairing.mentee.name)
    progress = ""
    if goal.latest_update_kind == "progress":
        progress = f"{value_html(goal.latest_update_progress)}%"
        if goal.latest_update_text:
            progress += " — "
    text = escape_value(Truncator(goal.latest_update_text).chars(140))
    at = goal.latest_update_at
    return (
        f'\n    <p class="muted"><small>\n      {author}\n'
        f'      · <time datetime="{date_html(at, "c")}">'
        f"{date_html(at, 'DATETIME_FORMAT')}</time>:\n"
        f"      {progress}{text}\n    </small></p>\n  "
    )


def goal_summary_html(*, goal: Goal, pairing: Pairing, viewer: User) -> SafeString:
    """The goal's card: `goal` with the overview annotations and `sparkline`
    (goals.selectors.goals_overview_for), `pairing` its pairing."""
    pk = value_html(goal.pk)
    url = escape_value(reverse("goals:goal_detail", args=[goal.pk]))
    title = escape_value(goal.title)
    target = ""
    if goal.target_date:
        day = date_html(goal.target_date, "DATE_FORMAT")
        target = "· " + _("target %(day)s") % {"day": day}
    shared = ""
    if goal.shared_with_programme:
        shared = f"· <small>{_('shared with the programme team')}</small>"
    sparkline = f"{sparkline_html(goal.sparkline)}<br>" if goal.sparkline else ""
    progress = value_html(goal.progress)
    total = goal.milestones_total
    milestones = ngettext(
        "%(done)s of %(total)s milestone done", "%(done)s of %(total)s milestones done", total
    ) % {"done": value_html(goal.milestones_done), "total": value_html(total)}
    progress_of = _("Progress of %(title)s") % {"title": title}
    return SafeString(
        f'\n\n<article class="goal-summary" aria-labelledby="goal-{pk}-title">\n'
        f"  <header>\n"
        f'    <h3 id="goal-{pk}-title"><a href="{url}">{title}</a></h3>\n'
        f"    <p>\n"
        f'      <span class="badge">{escape_value(goal.get_status_display())}</span>\n'
        f"      {target}\n"
        f"      {shared}\n"
        f"    </p>\n"
        f"  </header>\n"
        f"  <p>\n"
        f"    {sparkline}\n"
        f'    <progress value="{progress}" max="100" aria-label="{progress_of}">{progress}%'
        f"</progress>\n"
        f"    <span>{progress}%</span>\n"
        f"    · {milestones}\n"
        f"  </p>\n"
        f"  {_latest_update_html(goal, pairing, viewer)}\n"
        f"</article>\n"
    )


@register.simple_tag(takes_context=True)
def goal_summary(context: template.Context, goal: Goal) -> SafeString:
    """The goal's card, for the viewer (`user`) and the goal's `pairing` in the context."""
    return goal_summary_html(goal=goal, pairing=context["pairing"], viewer=context["user"])
