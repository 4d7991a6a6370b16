"""`{% thread_message message %}`: one message of a thread, as exchange/_partials/message.html
writes it, without an include per message.

Most messages are past their edit window: their markup is built here, the same characters the
partial writes (tests/exchange/test_thread_markup.py holds the two together; the few words are
escaped here, which changes none of their translations). A message with
its edit and delete forms (or an error) goes through the partial itself, CSRF token included.
"""

from django import template
from django.template.defaultfilters import date, linebreaksbr, urlize
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.timezone import template_localtime
from django.utils.translation import gettext

from branding.templatetags.ui import avatar
from exchange.selectors.messages import cursor_from

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


def message_html(message) -> SafeString:
    """The partial's markup for a message that shows no forms and no error (see _plain)."""
    mine = getattr(message, "mine", False)
    deleted = message.deleted_at is not None
    sender_name = message.sender.name
    created = template_localtime(message.created_at)
    css = "thread-message" + (" mine" if mine else "") + (" deleted" if deleted else "")
    urgent = edited = ""
    if message.urgent and not deleted:
        urgent = format_html('<span class="badge badge-urgent">{}</span>', gettext("Urgent"))
    if message.edited_at and not deleted:
        edited = format_html(
            '<small class="muted message-edited" title="{}">({})</small>',
            gettext("Edited %(when)s") % {"when": _when(message.edited_at, "D j M, H:i")},
            gettext("edited"),
        )
    if deleted:
        body = format_html(
            '<p class="message-body muted"><em>{}</em></p>', gettext("Message deleted")
        )
    else:
        body = format_html(
            '<p class="message-body">{}</p>',
            linebreaksbr(urlize(message.body, autoescape=True), autoescape=True),
        )
    return format_html(
        '\n\n<li id="message-{pk}" class="{css}" tabindex="-1"\n'
        '    data-key="{key}" data-pk="{pk}" data-version="{version}"{data_from}>\n'
        '  <div class="message-meta">\n'
        "    {avatar}<strong>{who}</strong>\n"
        '    <time datetime="{iso}">{shown}</time>\n'
        "    {urgent}\n"
        "    {edited}\n"
        "  </div>\n"
        "  \n"
        "    {body}\n"
        "  \n"
        "  \n"
        "  \n"
        "</li>\n",
        pk=message.pk,
        css=css,
        key=_key(message.created_at),
        version=_key(message.updated_at),
        data_from=format_html(' data-from="{}"', sender_name) if not mine else "",
        avatar=avatar(message.sender, "s"),
        who=gettext("You") if mine else sender_name,
        iso=created.isoformat(),  # date:"c"
        shown=date(created, "D j M, H:i"),
        urgent=urgent,
        edited=edited,
        body=body,
    )


@register.simple_tag(takes_context=True)
def thread_message(context, message) -> SafeString:
    """What `{% include "exchange/_partials/message.html" %}` writes for `message`."""
    if _plain(message):
        return message_html(message)
    partial = context.template.engine.get_template(MESSAGE_PARTIAL)
    with context.push(message=message):
        return partial.render(context)
