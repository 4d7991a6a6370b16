"""The goal card of the pairing page and the goals list (goals.templatetags.goal_summary), the
goal page's chart (goal_chart), its milestones (goal_milestones) and its list of updates
(goal_updates) write what their templates wrote, byte for byte, in every language and for
each kind of goal, milestone and update."""

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.utils import timezone, translation

from goals.charts import goal_progress_chart
from goals.models import Goal, GoalUpdate, Milestone
from goals.selectors import goal_timeline, goal_updates_for, goals_overview_for
from goals.templatetags.goal_chart import goal_chart_html
from goals.templatetags.goal_summary import goal_summary_html, value_html
from goals.templatetags.goal_updates import goal_update_items_html

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
# templates/goals/goals/_summary.html as it was, with _sparkline.html in place of its include.
SUMMARY = (Path(__file__).parent / "goal_summary_before.html").read_text()
# templates/goals/goals/_chart.html as it was.
CHART = (Path(__file__).parent / "goal_chart_before.html").read_text()
# The loop over the page of updates in templates/goals/goals/_progress.html as it was.
UPDATES = (Path(__file__).parent / "goal_updates_before.html").read_text()
# The loop over the milestones in templates/goals/goals/_milestones.html as it was.
MILESTONES = (Path(__file__).parent / "goal_milestones_before.html").read_text()


def _as_the_template_wrote_it(goal: Goal, pairing, viewer) -> str:
    return (
        engines["django"]
        .from_string(SUMMARY)
        .render({"goal": goal, "pairing": pairing, "user": viewer})
    )


@pytest.fixture
def goals(pairing, mentee, mentor):
    """Four goals: one untouched, one with a long comment by the mentor, one with the mentee's
    progress and milestones (and markup in its texts), one achieved with a bare progress."""
    plain = Goal.objects.create(pairing=pairing, mentee=mentee, title="Untouched", created_at=NOW)
    commented = Goal.objects.create(
        pairing=pairing,
        mentee=mentee,
        title="Speak up",
        target_date=date(2026, 12, 24),
        shared_with_programme=True,
        created_at=NOW - timedelta(days=40),
    )
    GoalUpdate.objects.create(
        goal=commented, author=mentor, kind="comment", text="Well done! " * 20, created_at=NOW
    )
    marked = Goal.objects.create(
        pairing=pairing,
        mentee=mentee,
        title='Lead <b>"my" team</b> & more',
        target_date=date(2026, 3, 20),
        progress=45,
        created_at=NOW - timedelta(days=3),
    )
    for i, progress in enumerate((10, 45)):
        GoalUpdate.objects.create(
            goal=marked,
            author=mentee,
            kind="progress",
            progress=progress,
            text="<script>x</script> & 'ok'" if i else "",
            created_at=NOW - timedelta(days=2 - i, hours=5),
        )
    Milestone.objects.create(goal=marked, title="One", done_at=NOW)
    Milestone.objects.create(goal=marked, title="Two")
    done = Goal.objects.create(
        pairing=pairing,
        mentee=mentee,
        title="Done",
        status=Goal.Status.ACHIEVED,
        progress=100,
        created_at=NOW - timedelta(days=400),
    )
    GoalUpdate.objects.create(
        goal=done, author=mentee, kind="progress", progress=100, text="", created_at=NOW
    )
    return [plain, commented, marked, done]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("viewer_name", ["mentee", "mentor"])
def test_the_goal_card_writes_what_its_template_wrote(
    goals, pairing, language, viewer_name, request
):
    viewer = request.getfixturevalue(viewer_name)
    zone = ZoneInfo("America/New_York")
    with (
        time_machine.travel(NOW, tick=False),
        translation.override(language),
        timezone.override(zone),
    ):
        overview = goals_overview_for(pairing=pairing, now=NOW, tz=zone)
        cards = {}
        for goal in overview.goals:
            wanted = _as_the_template_wrote_it(goal, pairing, viewer)

            assert goal_summary_html(goal=goal, pairing=pairing, viewer=viewer) == wanted
            cards[goal.pk] = wanted
    _plain, commented, marked, done = goals
    assert "&lt;script&gt;x&lt;/script&gt;" in cards[marked.pk]
    assert "Lead &lt;b&gt;&quot;my&quot; team&lt;/b&gt; &amp; more" in cards[marked.pk]
    assert cards[commented.pk].count("Well done!") == 12  # cut at 140 characters
    assert 'stroke-dasharray="2 2"' in cards[marked.pk]
    assert "100%" in cards[done.pk]
    for card in cards.values():  # the sparkline's geometry as SVG reads it, in any language
        assert not re.search(r'(?:x1|x2|y1|y2|cx|cy|viewBox)="[^"]*\d,\d', card)


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_goal_chart_writes_what_its_template_wrote(goals, language):
    zone = ZoneInfo("Australia/Sydney")
    with (
        time_machine.travel(NOW, tick=False),
        translation.override(language),
        timezone.override(zone),
    ):
        charts = {}
        for goal in goals:
            chart = goal_progress_chart(
                goal=goal, points=goal_timeline(goal=goal).points, now=NOW, tz=zone
            )
            wanted = engines["django"].from_string(CHART).render({"chart": chart, "goal": goal})

            assert goal_chart_html(chart=chart, goal=goal) == wanted
            charts[goal.pk] = wanted
    _plain, commented, marked, done = goals
    assert 'class="chart-target"' in charts[marked.pk]
    assert 'class="chart-target"' in charts[commented.pk]
    assert 'class="chart-target"' not in charts[done.pk]
    assert charts[marked.pk].count('<circle class="chart-point"') == 3
    assert "Lead &lt;b&gt;&quot;my&quot; team&lt;/b&gt; &amp; more" in charts[marked.pk]
    # Geometry as SVG reads it in every language (a decimal comma would break the drawing);
    # the words and the percentages around it are the language's own.
    for chart in charts.values():
        assert not re.search(r'(?:x|y|x1|x2|y1|y2|cx|cy|viewBox)="[^"]*\d,\d', chart)
    assert re.search(r'cx="\d+\.\d+"', charts[marked.pk])


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("viewer_name", ["mentee", "mentor"])
def test_the_list_of_updates_writes_what_its_template_wrote(
    goals, mentee, language, viewer_name, request
):
    viewer = request.getfixturevalue(viewer_name)
    marked = goals[2]
    GoalUpdate.objects.create(
        goal=marked, author=mentee, kind="comment", text="Two lines\nand <i>markup</i>"
    )
    with translation.override(language), timezone.override(ZoneInfo("Europe/Berlin")):
        for goal in goals:
            updates = list(goal_updates_for(goal=goal))
            wanted = (
                engines["django"]
                .from_string(UPDATES)
                .render({"page": {"object_list": updates}, "user": viewer})
            )

            assert goal_update_items_html(updates=updates, viewer=viewer) == wanted
            if goal == marked:
                assert wanted.count("<li ") == 3
                assert "Two lines<br>and &lt;i&gt;markup&lt;/i&gt;" in wanted
                assert "· <strong>45%</strong>" in wanted


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("can_change", [True, False])
@pytest.mark.parametrize("how_many", [1, 3])
def test_the_milestones_write_what_their_template_wrote(goals, language, can_change, how_many):
    goal = goals[0]
    steps = [
        Milestone.objects.create(goal=goal, title='Book <the> room & "chairs"', position=0),
        Milestone.objects.create(
            goal=goal, title="Draft", due_on=date(2026, 4, 1), done_at=NOW, position=1
        ),
        Milestone.objects.create(goal=goal, title="Run it", due_on=date(2026, 5, 1), position=2),
    ][:how_many]
    context = {
        "milestones": steps,
        "can_change": can_change,
        "milestones_url": "/programmes/goals/1/milestones/",
        "csrf_token": "t0ken",
    }
    with translation.override(language), timezone.override(ZoneInfo("Europe/London")):
        wanted = engines["django"].from_string(MILESTONES).render(context)
        written = (
            engines["django"]
            .from_string("{% load goal_milestones %}{% milestone_items milestones %}")
            .render(context)
        )

    assert written == wanted
    # A tick and a delete form each, and a move up or down where there is room.
    assert wanted.count('value="t0ken"') == ({1: 2, 3: 10}[how_many] if can_change else 0)
    assert "Book &lt;the&gt; room &amp; &quot;chairs&quot;" in wanted


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("grouping", [False, True])
def test_value_html_writes_numbers_as_the_templates_localized_them(language, grouping, settings):
    settings.USE_THOUSAND_SEPARATOR = grouping
    with translation.override(language):
        for value in (0, 7, 45, 100, -3, 1234, 1234567, 4.5, True, "<b>"):
            wanted = engines["django"].from_string("{{ value }}").render({"value": value})

            assert value_html(value) == wanted
