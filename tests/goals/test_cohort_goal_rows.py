"""The rows of the cohort's list of shared goals (goals.templatetags.cohort_goal_rows) write
what the template's loop wrote, byte for byte, in every language: goals with and without a
target, updates, milestones, and markup in their texts and names."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from goals.models import Goal, GoalUpdate, Milestone
from goals.selectors import goals_shared_in_cohort
from goals.templatetags.cohort_goal_rows import cohort_goal_rows_html

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 29, 0, 30, tzinfo=UTC)  # the night Europe moves its clocks
# The loop over the goals in templates/goals/goals/cohort_goals.html as it was.
ROWS = (Path(__file__).parent / "cohort_goal_rows_before.html").read_text()


@pytest.fixture
def shared_goals(pairing, other_pairing, mentee, other_mentee, mentor):
    """Three shared goals over two pairings (one mentee named with markup), and one unshared."""
    other_mentee.display_name = 'Zoë <i>"Z"</i> & co'
    other_mentee.save()
    plain = Goal.objects.create(
        pairing=pairing, mentee=mentee, title="Untouched", shared_with_programme=True
    )
    marked = Goal.objects.create(
        pairing=other_pairing,
        mentee=other_mentee,
        title='Lead <b>"my" team</b> & more',
        target_date=date(2026, 12, 24),
        progress=45,
        status=Goal.Status.ACHIEVED,
        shared_with_programme=True,
    )
    for i in range(3):
        GoalUpdate.objects.create(
            goal=marked,
            author=other_mentee,
            kind="progress",
            progress=10 * i,
            created_at=NOW - timedelta(days=3 - i, hours=1),
        )
    Milestone.objects.create(goal=marked, title="One", done_at=NOW)
    Milestone.objects.create(goal=marked, title="Two")
    Milestone.objects.create(goal=marked, title="Three")
    commented = Goal.objects.create(
        pairing=pairing,
        mentee=mentee,
        title="Speak up",
        target_date=date(2026, 4, 1),
        shared_with_programme=True,
    )
    GoalUpdate.objects.create(
        goal=commented, author=mentor, kind="comment", text="Hi", created_at=NOW
    )
    Goal.objects.create(pairing=pairing, mentee=mentee, title="Private")
    return [plain, marked, commented]


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_cohort_goal_rows_write_what_the_template_wrote(cohort, shared_goals, language):
    zone = ZoneInfo("Europe/Berlin")
    with (
        time_machine.travel(NOW, tick=False),
        translation.override(language),
        timezone.override(zone),
    ):
        goals = list(goals_shared_in_cohort(cohort=cohort))
        wanted = engines["django"].from_string(ROWS).render({"page": {"object_list": goals}})

        assert cohort_goal_rows_html(goals=goals) == wanted
    assert wanted.count("<tr>") == 3
    assert "Private" not in wanted
    assert "Lead &lt;b&gt;&quot;my&quot; team&lt;/b&gt; &amp; more" in wanted
    assert "Zoë &lt;i&gt;&quot;Z&quot;&lt;/i&gt; &amp; co" in wanted
    assert "<td>1/3</td>" in wanted
    assert "<td>\N{EN DASH}</td>" in wanted  # no target, no update


def test_each_shared_goal_brings_its_latest_update_time_and_milestones(cohort, shared_goals):
    plain, marked, commented = shared_goals
    goals = {goal.pk: goal for goal in goals_shared_in_cohort(cohort=cohort)}

    assert goals[plain.pk].latest_update_at is None
    assert goals[marked.pk].latest_update_at == NOW - timedelta(days=1, hours=1)
    assert goals[commented.pk].latest_update_at == NOW
    assert (goals[marked.pk].milestones_done, goals[marked.pk].milestones_total) == (1, 3)
    assert (goals[plain.pk].milestones_done, goals[plain.pk].milestones_total) == (0, 0)


def test_the_cohort_goals_list_pages_the_goals_past_a_page(
    client, cohort, pairing, mentee, programme_admin
):
    for i in range(26):
        Goal.objects.create(
            pairing=pairing, mentee=mentee, title=f"Goal {i:02}", shared_with_programme=True
        )
    client.force_login(programme_admin)
    url = reverse("goals:cohort_goals", args=[cohort.pk])

    first = client.get(url).content.decode()
    second = client.get(url, {"page": "2"}).content.decode()

    assert first.count("<tr>") == 26  # the head's row and a page of 25
    assert "Page 1 of 2" in first
    assert second.count("<tr>") == 2
    assert "Page 2 of 2" in second
