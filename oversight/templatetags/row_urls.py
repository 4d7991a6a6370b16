"""Links of one row among many (the cohort page's table and queue): `{% url %}` resolves the
URL pattern for every row; this resolves it once per process, with a stand-in for the id, and
puts each row's id in its place.

    {% load row_urls %}
    <a href="{% row_url 'oversight:pairing_nudge' pairing.pk %}">
"""

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

register = template.Library()

_STAND_IN = 918_273_645  # an id no row has: what is either side of it is the same for all
_found: dict[tuple, tuple[str, str]] = {}


@register.simple_tag
def row_url(name: str, pk: int) -> str:
    """reverse(name, args=[pk]) for a pattern with one integer argument."""
    # What reverse() depends on besides the name: the prefix, the language and the URLconf.
    key = (name, get_script_prefix(), get_language(), get_urlconf())
    parts = _found.get(key)
    if parts is None:
        before, _, after = reverse(name, args=[_STAND_IN]).partition(str(_STAND_IN))
        parts = _found[key] = (before, after)
    return f"{parts[0]}{int(pk)}{parts[1]}"
