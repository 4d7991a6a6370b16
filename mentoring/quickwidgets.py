"""Widgets mentoring.quickforms leaves to Django's templates, written in Python with the same
markup: a short <select> laid out as django/forms/widgets/select.html lays it out, a checkbox
and file inputs (an empty one, for the clearable kind). Text areas, email and web address
inputs need nothing here: QuickBoundField writes Django's own.

Through the templates, a select of six mentors cost more than the rest of its field group: one
template per option. The markup here is Django's, byte for byte (tests/test_quickwidgets.py
compares the two), values and labels escaped. Each class keeps its Django name, so
BoundField.widget_type, which the field group reads to tell a checkbox, stays what it was.
"""

import html

from django import forms
from django.utils.safestring import SafeString

from mentoring.quickforms import (
    QuickInputMixin,
    attrs_html,
    escape_value,
    flat_options,
    quicken,
)


class Select(forms.Select):
    """A flat <select> (a list with groups still renders through the templates)."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        flat = flat_options(widget)
        if flat is None:
            return super().render(name, value, attrs, renderer)
        options = "".join(
            # stringformat:'s' then autoescape: the value is escaped even when marked safe
            f'\n  <option value="{html.escape(str(option["value"]))}"'
            f"{attrs_html(option['attrs'])}>{escape_value(option['label'])}</option>\n"
            for option in flat
        )
        return SafeString(
            f'<select name="{escape_value(widget["name"])}"{attrs_html(widget["attrs"])}>'
            f"{options}\n</select>"
        )


class CheckboxInput(QuickInputMixin, forms.CheckboxInput):
    pass


class FileInput(QuickInputMixin, forms.FileInput):
    pass


class ClearableFileInput(QuickInputMixin, forms.ClearableFileInput):
    """A file input with no file yet (one with a file, and its "clear" box, renders through
    the template)."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        if self.is_initial(value):
            return forms.ClearableFileInput.render(self, name, value, attrs, renderer)
        return super().render(name, value, attrs, renderer)


# Django's widgets and their twins here, which differ only in how they render.
QUICK_WIDGETS: dict[type, type] = {
    forms.Select: Select,
    forms.CheckboxInput: CheckboxInput,
    forms.FileInput: FileInput,
    forms.ClearableFileInput: ClearableFileInput,
}


def quicken_all(form: forms.BaseForm) -> None:
    """mentoring.quickforms.quicken, and the form's selects, checkboxes and file inputs too
    (exactly those classes: a subclass may render its own way)."""
    quicken(form)
    for field in form.fields.values():
        quick = QUICK_WIDGETS.get(type(field.widget))
        if quick is not None:
            field.widget.__class__ = quick  # same attributes, only render() differs
