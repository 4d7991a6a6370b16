"""Input parsing and validation for sessions_app, one module per sub-domain."""

from functools import lru_cache

from django import forms
from django.utils.functional import Promise
from django.utils.translation import get_language


def texts_translated(form: forms.BaseForm) -> None:
    """Give the form's fields their labels, help texts and choice labels as plain text in the
    active language, translated once per form class and language: lazy ones are read through
    the translations each time the page uses them, four or five times a field. Call after the
    fields are all there (a field added later keeps its own texts)."""
    for name, label, help_text, choices in _texts_in(type(form), get_language()):
        field = form.fields.get(name)
        if field is None:
            continue
        field.label, field.help_text = label, help_text
        if choices is not None:
            field.choices = choices


@lru_cache(maxsize=64)
def _texts_in(
    form: type[forms.BaseForm], language: str | None
) -> tuple[tuple[str, str | None, str, list | None], ...]:
    """The declared fields' texts in `language` (the active one: part of the key). Choices are
    translated only when they are a plain list (not grouped, not computed when shown)."""
    texts = []
    for name, field in form.base_fields.items():
        choices = None
        listed = getattr(field, "choices", None)
        if isinstance(listed, list) and all(
            isinstance(label, str | Promise) for _v, label in listed
        ):
            choices = [(value, str(label)) for value, label in listed]
        label = None if field.label is None else str(field.label)
        texts.append((name, label, str(field.help_text), choices))
    return tuple(texts)
