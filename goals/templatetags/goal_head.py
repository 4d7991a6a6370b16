"""The top of the goal page (its title, whose goal it is, what it is for, its dates and the
mentee's buttons), written in Python: through the template its dozen {% translate %}, four
{% url %} and three date filters cost more than the milestones below them.

    {% load goal_head %}
    {% goal_head %}     needs `goal`, `pairing`, `is_partner`, `is_mentee`, `editable` and
                        `csrf_token` in the context (goals.views._detail_render)

The markup is byte for byte what the template wrote (tests/goals/goal_head_before.html holds it,
and tests/goals/test_goal_head.py compares the two in each language): texts go through the
same msgids, values are escaped and dates formatted as the template did.
"""

from django import template
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from goals.models import Goal
from mentoring.quickforms import csrf_input, escape_value
from pairings.models import Pairing

register = template.Library()


def _status_form(url: str, csrf: str, status: str, button: str) -> str:
    return (
        f'<li><form method="post" action="{url}" class="inline-form">{csrf}'
        f'<input type="hidden" name="status" value="{status}">{button}</form></li>'
    )


def _actions_html(goal: Goal, csrf_token: object) -> str:
    """The mentee's buttons: edit, and mark achieved or dropped (or take it up again)."""
    edit = escape_value(reverse("goals:goal_edit", args=[goal.pk]))
    url = escape_value(reverse("goals:goal_status", args=[goal.pk]))
    csrf = csrf_input(csrf_token)
    if goal.status == "active":
        achieved = f'<button type="submit">{_("Mark achieved")}</button>'
        dropped = f'<button type="submit" class="secondary outline">{_("Drop this goal")}</button>'
        forms = (
            f"\n      {_status_form(url, csrf, 'achieved', achieved)}"
            f"\n      {_status_form(url, csrf, 'dropped', dropped)}\n    "
        )
    else:
        again = f'<button type="submit" class="secondary">{_("Take it up again")}</button>'
        forms = f"\n      {_status_form(url, csrf, 'active', again)}\n    "
    return (
        f'\n  <ul class="actions">\n'
        f'    <li><a href="{edit}">{_("Edit goal")}</a></li>\n'
        f"    {forms}\n"
        f"  </ul>\n"
    )


def goal_head_html(
    *,
    goal: Goal,
    pairing: Pairing,
    is_partner: bool,
    is_mentee: bool,
    editable: bool,
    csrf_token: object,
) -> SafeString:
    """From the title to the mentee's buttons, for a viewer who is (`is_partner`) or is not
    one of the pairing's two people."""
    mentee = escape_value(pairing.mentee.name)
    goals_link = ""
    if is_partner:
        url = escape_value(reverse("goals:goal_list", args=[pairing.pk]))
        goals_link = f'<a href="{url}">{_("Goals")}</a> · '
    whose = _("%(mentee)s's goal, mentored by %(mentor)s") % {
        "mentee": mentee,
        "mentor": escape_value(pairing.mentor.name),
    }
    if goal.shared_with_programme:
        shared = f"· <small>{_('shared with the programme team')}</small>"
    else:
        shared = f"· <small>{_('private to the pairing')}</small>"
    notice = ""
    if not is_partner:
        text = _(
            "%(name)s shared this goal with the programme team. You can read it, not change it."
        ) % {"name": mentee}
        notice = f'\n  <p class="notice">{text}</p>\n'
    elif not editable:
        text = _("This pairing is not active: its goals can be read, not changed.")
        notice = f'\n  <p class="notice">{text}</p>\n'
    why = measure = ""
    if goal.why:
        why = f"<dt>{_('Why it matters')}</dt><dd>{linebreaksbr(goal.why, autoescape=True)}</dd>"
    if goal.measure:
        measure = (
            f"<dt>{_('How we will know')}</dt>"
            f"<dd>{linebreaksbr(goal.measure, autoescape=True)}</dd>"
        )
    if goal.target_date:
        target = escape_value(date_filter(goal.target_date, "DATE_FORMAT"))
    else:
        target = _("None set")
    created = goal.created_at
    if timezone.is_aware(created):
        created = timezone.localtime(created)
    actions = _actions_html(goal, csrf_token) if editable and is_mentee else ""
    return SafeString(
        f"<hgroup>\n"
        f"  <h1>{escape_value(goal.title)}</h1>\n"
        f"  <p>\n"
        f"    {goals_link}\n"
        f"    {whose}\n"
        f'    · <span class="badge">{escape_value(goal.get_status_display())}</span>\n'
        f"    {shared}\n"
        f"  </p>\n"
        f"</hgroup>\n\n"
        f"{notice}\n\n"
        f"<dl>\n"
        f"  {why}\n"
        f"  {measure}\n"
        f"  <dt>{_('Target date')}</dt><dd>{target}</dd>\n"
        f'  <dt>{_("Set on")}</dt><dd><time datetime="{escape_value(date_filter(created, "c"))}">'
        f"{escape_value(date_filter(created, 'DATE_FORMAT'))}</time></dd>\n"
        f"</dl>\n\n"
        f"{actions}"
    )


@register.simple_tag(takes_context=True)
def goal_head(context: template.Context) -> SafeString:
    """The top of the goal page, from the page's context."""
    return goal_head_html(
        goal=context["goal"],
        pairing=context["pairing"],
        is_partner=context["is_partner"],
        is_mentee=context["is_mentee"],
        editable=context["editable"],
        csrf_token=context.get("csrf_token"),
    )
