"""Form parts the sessions pages repeat many times, rendered in Python instead of one template
each.

The mentor's availability page draws 28 time inputs, their labels and their (mostly empty)
error lists; through Django's templates they were more than half of the page's CPU. The markup
here is Django's own, byte for byte (tests/sessions_app/test_widgets.py compares the two):
labels, ids, aria-invalid and aria-describedby stay as they are. Values are escaped.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import ErrorList
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def attrs_html(attrs: dict) -> SafeString:
    """HTML attributes as django/forms/attrs.html writes them: False left out, True bare;
    names and values escaped."""
    return SafeString(
        "".join(
            f" {conditional_escape(name)}"
            if value is True
            else f' {conditional_escape(name)}="{conditional_escape(str(value))}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickInputMixin:
    """An <input> as django/forms/widgets/input.html writes it."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        shown = widget["value"]
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            "" if shown is None else format_html(' value="{}"', str(shown)),
            attrs_html(widget["attrs"]),
        )


class QuickTextInput(QuickInputMixin, forms.TextInput):
    pass


class QuickNumberInput(QuickInputMixin, forms.NumberInput):
    pass


class QuickDateInput(QuickInputMixin, forms.DateInput):
    pass


class QuickTimeInput(QuickInputMixin, forms.TimeInput):
    pass


class QuickHiddenInput(QuickInputMixin, forms.HiddenInput):
    pass


# Django's input widgets and their quick twins, which differ only in how they render.
QUICK_INPUTS: dict[type, type] = {
    forms.TextInput: QuickTextInput,
    forms.NumberInput: QuickNumberInput,
    forms.DateInput: QuickDateInput,
    forms.TimeInput: QuickTimeInput,
    forms.HiddenInput: QuickHiddenInput,
}


class QuickErrorList(ErrorList):
    """An error list whose empty case (nearly every field on nearly every page) costs no
    template; a list with errors renders through Django's template as before."""

    def render(self, template_name=None, context=None, renderer=None) -> SafeString:
        if not self.data and template_name is None and context is None:
            return SafeString("")
        return super().render(template_name, context, renderer)

    __str__ = render
    __html__ = render


class QuickBoundField(BoundField):
    """label_tag and legend_tag as django/forms/label.html writes them, without the template."""

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None) -> SafeString:
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in _(":?.!"):
            contents = format_html("{}{}", contents, label_suffix)
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return conditional_escape(contents)
        id_for_label = widget.id_for_label(id_)
        if id_for_label:
            attrs = {**(attrs or {}), "for": id_for_label}
        if self.field.required and hasattr(self.form, "required_css_class"):
            attrs = attrs or {}
            if "class" in attrs:
                attrs["class"] += " " + self.form.required_css_class
            else:
                attrs["class"] = self.form.required_css_class
        tag = tag or "label"
        return format_html("<{}{}>{}</{}>", tag, attrs_html(attrs or {}), contents, tag)


class QuickForm(forms.Form):
    """A form whose plain inputs, labels and empty error lists render without templates."""

    bound_field_class = QuickBoundField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("error_class", QuickErrorList)
        super().__init__(*args, **kwargs)
        quicken(self)


def quicken(form: forms.BaseForm) -> None:
    """Give the form's plain inputs (its own copies) their quick twins; call again after
    adding fields."""
    for field in form.fields.values():
        quick = QUICK_INPUTS.get(type(field.widget))
        if quick is not None:
            field.widget.__class__ = quick  # same attributes, only render() differs
