"""The goal page's updates and comments, one list item each, written in Python: a page holds
up to twenty, and through the template each cost about as much as the rest of the section.

    {% load goal_updates %}
    {% goal_update_items page.object_list %}     needs `user` in the context

The markup is byte for byte what the template's loop wrote (tests/goals/goal_updates_before.html
holds it, and test_goal_summary.py compares the two in each language).
"""

from collections.abc import Iterable

from django import template
from django.template.defaultfilters import linebreaksbr
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from accounts.models import User
from goals.models import GoalUpdate
from goals.templatetags.goal_summary import date_html, value_html
from mentoring.quickforms import escape_value

register = template.Library()


def _item(update: GoalUpdate, viewer: User) -> str:
    author = _("You") if update.author_id == viewer.pk else escape_value(update.author.name)
    progress = ""
    if update.kind == "progress":
        progress = f"· <strong>{value_html(update.progress)}%</strong>"
    text = ""
    if update.text:
        text = f'<div class="message-body">{linebreaksbr(update.text, autoescape=True)}</div>'
    at = update.created_at
    return (
        f'\n          <li class="goal-update goal-update-{escape_value(update.kind)}">\n'
        '            <p class="message-meta">\n'
        f"              <strong>{author}</strong>\n"
        f'              · <span class="badge">{escape_value(update.get_kind_display())}</span>\n'
        f"              {progress}\n"
        f'              · <time datetime="{date_html(at, "c")}">'
        f"{date_html(at, 'DATETIME_FORMAT')}</time>\n"
        "            </p>\n"
        f"            {text}\n"
        "          </li>\n        "
    )


def goal_update_items_html(*, updates: Iterable[GoalUpdate], viewer: User) -> SafeString:
    """The list items of `updates` (with their authors), for `viewer`."""
    return SafeString("".join(_item(update, viewer) for update in updates))


@register.simple_tag(takes_context=True)
def goal_update_items(context: template.Context, updates: Iterable[GoalUpdate]) -> SafeString:
    return goal_update_items_html(updates=updates, viewer=context["user"])
