"""The goal page's milestones, one list item each (with its tick, move and delete forms for the
mentee), written in Python: through the template each milestone cost as much as the rest of
the section.

    {% load goal_milestones %}
    {% milestone_items milestones %}    needs `can_change` and `milestones_url` in the context

The markup is byte for byte what the template's loop wrote (tests/goals/goal_milestones_before.html
holds it, and test_goal_summary.py compares the two in each language).
"""

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from goals.models import Milestone
from goals.templatetags.goal_summary import date_html, value_html
from mentoring.quickforms import escape_value

register = template.Library()


def _form_open(url: str, confirm: str = "") -> str:
    return (
        f'<form method="post" action="{url}" hx-post="{url}" hx-target="#milestones"'
        f' hx-swap="outerHTML" hx-disabled-elt="find button"{confirm} class="inline-form">\n'
    )


def _form(url: str, csrf: str, op: str, pk: str, button: str, confirm: str = "") -> str:
    """One of a milestone's forms, from <form> to </form>."""
    return (
        f"{_form_open(url, confirm)}"
        f"                {csrf}\n"
        f'                <input type="hidden" name="op" value="{op}">\n'
        f'                <input type="hidden" name="milestone" value="{pk}">\n'
        f'                <button type="submit" class="secondary outline">{button}</button>\n'
        "              </form>\n"
    )


def _actions(step: Milestone, *, first: bool, last: bool, url: str, csrf: str) -> str:
    pk = value_html(step.pk)
    title = escape_value(step.title)
    tick = _("Not done yet") if step.done_at else _("Mark done")
    parts = [
        '\n            <div class="actions">\n              ',
        _form(
            url,
            csrf,
            "untick" if step.done_at else "tick",
            pk,
            f'{tick}<span class="visually-hidden">: {title}</span>',
        ),
        "              ",
    ]
    if not first:
        up = _("Move up: %(title)s") % {"title": title}
        parts += [
            "\n              ",
            _form(
                url,
                csrf,
                "up",
                pk,
                f'<span aria-hidden="true">↑</span><span class="visually-hidden">{up}</span>',
            ),
            "              ",
        ]
    parts.append("\n              ")
    if not last:
        down = _("Move down: %(title)s") % {"title": title}
        parts += [
            "\n              ",
            _form(
                url,
                csrf,
                "down",
                pk,
                f'<span aria-hidden="true">↓</span><span class="visually-hidden">{down}</span>',
            ),
            "              ",
        ]
    parts += [
        "\n              ",
        _form(
            url,
            csrf,
            "remove",
            pk,
            f'{_("Delete")}<span class="visually-hidden">: {title}</span>',
            confirm=f' hx-confirm="{_("Delete this milestone?")}"',
        ),
        "            </div>\n          ",
    ]
    return "".join(parts)


def _item(
    step: Milestone, *, first: bool, last: bool, can_change: bool, url: str, csrf: str
) -> str:
    title = escape_value(step.title)
    if step.done_at:
        when = _("done %(when)s") % {"when": date_html(step.done_at, "DATE_FORMAT")}
        shown = f'<s>{title}</s> <small class="muted">({when})</small>'
    else:
        shown = title
    due = ""
    if step.due_on:
        day = _("due %(day)s") % {"day": date_html(step.due_on, "DATE_FORMAT")}
        due = f'<small class="muted">· {day}</small>'
    actions = _actions(step, first=first, last=last, url=url, csrf=csrf) if can_change else ""
    done = ' class="done"' if step.done_at else ""
    return (
        f"\n        <li{done}>\n"
        f"          {shown}\n"
        f"          {due}\n"
        f"          {actions}\n"
        "        </li>\n      "
    )


def milestone_items_html(
    *, milestones: list[Milestone], can_change: bool, url: str, csrf: str
) -> SafeString:
    """The list items of `milestones`; with `can_change`, each with its forms posting to `url`
    (the goal's milestones URL) with `csrf` (the {% csrf_token %} input)."""
    url = escape_value(url)
    last = len(milestones) - 1
    return SafeString(
        "".join(
            _item(step, first=i == 0, last=i == last, can_change=can_change, url=url, csrf=csrf)
            for i, step in enumerate(milestones)
        )
    )


@register.simple_tag(takes_context=True)
def milestone_items(context: template.Context, milestones: list[Milestone]) -> SafeString:
    return milestone_items_html(
        milestones=milestones,
        can_change=context["can_change"],
        url=context["milestones_url"],
        csrf=CsrfTokenNode().render(context),
    )
