"""The top of the goal page (goals.templatetags.goal_head) writes what its template wrote, byte
for byte, in every language: for the mentee, the mentor and a programme admin, for a goal in
progress, achieved and in a closed pairing, with and without its optional texts and date."""

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.utils import timezone, translation

from goals.models import Goal
from goals.templatetags.goal_head import goal_head_html

pytestmark = pytest.mark.django_db

# The top of templates/goals/goals/detail.html as it was, from its title to the mentee's
# buttons.
HEAD = (Path(__file__).parent / "goal_head_before.html").read_text()
TOKEN = "token-123"
SET_ON = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Berlin


def _each_way(goal: Goal, *, csrf_token: object = TOKEN) -> list[str]:
    """The top for each kind of viewer in each language: asserts the writer wrote what the
    template wrote and returns the pages."""
    pages = []
    pairing = goal.pairing
    viewers = [
        # is_partner, is_mentee: the mentee, the mentor, an admin reading a shared goal
        (True, True),
        (True, False),
        (False, False),
    ]
    for is_partner, is_mentee in viewers:
        for editable in (True, False) if is_partner else (False,):
            for language, zone in (("en", "Europe/London"), ("es", "UTC"), ("de", "Europe/Berlin")):
                context = {
                    "goal": goal,
                    "pairing": pairing,
                    "is_partner": is_partner,
                    "is_mentee": is_mentee,
                    "editable": editable,
                    "csrf_token": csrf_token,
                }
                with translation.override(language), timezone.override(ZoneInfo(zone)):
                    wanted = engines["django"].from_string(HEAD).render(context)

                    assert goal_head_html(**context) == wanted
                pages.append(wanted)
    return pages


def test_a_goal_in_progress_reads_as_the_template_wrote_it(pairing, mentee, mentor):
    mentee.display_name = 'Alice <b>"A"</b> & co'
    mentee.save()
    goal = Goal.objects.create(
        pairing=pairing,
        mentee=mentee,
        title="Lead <my> first team & more",
        why="I take over the team in May.\nAnd <I> want to do it well.",
        measure="I ran one\r\nand asked for feedback & notes.",
        target_date=date(2026, 5, 1),
        shared_with_programme=True,
        created_at=SET_ON,
    )

    pages = _each_way(goal)

    assert "Lead &lt;my&gt; first team &amp; more" in pages[0]
    assert "Alice &lt;b&gt;&quot;A&quot;&lt;/b&gt; &amp; co" in pages[0]
    assert "I take over the team in May.<br>And &lt;I&gt; want" in pages[0]
    assert 'name="csrfmiddlewaretoken" value="token-123"' in pages[0]
    assert "Mark achieved" in pages[0]
    assert "Mark achieved" not in pages[6]  # the mentor
    assert "You can read it, not change it." in pages[-3]  # an admin, in English


def test_a_goal_achieved_or_without_its_optional_parts_reads_as_the_template_wrote_it(
    pairing, mentee
):
    goal = Goal.objects.create(
        pairing=pairing, mentee=mentee, title="Untouched", status="achieved", created_at=SET_ON
    )

    pages = _each_way(goal)
    _each_way(goal, csrf_token=None)

    assert "Take it up again" in pages[0]
    assert "None set" in pages[0]
    assert "private to the pairing" in pages[0]
    assert "its goals can be read, not changed" in pages[3]  # not editable
