"""gettext remembered for each language, for the pairing page's sections written in Python:
they ask for some sixty messages a view, and a catalogue lookup costs some thirty calls.

    from pairings.text import cached_gettext as _

Import it as `_` so makemessages finds the msgids as before. Only for messages given as
literals (a catalogue does not change while the process runs).
"""

from functools import lru_cache

from django.utils.translation import get_language, gettext


@lru_cache(maxsize=1024)
def _translated(language: str | None, message: str) -> str:
    return gettext(message)


def cached_gettext(message: str) -> str:
    """gettext(message) in the current language."""
    return _translated(get_language(), message)
