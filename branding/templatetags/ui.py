"""Small pieces of the design system: `{% avatar person %}` shows a person's initials."""

import zlib

from django import template
from django.utils.html import format_html

register = template.Library()
HUES = 8  # .avatar-h0 … .avatar-h7 in design.css


def initials(name: str) -> str:
    """Up to two letters: the first of the first and of the last word ("Grace Kim" → "GK")."""
    words = [w for w in name.replace(".", " ").replace("_", " ").split() if w[:1].isalnum()]
    if not words:
        return "?"
    if len(words) == 1:
        return words[0][:1].upper()
    return (words[0][:1] + words[-1][:1]).upper()


@register.simple_tag
def avatar(person, size: str = "") -> str:
    """A round badge with the person's initials, hidden from screen readers (the name is
    always written beside it)."""
    name = getattr(person, "name", None) or str(person)
    hue = zlib.crc32(name.encode()) % HUES
    size_class = f" avatar-{size}" if size else ""
    return format_html(
        '<span class="avatar avatar-h{}{}" aria-hidden="true">{}</span>',
        hue,
        size_class,
        initials(name),
    )


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    """The header's links (`_partials/site_nav.html`), rendered once per page: base.html shows
    them twice, in the bar and in the phone menu."""
    html = getattr(context, "_site_nav_html", None)
    if html is None:
        html = context.template.engine.get_template("_partials/site_nav.html").render(context)
        context._site_nav_html = html
    return html
