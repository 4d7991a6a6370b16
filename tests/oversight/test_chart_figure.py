"""The cohort page's and the report's charts (oversight.templatetags.chart_figure) write what
their template wrote, byte for byte, in every language: drawn or empty, with or without a
legend, with the table of numbers open or behind a click."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.template import engines
from django.utils import translation

from oversight.charts import health_chart, ratings_chart, sessions_chart
from oversight.models.health import HealthStatus
from oversight.selectors.cohort_dashboard import HealthSeries, WeeklySeries
from oversight.templatetags.chart_figure import chart_figure_html

# templates/oversight/cohorts/_chart.html as it was.
CHART = (Path(__file__).parent / "chart_figure_before.html").read_text()
WEEKS = [date(2026, 1, 5) + timedelta(weeks=i) for i in range(4)]


def _charts() -> list:
    """Drawn and empty charts of the three kinds (built in the current language)."""
    return [
        sessions_chart(WeeklySeries(weeks=WEEKS, values=[3, 0, 1234, 7])),
        sessions_chart(WeeklySeries(weeks=[], values=[])),
        sessions_chart(WeeklySeries(weeks=WEEKS, values=[0, 0, 0, 0])),
        health_chart(
            HealthSeries(
                weeks=WEEKS,
                counts={
                    HealthStatus.ON_TRACK: [2, 3, 3, 4],
                    HealthStatus.NEEDS_ATTENTION: [1, 0, 1, 0],
                    HealthStatus.AT_RISK: [0, 1, 0, 0],
                },
            )
        ),
        health_chart(HealthSeries(weeks=WEEKS, counts={s: [0] * 4 for s in HealthStatus})),
        ratings_chart({1: 0, 2: 1, 3: 2, 4: 5, 5: 9}),
        ratings_chart({1: 0, 2: 0, 3: 0, 4: 0, 5: 0}),
    ]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("open_table", [False, True])
def test_each_chart_writes_what_its_template_wrote(language, open_table):
    with translation.override(language):
        written = []
        for chart in _charts():
            context = {"chart": chart, "open_table": open_table} if open_table else {"chart": chart}
            wanted = engines["django"].from_string(CHART).render(context)

            assert chart_figure_html(chart, open_table=open_table) == wanted
            written.append(wanted)
    assert "<svg" in written[0]
    assert "chart-empty" in written[1]
    assert 'class="chart-legend"' in written[3]
    assert ('<details class="chart-numbers" open>' in written[0]) is open_table
