"""`{% inbox_item pairing %}`: one thread of the inbox, written in Python. Through the template
each thread cost about a thousand calls (an avatar, a {% url %}, translations, a count and
three filters); the inbox shows up to twenty.

The markup is byte for byte what templates/exchange/inbox.html's loop wrote
(tests/exchange/inbox_item_before.html holds it; tests/exchange/test_inbox_markup.py compares
the two in each language): texts go through the same msgids, values are escaped as the
template escaped them and dates written as its filters wrote them.
"""

from django import template
from django.template.defaultfilters import date, truncatechars
from django.urls import reverse
from django.utils.formats import localize
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext, ngettext

from branding.templatetags.ui import avatar
from mentoring.quickforms import escape_value
from pairings.models import Pairing

register = template.Library()


def _last_html(last: object, viewer_id: int | None) -> str:
    """The thread's latest message, or that there is none yet."""
    if last is None:
        return (
            '\n            <p class="inbox-last muted">'
            f"{escape_value(gettext('No messages yet.'))}</p>\n          "
        )
    you = ""
    if last.sender_id == viewer_id:
        you = f'<span class="muted">{escape_value(gettext("You:"))}</span> '
    if last.deleted_at:
        body = f'<em class="muted">{escape_value(gettext("Message deleted"))}</em>'
    else:
        urgent = ""
        if last.urgent:
            urgent = f'<span class="badge badge-urgent">{escape_value(gettext("Urgent"))}</span> '
        body = urgent + escape_value(truncatechars(last.body, 120))
    created = template_localtime(last.created_at)
    return (
        '\n            <p class="inbox-last">\n'
        f"              {you}\n"
        f"              {body}\n"
        '              <small class="muted">· '
        f'<time datetime="{escape_value(created.isoformat())}">'
        f"{escape_value(date(created, 'D j M, H:i'))}</time></small>\n"
        "            </p>\n          "
    )


def inbox_item_html(pairing: Pairing, *, viewer_id: int | None) -> SafeString:
    """One thread of the inbox for the viewer: the pairing with `partner`, `unread` and
    `last_message` (exchange.selectors.messages.inbox_page)."""
    partner = pairing.partner
    unread = ""
    if pairing.unread:
        counted = ngettext("%(counter)s unread", "%(counter)s unread", pairing.unread) % {
            "counter": escape_value(localize(pairing.unread))
        }
        unread = f'<span class="badge badge-unread">{counted}</span>'
    role = gettext("your mentee") if pairing.mentor_id == viewer_id else gettext("your mentor")
    ended = f" · {escape_value(gettext('ended'))}" if pairing.status == "closed" else ""
    url = escape_value(reverse("exchange:thread", args=[pairing.pk]))
    return SafeString(
        f'\n      <li class="inbox-item{" unread" if pairing.unread else ""}">\n'
        '        <div class="inbox-head">\n'
        f'          {avatar(partner)}<a href="{url}">'
        f"<strong>{escape_value(partner.name)}</strong></a>\n"
        f"          {unread}\n"
        f'          <small class="muted">{escape_value(role)} · '
        f"{escape_value(pairing.cohort.name)}{ended}</small>\n"
        "        </div>\n"
        f"        \n          {_last_html(pairing.last_message, viewer_id)}\n        \n"
        "      </li>\n    "
    )


@register.simple_tag(takes_context=True)
def inbox_item(context: template.Context, pairing: Pairing) -> SafeString:
    """What the inbox's loop wrote for `pairing`, for the page's `user`."""
    return inbox_item_html(pairing, viewer_id=getattr(context.get("user"), "pk", None))
