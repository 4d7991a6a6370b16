"""The rows of the cohort's list of shared goals, written in Python: through the template each
row cost some thousand calls (eight cells, two dates, a URL).

    {% load cohort_goal_rows %}
    {% cohort_goal_rows page.object_list %}

The markup is byte for byte what the template's loop wrote (tests/goals/cohort_goal_rows_before.html
holds it, and tests/goals/test_cohort_goal_rows.py compares the two in each language).
"""

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.safestring import SafeString

from goals.models import Goal
from goals.templatetags.goal_summary import date_html, value_html
from mentoring.quickforms import escape_value

register = template.Library()

NONE = "\N{EN DASH}"  # no target, no update yet


def cohort_goal_rows_html(*, goals: Iterable[Goal]) -> SafeString:
    """One table row a goal: `goals` from goals.selectors.goals_shared_in_cohort."""
    rows = []
    for goal in goals:
        pairing = goal.pairing
        url = escape_value(reverse("goals:goal_detail", args=[goal.pk]))
        progress = value_html(goal.progress)
        target = date_html(goal.target_date, "DATE_FORMAT") if goal.target_date else NONE
        at = goal.latest_update_at
        latest = (
            f'<time datetime="{date_html(at, "c")}">{date_html(at, "DATE_FORMAT")}</time>'
            if at
            else NONE
        )
        rows.append(
            f"\n    <tr>\n"
            f"      <td>{escape_value(pairing.mentee.name)}</td>"
            f"<td>{escape_value(pairing.mentor.name)}</td>\n"
            f'      <td><a href="{url}">{escape_value(goal.title)}</a></td>\n'
            f"      <td>{escape_value(goal.get_status_display())}</td>\n"
            f'      <td><progress value="{progress}" max="100" aria-hidden="true"></progress>'
            f" {progress}%</td>\n"
            f"      <td>{value_html(goal.milestones_done)}/{value_html(goal.milestones_total)}"
            f"</td>\n"
            f"      <td>{target}</td>\n"
            f"      <td>{latest}</td>\n"
            f"    </tr>\n  "
        )
    return SafeString("".join(rows))


@register.simple_tag
def cohort_goal_rows(goals: Iterable[Goal]) -> SafeString:
    return cohort_goal_rows_html(goals=goals)
