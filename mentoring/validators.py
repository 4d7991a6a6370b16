"""Validators any app's fields share."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def refuse_line_breaks(value: str) -> None:
    """A single-line field (a name, a title) holds no line break: one would end up in email
    headers, where it is refused, and stop every email that carries it."""
    if "\r" in value or "\n" in value or "\u2028" in value or "\u2029" in value:
        raise ValidationError(
            _("Use a single line here: line breaks are not allowed."), code="line_break"
        )
