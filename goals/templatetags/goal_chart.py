"""The goal page's progress chart (server-side SVG, with the same points as a table), written
in Python: through its template, one row per point and axis tick, it was the page's dearest
part.

    {% load goal_chart %}
    {% goal_chart chart goal %}     `chart` a goals.charts.ProgressChart of `goal`

The markup is byte for byte what templates/goals/goals/_chart.html wrote (tests/goals holds
that template, and test_goal_summary.py compares the two in each language).
"""

from datetime import datetime

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from goals.charts import ProgressChart
from goals.models import Goal
from goals.templatetags.goal_summary import date_html, number_html, value_html
from mentoring.quickforms import escape_value

register = template.Library()


def _description(chart: ProgressChart) -> str:
    n = len(chart.updates)
    return ngettext(
        "Set on %(start)s at 0%%; %(n)s progress update, the latest on %(end)s at %(last)s%%. "
        "The table below lists every point.",
        "Set on %(start)s at 0%%; %(n)s progress updates, the latest on %(end)s at %(last)s%%. "
        "The table below lists every point.",
        n,
    ) % {
        "start": date_html(chart.first.at, "DATE_FORMAT"),
        "end": date_html(chart.last.at, "DATE_FORMAT"),
        "last": value_html(chart.last.progress),
        "n": value_html(n),
    }


def _plot(chart: ProgressChart, when: dict[datetime, str]) -> str:
    """The axes, the target line and the points (`when`: their times, written), inside the
    <svg>."""
    left, right = number_html(chart.left), number_html(chart.right)
    bottom, top = number_html(chart.bottom), number_html(chart.top)
    parts = [
        f'\n      <line x1="{left}" x2="{right}" y1="{y}" y2="{y}" stroke="currentColor"'
        ' stroke-opacity="0.15"/>\n'
        f'      <text x="{number_html(chart.left - 6)}" y="{y}" dy="4" text-anchor="end">'
        f"{value_html(percent)}%</text>\n    "
        for y, percent in ((number_html(y), percent) for y, percent in chart.y_ticks)
    ]
    parts.append("\n    ")
    tick_bottom = number_html(chart.bottom + 4)
    parts += [
        f'\n      <line x1="{x}" x2="{x}" y1="{bottom}" y2="{tick_bottom}" stroke="currentColor"'
        ' stroke-opacity="0.5"/>\n'
        f'      <text x="{x}" y="{number_html(chart.height)}" dy="-8" text-anchor="middle">'
        f"{date_html(day, 'j M')}</text>\n    "
        for x, day in ((number_html(x), day) for x, day in chart.x_ticks)
    ]
    parts.append("\n    ")
    if chart.target_x:
        x = number_html(chart.target_x)
        parts.append(
            f'\n      <line class="chart-target" x1="{x}" x2="{x}" y1="{top}" y2="{bottom}"'
            ' stroke="currentColor" stroke-dasharray="4 4" stroke-opacity="0.6"/>\n'
            f'      <text x="{x}" y="{top}" dx="-4" dy="8" text-anchor="end">{_("target")}</text>\n'
            "    "
        )
    parts.append(
        f'\n    <polyline class="chart-line" points="{escape_value(chart.polyline)}" fill="none"'
        ' stroke="currentColor" stroke-width="2"/>\n    '
    )
    parts += [
        f'\n      <circle class="chart-point" cx="{number_html(point.x)}"'
        f' cy="{number_html(point.y)}"'
        f' r="4"><title>{when[point.at]}:'
        f" {value_html(point.progress)}%</title></circle>\n    "
        for point in chart.points
    ]
    parts.append("\n")
    return "".join(parts)


def _table_rows(chart: ProgressChart, when: dict[datetime, str]) -> str:
    goal_set = f" ({_('goal set')})"
    return "".join(
        "\n            <tr>\n"
        f'              <td><time datetime="{date_html(point.at, "c")}">'
        f"{when[point.at]}</time>{goal_set if point.is_start else ''}"
        "</td>\n"
        f"              <td>{value_html(point.progress)}%</td>\n"
        "            </tr>\n          "
        for point in chart.points
    )


def goal_chart_html(*, chart: ProgressChart, goal: Goal) -> SafeString:
    """The goal's progress over time as SVG, and the same points as a table (the text
    alternative)."""
    pk = value_html(goal.pk)
    width, height = number_html(chart.width), number_html(chart.height)
    caption = _("Progress of “%(title)s” over time") % {"title": escape_value(goal.title)}
    # Each point's time shows twice (its dot's title, its row): formatted once.
    when = {point.at: date_html(point.at, "DATETIME_FORMAT") for point in chart.points}
    return SafeString(
        '\n\n<figure class="goal-chart">\n'
        f'  <svg viewBox="0 0 {width} {height}" width="100%" role="img" focusable="false"\n'
        f'       aria-labelledby="chart-{pk}-title chart-{pk}-desc" font-size="11"'
        ' fill="currentColor">\n'
        f'    <title id="chart-{pk}-title">{_("Progress over time")}</title>\n'
        f'    <desc id="chart-{pk}-desc">{_description(chart)}</desc>\n    '
        f"{_plot(chart, when)}"
        "  </svg>\n"
        "  <figcaption>\n"
        "    <details>\n"
        f"      <summary>{_('Show the points as a table')}</summary>\n"
        '      <table class="striped">\n'
        f'        <caption class="visually-hidden">{caption}</caption>\n'
        f'        <thead><tr><th scope="col">{_("When")}</th><th scope="col">{_("Progress")}'
        "</th></tr></thead>\n"
        "        <tbody>\n          "
        f"{_table_rows(chart, when)}\n"
        "        </tbody>\n"
        "      </table>\n"
        "    </details>\n"
        "  </figcaption>\n"
        "</figure>\n"
    )


@register.simple_tag
def goal_chart(chart: ProgressChart, goal: Goal) -> SafeString:
    return goal_chart_html(chart=chart, goal=goal)
