"""The rows of the organisation page's tables of people and of recent changes, written in
Python.

Through the template, each row (two forms, their addresses and tokens, a role list; a date and
the changes) cost more than the rest of its section. The markup is the template's, byte for
byte (tests/organisations/test_people_rows.py compares it with people_rows_before.html and
trail_rows_before.html there).
"""

from collections.abc import Iterable

from auditlog.models import LogEntry
from django import template
from django.template.base import render_value_in_context
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext as _

from organisations.models import Membership, Organisation

register = template.Library()


@register.simple_tag(takes_context=True)
def people_rows(
    context: template.Context,
    memberships: Iterable[Membership],
    organisation: Organisation,
    is_owner: bool,
    roles: list[tuple[str, str]],
) -> SafeString:
    """Each membership's row: name, email, role and source (`role_label`, `source_label`),
    and for owners the forms that change the role or remove the person."""
    token = context.get("csrf_token")
    csrf = (
        format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)
        if token and token != "NOTPROVIDED"  # noqa: S105 (Django's marker: no token)
        else ""
    )
    return SafeString(
        "".join(
            _row(membership, organisation=organisation, is_owner=is_owner, roles=roles, csrf=csrf)
            for membership in memberships
        )
    )


def _row(
    membership: Membership,
    *,
    organisation: Organisation,
    is_owner: bool,
    roles: list[tuple[str, str]],
    csrf: str,
) -> str:
    name = conditional_escape(membership.user.name)
    cells = (
        f"\n      <tr>\n        <td>{name}</td>\n"
        f"        <td>{conditional_escape(membership.user.email)}</td>\n"
        f"        <td>{conditional_escape(membership.role_label)}</td>\n"
        f"        <td>{conditional_escape(membership.source_label)}</td>\n        "
    )
    if not is_owner:
        return f"{cells}\n      </tr>\n    "
    pk = membership.pk
    role_url = conditional_escape(
        reverse("organisations:membership_role", args=[organisation.slug, pk])
    )
    remove_url = conditional_escape(
        reverse("organisations:membership_remove", args=[organisation.slug, pk])
    )
    options = "".join(
        f'<option value="{conditional_escape(value)}" '
        f"{'selected' if membership.role == value else ''}>{conditional_escape(label)}</option>"
        for value, label in roles
    )
    return (
        f"{cells}\n        <td>\n"
        f'          <form method="post" action="{role_url}" class="inline-form">\n'
        f"            {csrf}\n"
        f'            <label for="role-{pk}" class="visually-hidden">'
        f"{_('Role of %(name)s') % {'name': name}}</label>\n"
        f'            <select id="role-{pk}" name="role">\n'
        f"              {options}\n"
        f"            </select>\n"
        f'            <button type="submit" class="secondary">{conditional_escape(_("Save role"))}'
        f"</button>\n"
        f"          </form>\n"
        f'          <form method="post" action="{remove_url}" class="inline-form">\n'
        f"            {csrf}\n"
        f'            <button type="submit" class="secondary">'
        f"{_('Remove %(name)s') % {'name': name}}</button>\n"
        f"          </form>\n"
        f"        </td>\n        \n      </tr>\n    "
    )


@register.simple_tag(takes_context=True)
def trail_rows(context: template.Context, entries: Iterable[LogEntry]) -> SafeString:
    """Each change's row: when (in the viewer's zone), who, and what (`action_label`)."""
    return SafeString("".join(_trail_row(entry, context) for entry in entries))


def _trail_row(entry: LogEntry, context: template.Context) -> str:
    def shown(value: object) -> str:
        return render_value_in_context(value, context)

    when = date_format(template_localtime(entry.timestamp, context.use_tz), "D j M Y, H:i")
    who = shown(entry.actor.name) if entry.actor else shown(_("the platform"))
    changes = "".join(
        f"<br><small>{shown(field)}: {shown(_part(change, 0))} → {shown(_part(change, 1))}</small>"
        for field, change in entry.changes_dict.items()
    )
    return (
        f"\n      <tr>\n        <td>{shown(when)}</td>\n        <td>{who}</td>\n"
        f"        <td>{shown(entry.action_label)}: {shown(entry.content_type.name)} "
        f"“{shown(entry.object_repr)}”{changes}</td>\n      </tr>\n    "
    )


def _part(change: object, index: int) -> object:
    """{{ change.0 }} as the template looks it up: a key, an attribute, then an index; nothing
    when none fits (an m2m change is a dict)."""
    for look in (
        lambda: change[str(index)],
        lambda: getattr(change, str(index)),
        lambda: change[index],
    ):
        try:
            return look()
        except (TypeError, AttributeError, KeyError, ValueError, IndexError):
            continue
    return ""
