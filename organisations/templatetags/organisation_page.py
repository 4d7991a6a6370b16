"""The rows of the organisation page's tables of people and of recent changes, written in
Python.

Through the template, each row (two forms, their addresses and tokens, a role list; a date and
the changes) cost more than the rest of its section. The markup is the template's, byte for
byte (tests/organisations/test_people_rows.py compares it with people_rows_before.html and
trail_rows_before.html there).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from auditlog.models import LogEntry
from django import template
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from audit.selectors import entry_when
from mentoring.quickforms import csrf_input, escape_value
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
    memberships = list(memberships)
    if not is_owner:
        return SafeString(
            "".join(f"{_cells(membership)}\n      </tr>\n    " for membership in memberships)
        )
    csrf = csrf_input(context.get("csrf_token"))
    # What every row shares, worked out once: the two addresses around the row's id, the
    # role list with each role selected, the translated words.
    page = _OwnerRows(
        role_url=_around_id("organisations:membership_role", organisation.slug),
        remove_url=_around_id("organisations:membership_remove", organisation.slug),
        options={
            selected: "".join(
                f'<option value="{escape_value(value)}" '
                f"{'selected' if selected == value else ''}>{escape_value(label)}</option>"
                for value, label in roles
            )
            for selected in {membership.role for membership in memberships}
        },
        csrf=csrf,
        role_of=_("Role of %(name)s"),
        save_role=escape_value(_("Save role")),
        remove=_("Remove %(name)s"),
    )
    return SafeString("".join(_owner_row(membership, page) for membership in memberships))


_STAND_IN = 918_273_645  # an id no row has: what is either side of it is the same for all


def _around_id(name: str, slug: str) -> tuple[str, str]:
    """reverse(name, args=[slug, id]) either side of the id, escaped: resolved once a page."""
    before, _sep, after = reverse(name, args=[slug, _STAND_IN]).rpartition(str(_STAND_IN))
    return escape_value(before), escape_value(after)


@dataclass(frozen=True)
class _OwnerRows:
    role_url: tuple[str, str]
    remove_url: tuple[str, str]
    options: dict[str, str]  # the membership's role -> the role list with it selected
    csrf: str
    role_of: str
    save_role: str
    remove: str


def _cells(membership: Membership) -> str:
    return (
        f"\n      <tr>\n        <td>{escape_value(membership.user.name)}</td>\n"
        f"        <td>{escape_value(membership.user.email)}</td>\n"
        f"        <td>{escape_value(membership.role_label)}</td>\n"
        f"        <td>{escape_value(membership.source_label)}</td>\n        "
    )


def _owner_row(membership: Membership, page: _OwnerRows) -> str:
    name = escape_value(membership.user.name)
    pk = int(membership.pk)
    role_url = f"{page.role_url[0]}{pk}{page.role_url[1]}"
    remove_url = f"{page.remove_url[0]}{pk}{page.remove_url[1]}"
    return (
        f"{_cells(membership)}\n        <td>\n"
        f'          <form method="post" action="{role_url}" class="inline-form">\n'
        f"            {page.csrf}\n"
        f'            <label for="role-{pk}" class="visually-hidden">'
        f"{page.role_of % {'name': name}}</label>\n"
        f'            <select id="role-{pk}" name="role">\n'
        f"              {page.options[membership.role]}\n"
        f"            </select>\n"
        f'            <button type="submit" class="secondary">{page.save_role}'
        f"</button>\n"
        f"          </form>\n"
        f'          <form method="post" action="{remove_url}" class="inline-form">\n'
        f"            {page.csrf}\n"
        f'            <button type="submit" class="secondary">'
        f"{page.remove % {'name': name}}</button>\n"
        f"          </form>\n"
        f"        </td>\n        \n      </tr>\n    "
    )


@register.simple_tag(takes_context=True)
def trail_rows(context: template.Context, entries: Iterable[LogEntry]) -> SafeString:
    """Each change's row: when (in the viewer's zone), who, and what (`action_label`)."""
    platform = _("the platform")  # as {% translate %} wrote it: not escaped
    kinds: dict[int, str] = {}  # content type -> its name, escaped: read once a page
    rows = []
    for entry in entries:
        kind = kinds.get(entry.content_type_id)
        if kind is None:
            kind = kinds[entry.content_type_id] = escape_value(entry.content_type.name)
        rows.append(_trail_row(entry, context, kind=kind, platform=platform))
    return SafeString("".join(rows))


def _shown(value: object) -> str:
    """{{ value }} of a value that is never a datetime: localized, then escaped."""
    return escape_value(localize(value))


def _trail_row(entry: LogEntry, context: template.Context, *, kind: str, platform: str) -> str:
    when = entry_when(entry.timestamp)
    who = escape_value(entry.actor.name) if entry.actor else platform
    changes = "".join(
        f"<br><small>{_shown(field)}: {_shown(_part(change, 0))} → {_shown(_part(change, 1))}"
        "</small>"
        for field, change in entry.changes_dict.items()
    )
    return (
        f"\n      <tr>\n        <td>{escape_value(when)}</td>\n        <td>{who}</td>\n"
        f"        <td>{_shown(entry.action_label)}: {kind} "
        f"“{escape_value(entry.object_repr)}”{changes}</td>\n      </tr>\n    "
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
