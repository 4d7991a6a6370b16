"""The rows of a cohort's audit trail (oversight/cohorts/trail.html), written in Python: through
the template each entry cost more than the rest of the page (its action's label alone built
the choices' dict again, translating every label, once a row).

    {% load trail_rows %}
    {% trail_rows page.object_list %}     LogEntry rows with their actor and content type

The markup is the template's loop, byte for byte (tests/oversight/trail_rows_before.html holds
it, and tests/oversight/test_trail_rows.py compares the two in each language and zone).
"""

from collections.abc import Iterable

from auditlog.models import LogEntry
from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from audit.selectors import entry_when
from mentoring.quickforms import escape_value

register = template.Library()


def _shown(value: object) -> str:
    """{{ value }} of a value read from JSON (never a datetime): localized, then escaped."""
    return escape_value(localize(value))


def _part(change: object, index: int) -> object:
    """{{ change.0 }} as the template looks it up: a key, an attribute, then an index; nothing
    when none fits (an m2m change is a dict)."""
    try:
        return change[str(index)]  # type: ignore[index]
    except (TypeError, AttributeError, KeyError, ValueError, IndexError):
        pass
    try:
        return getattr(change, str(index))
    except AttributeError:
        pass
    try:
        return change[index]  # type: ignore[index]
    except (TypeError, KeyError, ValueError, IndexError):
        return ""


def _event(data: object) -> object:
    """{{ entry.additional_data.event }}: its "event" when the data is a dict, else nothing."""
    return data.get("event") if isinstance(data, dict) else None


def trail_rows_html(entries: Iterable[LogEntry]) -> SafeString:
    """Each entry's row: when (in the current zone), who, what changed and from where."""
    actions = {
        value: escape_value(label)
        for value, label in LogEntry._meta.get_field("action").flatchoices
    }
    kinds: dict[int, str] = {}
    platform = _("the platform")  # as {% translate %} wrote it: not escaped
    rows = []
    for entry in entries:
        when = escape_value(entry_when(entry.timestamp))
        who = escape_value(entry.actor.name) if entry.actor else platform
        kind = kinds.get(entry.content_type_id)
        if kind is None:
            kind = kinds[entry.content_type_id] = escape_value(entry.content_type.name)
        action = actions.get(entry.action)
        if action is None:
            action = _shown(entry.action)
        event = _event(entry.additional_data)
        said = f" · {_shown(event)}" if event else ""
        changes = "".join(
            f"<br><small>{_shown(field)}: {_shown(_part(change, 0))} → "
            f"{_shown(_part(change, 1))}</small>"
            for field, change in entry.changes_dict.items()
        )
        rows.append(
            f"\n    <tr>\n      <td>{when}</td>\n      <td>{who}</td>\n"
            f"      <td>{action}: {kind} “{escape_value(entry.object_repr)}”{said}{changes}</td>\n"
            f"      <td>{escape_value(entry.remote_addr or '')}</td>\n    </tr>\n  "
        )
    return SafeString("".join(rows))


@register.simple_tag
def trail_rows(entries: Iterable[LogEntry]) -> SafeString:
    return trail_rows_html(entries)
