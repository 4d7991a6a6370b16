"""Small pieces of the design system: `{% avatar person %}` shows a person's initials."""

import dataclasses
import functools
import zlib

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import Context
from django.urls import get_script_prefix
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

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
    if name == _AVATAR_SLOT:  # a kept header's: each page puts its viewer's in (site_nav)
        return mark_safe(_AVATAR_SLOT)  # noqa: S308 (a NUL-delimited marker, replaced)
    return _avatar_html(name, size)


@functools.lru_cache(maxsize=4096)
def _avatar_html(name: str, size: str) -> str:
    hue = zlib.crc32(name.encode()) % HUES
    size_class = f" avatar-{size}" if size else ""
    return format_html(
        '<span class="avatar avatar-h{}{}" aria-hidden="true">{}</span>',
        hue,
        size_class,
        initials(name),
    )


# Stand for the page's CSRF token and its viewer's avatar in a kept header: no template writes
# a NUL, and no name does (Django's form fields refuse NUL characters).
_CSRF_SLOT = "\x00csrf\x00"
_AVATAR_SLOT = "\x00avatar\x00"
_KEPT_PER_PROCESS = 4096  # distinct (language, page, roles, badge…) headers kept


@functools.lru_cache(maxsize=_KEPT_PER_PROCESS)
def _kept_render(template, language: str, prefix: str, **values) -> str:
    """`template` rendered with `values` alone, once per process for each set of them.

    The template sees nothing but `values`, so whatever it shows is in the key: a variable
    added to it and not passed here renders empty (and the tests comparing with a full render
    fail), never another person's. `template` is in the key too: when the development server
    reloads a changed template, the next pages use the new one; `language` and the URLs'
    `prefix` are the active ones."""
    return template.render(Context(values, use_l10n=None))


@receiver(setting_changed)
def _forget_kept(**kwargs) -> None:
    """A test that changes the URLs, languages or templates gets headers made with them."""
    _kept_render.cache_clear()


def _csrf(context) -> str:
    token = context.get("csrf_token")
    return "" if not token or token == "NOTPROVIDED" else str(token)  # noqa: S105 (csrf_token's own)


@register.simple_tag(takes_context=True)
def site_nav(context) -> str:
    """The header's links (`_partials/site_nav.html`), rendered once per page: base.html shows
    them twice, in the bar and in the phone menu.

    They are the same for everyone with the same roles and unread count on the same page, so
    they are rendered once per process for each of those and kept (about 2,700 Python calls a
    page: a tenth of a typical one); the page's own CSRF token and its viewer's avatar (the
    one thing of the person's own) are put in afterwards, so one person's first view of a page
    uses what another's made. Pages without a request or a token (error pages) render the
    template."""
    html = getattr(context, "_site_nav_html", None)
    if html is not None:
        return html
    template = context.template.engine.get_template("_partials/site_nav.html")
    request, user, token = context.get("request"), context.get("user"), _csrf(context)
    if request is None or user is None or not token:
        html = template.render(context)
    elif not user.is_authenticated:
        html = _kept_render(template, get_language(), get_script_prefix(), user=_Visitor())
    else:
        match = request.resolver_match
        html = _kept_render(
            template,
            get_language(),
            get_script_prefix(),
            user=_Member(_AVATAR_SLOT, user.shows_admin_links, user.is_staff),
            request=_Request(
                _Match(match.url_name, match.view_name) if match else None,
            ),
            # A lazy count (exchange.context_processors) has no int() of its own.
            unread_messages=int(str(context.get("unread_messages") or 0)),
            csrf_token=_CSRF_SLOT,
        )
        # The avatar's size is the template's ({% avatar user "s" %}, its one avatar).
        html = html.replace(_CSRF_SLOT, escape(token)).replace(_AVATAR_SLOT, avatar(user, "s"))
    context._site_nav_html = html = mark_safe(html)  # noqa: S308 (the template's, escaped)
    return html


@register.simple_tag(takes_context=True)
def language_choice(context) -> str:
    """The footer's language choice (`_partials/language_choice.html`). A signed-in person's
    is a link that depends on the language alone, so it is rendered once per process and
    language; a visitor's is a form back to this page, rendered each time."""
    template = context.template.engine.get_template("_partials/language_choice.html")
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return mark_safe(template.render(context))  # noqa: S308 (the template's, escaped)
    return mark_safe(  # noqa: S308
        _kept_render(template, get_language(), get_script_prefix(), user=_Member("", False, False))
    )


@dataclasses.dataclass(frozen=True)
class _Member:
    """What the kept header reads of a signed-in person (a key of `_kept_render`)."""

    name: str
    shows_admin_links: bool
    is_staff: bool
    is_authenticated = True

    def __str__(self) -> str:
        return self.name


@dataclasses.dataclass(frozen=True)
class _Visitor:
    is_authenticated = False


@dataclasses.dataclass(frozen=True)
class _Match:
    url_name: str | None
    view_name: str | None


@dataclasses.dataclass(frozen=True)
class _Request:
    resolver_match: _Match | None
