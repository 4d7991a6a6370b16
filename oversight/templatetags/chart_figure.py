"""One server-side chart (oversight.charts.Chart) with its numbers as a table, written in
Python: the cohort page and the printable report show three, and through their template each
week's row cost a dozen nodes.

    {% load chart_figure %}
    {% chart_figure chart %}                  the table behind a click (the cohort page)
    {% chart_figure chart open_table=True %}  the table shown (the printable report)

The markup is byte for byte what templates/oversight/cohorts/_chart.html wrote
(tests/oversight/chart_figure_before.html holds it, and tests/oversight/test_chart_figure.py
compares the two in each language): cells are localized and escaped as {{ cell }} did.
"""

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from mentoring.quickforms import escape_value
from oversight.charts import Chart

register = template.Library()


def _cell(value: object) -> str:
    """{{ cell }}: localized (numbers) and escaped."""
    if type(value) is int and -1000 < value < 1000:
        return str(value)  # what localize writes of it in every language: no separator
    return escape_value(localize(value))


def _legend_html(chart: Chart) -> str:
    if not chart.legend:
        return ""
    items = "".join(
        f'<li><span class="chart-swatch chart-{escape_value(series.key)}"></span>'
        f"{escape_value(series.label)}</li>"
        for series in chart.legend
    )
    return f'<ul class="chart-legend" aria-hidden="true">{items}</ul>'


def _rows_html(chart: Chart) -> str:
    return "".join(
        "<tr>"
        + "".join(
            f'<th scope="row">{_cell(cell)}</th>' if i == 0 else f"<td>{_cell(cell)}</td>"
            for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in chart.rows
    )


def chart_figure_html(chart: Chart, *, open_table: bool = False) -> SafeString:
    """The chart's figure: its drawing, legend and table, or the text saying it is empty."""
    chart_id = escape_value(chart.id)
    title = escape_value(chart.title)
    if chart.empty:
        body = f'\n    <p class="muted chart-empty">{escape_value(chart.empty_text)}</p>\n  '
    else:
        columns = "".join(f'<th scope="col">{_cell(column)}</th>' for column in chart.columns)
        numbers = _("The numbers: %(title)s") % {"title": title}
        body = (
            f"\n    {escape_value(chart.svg)}\n"
            f"    {_legend_html(chart)}\n"
            f'    <details class="chart-numbers"{" open" if open_table else ""}>\n'
            f"      <summary>{numbers}</summary>\n"
            f'      <div class="overflow-auto">\n'
            f'      <table class="striped">\n'
            f'        <caption class="visually-hidden">{title}</caption>\n'
            f"        <thead><tr>{columns}</tr></thead>\n"
            f"        <tbody>{_rows_html(chart)}</tbody>\n"
            f"      </table>\n"
            f"      </div>\n"
            f"    </details>\n  "
        )
    return SafeString(
        f'\n<figure class="chart-figure" aria-labelledby="{chart_id}-caption">\n'
        f'  <figcaption id="{chart_id}-caption"><strong>{title}</strong></figcaption>\n'
        f"  {body}\n"
        f"</figure>\n"
    )


@register.simple_tag
def chart_figure(chart: Chart, open_table: bool = False) -> SafeString:
    return chart_figure_html(chart, open_table=open_table)
