"""`{% thread_message message %}`: one message of a thread, as exchange/_partials/message.html
writes it, without an include per message.

Most messages are past their edit window: their markup is built here, the same characters the
partial writes (tests/exchange/test_thread_markup.py holds the two together; the few words are
escaped here, which changes none of their translations). A message with
its edit and delete forms (or an error) goes through the partial itself, CSRF token included.
"""

from functools import lru_cache

from django import template
from django.template.defaultfilters import date, linebreaksbr, urlize
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from branding.templatetags.ui import avatar
from exchange.selectors.messages import cursor_from
from mentoring.quickforms import escape_value

register = template.Library()

MESSAGE_PARTIAL = "exchange/_partials/message.html"


def _when(moment, fmt: str) -> str:
    """`moment|date:fmt` as a template writes it: in the active time zone."""
    return date(template_localtime(moment), fmt)


def _key(moment) -> str:
    """`moment|date:"Uu"`: microseconds since the epoch, in no time zone (the poll cursor)."""
    return cursor_from(moment)


def _plain(message) -> bool:
    """No forms and no error: what message_html builds by itself."""
    if getattr(message, "can_change", False) or getattr(message, "error", None):
        return False
    edit_form = getattr(message, "edit_form", None)
    return edit_form is None or not edit_form.errors


@lru_cache(maxsize=1024)
def _small_avatar(name: str) -> str:
    """`{% avatar sender "s" %}` for a sender's name: two people write a whole thread."""
    return avatar(name, "s")


def message_html(message) -> SafeString:
    """The partial's markup for a message that shows no forms and no error (see _plain).
    Written with f-strings, every value escaped as the partial escapes it: format_html was
    most of the cost of a message."""
    mine = getattr(message, "mine", False)
    deleted = message.deleted_at is not None
    sender_name = escape_value(message.sender.name)
    created = template_localtime(message.created_at)
    css = "thread-message" + (" mine" if mine else "") + (" deleted" if deleted else "")
    urgent = edited = ""
    if message.urgent and not deleted:
        urgent = f'<span class="badge badge-urgent">{escape_value(gettext("Urgent"))}</span>'
    if message.edited_at and not deleted:
        title = gettext("Edited %(when)s") % {"when": _when(message.edited_at, "D j M, H:i")}
        edited = (
            f'<small class="muted message-edited" title="{escape_value(title)}">'
            f"({escape_value(gettext('edited'))})</small>"
        )
    if deleted:
        body = (
            f'<p class="message-body muted"><em>{escape_value(gettext("Message deleted"))}</em></p>'
        )
    else:
        text = linebreaksbr(urlize(message.body, autoescape=True), autoescape=True)
        body = f'<p class="message-body">{text}</p>'
    pk = message.pk
    data_from = "" if mine else f' data-from="{sender_name}"'
    who = escape_value(gettext("You")) if mine else sender_name
    return SafeString(
        f'\n\n<li id="message-{pk}" class="{css}" tabindex="-1"\n'
        f'    data-key="{_key(message.created_at)}" data-pk="{pk}"'
        f' data-version="{_key(message.updated_at)}"{data_from}>\n'
        '  <div class="message-meta">\n'
        f"    {_small_avatar(message.sender.name)}<strong>{who}</strong>\n"
        f'    <time datetime="{escape_value(created.isoformat())}">'  # date:"c"
        f"{escape_value(date(created, 'D j M, H:i'))}</time>\n"
        f"    {urgent}\n"
        f"    {edited}\n"
        "  </div>\n"
        "  \n"
        f"    {body}\n"
        "  \n"
        "  \n"
        "  \n"
        "</li>\n"
    )


@register.simple_tag(takes_context=True)
def thread_message(context, message) -> SafeString:
    """What `{% include "exchange/_partials/message.html" %}` writes for `message`."""
    if _plain(message):
        return message_html(message)
    partial = context.template.engine.get_template(MESSAGE_PARTIAL)
    with context.push(message=message):
        return partial.render(context)
