"""Small charts drawn on the server as SVG, each with the table of its numbers.

No JavaScript and no charting library: a chart is a few rectangles, so the page stays fast,
prints well and works without scripts. Each SVG is an image with a title and a description
(role="img", aria-labelledby); the same numbers go in a table that screen readers and anyone
who prefers reading can open. Colours come from CSS classes (static/css/app.css) so dark mode
and print can change them; the fill attributes are the fallback.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from mentoring.quickforms import escape_value
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import HealthSeries, WeeklySeries

WIDTH, HEIGHT = 480, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 30  # room for the axis labels
MAX_X_LABELS = 6
# Colour-blind-safe where it matters (blue, orange, vermilion); CSS may override.
HEALTH_COLOURS = {
    HealthStatus.ON_TRACK: "#0072b2",
    HealthStatus.NEEDS_ATTENTION: "#e69f00",
    HealthStatus.AT_RISK: "#d55e00",
}
BAR_COLOUR = "#0072b2"


@dataclass(frozen=True)
class Series:
    key: str  # a CSS-safe name: the class chart-<key> colours it
    label: str
    values: Sequence[int]
    colour: str


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: SafeString  # empty when there is nothing to draw
    columns: list[str]  # the text alternative: a header row ...
    rows: list[list[object]]  # ... and one row per category
    empty_text: str = ""
    legend: Sequence[Series] = ()

    @property
    def empty(self) -> bool:
        return not self.svg


def _px(value: float) -> str:
    return f"{value:.1f}"


def _nice_max(value: int) -> int:
    """The smallest of 1, 2, 5, 10, 20, 50, ... at or above `value`, for round gridlines."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def _frame(chart_id: str, title: str, description: str, body: SafeString) -> SafeString:
    return format_html(
        '<svg class="chart" viewBox="0 0 {w} {h}" role="img" '
        'aria-labelledby="{id}-title {id}-desc" preserveAspectRatio="xMidYMid meet" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=HEIGHT,
        id=chart_id,
        title=title,
        desc=description,
        body=body,
    )


def _axes(labels: Sequence[str], top: int) -> SafeString:
    """Gridlines at 0, half and the top value, and every few category labels below."""
    plot_h = HEIGHT - TOP - BOTTOM
    parts = []
    for value in sorted({0, top // 2, top}) if top > 1 else (0, top):
        y = TOP + plot_h - plot_h * value / top
        parts.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{_px(y)}" '
            f'y2="{_px(y)}" stroke="#999" stroke-opacity=".4"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{_px(y + 4)}" text-anchor="end">'
            f"{value}</text>"
        )
    step = max(1, -(-len(labels) // MAX_X_LABELS))  # ceil: at most MAX_X_LABELS labels
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    for i in range(0, len(labels), step):
        parts.append(
            f'<text class="chart-tick" x="{_px(LEFT + slot * (i + 0.5))}" '
            f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape_value(labels[i])}</text>'
        )
    return mark_safe("".join(parts))  # noqa: S308 - numbers, and the labels escaped


def _bars(labels: Sequence[str], series: Sequence[Series], top: int) -> SafeString:
    """One bar per category, the series stacked from the bottom in the order given."""
    plot_h = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(labels), 1)
    width = max(slot * 0.8, 1)
    parts = []
    for i, label in enumerate(labels):
        base = TOP + plot_h
        for one in series:
            value = one.values[i]
            if not value:
                continue
            height = plot_h * value / top
            base -= height
            parts.append(
                f'<rect class="chart-bar chart-{escape_value(one.key)}" '
                f'x="{_px(LEFT + slot * i + (slot - width) / 2)}" y="{_px(base)}" '
                f'width="{_px(width)}" height="{_px(height)}" fill="{escape_value(one.colour)}">'
                f"<title>{escape_value(label)}: {escape_value(one.label)} "
                f"{escape_value(value)}</title></rect>"
            )
    return mark_safe("".join(parts))  # noqa: S308 - numbers, and the words escaped


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    category_label: str,
    labels: Sequence[str],
    series: Sequence[Series],
    empty_text: str,
    row_labels: Sequence[str] | None = None,
) -> Chart:
    """A bar chart, stacked when given several series; a histogram is one series over its
    bins. Empty (no SVG, `empty_text` instead) when every value is zero. `row_labels` name the
    table's rows when the axis labels are too short for them (a week without its year)."""
    columns = [category_label, *(one.label for one in series)]
    rows = [
        [label, *(one.values[i] for one in series)] for i, label in enumerate(row_labels or labels)
    ]
    if len(series) > 1:
        columns.append(_("Total"))
        for row in rows:
            row.append(sum(row[1:]))
    totals = [sum(one.values[i] for one in series) for i in range(len(labels))]
    legend = series if len(series) > 1 else ()
    if not any(totals):
        return Chart(chart_id, title, description, SafeString(""), columns, rows, empty_text)
    top = _nice_max(max(totals))
    body = _axes(labels, top) + _bars(labels, series, top)
    svg = _frame(chart_id, title, description, body)
    return Chart(chart_id, title, description, svg, columns, rows, empty_text, legend)


@lru_cache(maxsize=4096)
def _day_label(day: date, format_name: str, language: str | None) -> str:
    return date_format(day, format_name)


def day_label(day: date, format_name: str = "DATE_FORMAT") -> str:
    """date_format(day, format_name) for a date (never a datetime), kept per day, format and
    language: a page writes the same weeks in two charts and their tables, and the same days
    down its rows (about a hundred calls each through date_format)."""
    return _day_label(day, format_name, get_language())


def _week(day: date) -> str:
    return day_label(day, "j M")


def sessions_chart(series: WeeklySeries) -> Chart:
    """Sessions held per week over the cohort so far."""
    total = sum(series.values)
    description = _("No weeks yet.")
    if series.weeks:
        busiest = max(range(len(series.values)), key=lambda i: series.values[i])
        description = ngettext(
            "From the week of %(first)s to the week of %(last)s: %(total)s session held; "
            "the busiest week began %(busiest)s with %(most)s.",
            "From the week of %(first)s to the week of %(last)s: %(total)s sessions held; "
            "the busiest week began %(busiest)s with %(most)s.",
            total,
        ) % {
            "first": _week(series.weeks[0]),
            "last": _week(series.weeks[-1]),
            "total": total,
            "busiest": _week(series.weeks[busiest]),
            "most": series.values[busiest],
        }
    return bar_chart(
        chart_id="chart-sessions",
        title=_("Sessions held per week"),
        description=description,
        category_label=_("Week of"),
        labels=[_week(week) for week in series.weeks],
        row_labels=[day_label(week) for week in series.weeks],
        series=[Series("sessions", _("Sessions held"), series.values, BAR_COLOUR)],
        empty_text=_("No sessions held yet.")
        if series.weeks
        else _("The cohort has not started yet: this fills in from its first week."),
    )


def health_chart(series: HealthSeries) -> Chart:
    """Active pairings in each health status at the end of each week, stacked."""
    stacked = [
        Series(status.replace("_", "-"), str(status.label), series.counts[status], colour)
        for status, colour in HEALTH_COLOURS.items()
    ]
    description = _("No assessments yet.")
    if not series.empty:
        latest = max(i for i in range(len(series.weeks)) if any(s.values[i] for s in stacked))
        description = _(
            "Pairings on track, needing attention and at risk at the end of each week. "
            "Week of %(week)s: %(on_track)s on track, %(attention)s need attention, "
            "%(at_risk)s at risk."
        ) % {
            "week": _week(series.weeks[latest]),
            "on_track": series.counts[HealthStatus.ON_TRACK][latest],
            "attention": series.counts[HealthStatus.NEEDS_ATTENTION][latest],
            "at_risk": series.counts[HealthStatus.AT_RISK][latest],
        }
    return bar_chart(
        chart_id="chart-health",
        title=_("Pairing health over time"),
        description=description,
        category_label=_("Week of"),
        labels=[_week(week) for week in series.weeks],
        row_labels=[day_label(week) for week in series.weeks],
        series=stacked,
        empty_text=_("No health assessments yet: the nightly check fills this in."),
    )


def ratings_chart(counts: dict[int, int]) -> Chart:
    """How many session ratings gave 1 to 5."""
    total = sum(counts.values())
    mean = sum(r * n for r, n in counts.items()) / total if total else 0
    description = ngettext(
        "%(total)s session rating, %(mean).1f on average: %(each)s.",
        "%(total)s session ratings, %(mean).1f on average: %(each)s.",
        total,
    ) % {
        "total": total,
        "mean": mean,
        "each": ", ".join(
            _("%(n)s gave %(rating)s") % {"n": n, "rating": rating} for rating, n in counts.items()
        ),
    }
    return bar_chart(
        chart_id="chart-ratings",
        title=_("Session ratings"),
        description=description,
        category_label=_("Rating (1-5)"),
        labels=[str(rating) for rating in counts],
        series=[Series("ratings", _("Ratings"), list(counts.values()), BAR_COLOUR)],
        empty_text=_("No session has been rated yet."),
    )
