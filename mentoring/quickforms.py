"""Form parts every page repeats, rendered in Python instead of one template each.

Through Django's templates, a form's fields (their label, input, error list and help) were
most of a form page's CPU: half of the availability page, two thirds of the profile page.
The markup here is Django's own and the field group is templates/_partials/field.html's
(mentoring.forms.FormRenderer), byte for byte (tests/sessions_app/test_widgets.py and
tests/accounts/test_profile_markup.py compare the two): labels, ids, aria-invalid and
aria-describedby stay as they are. Values are escaped. A form opts in by subclassing QuickForm
or QuickModelForm; anything these parts do not cover (a select, a list with groups, a list
with errors) renders through the templates as before.
"""

import html
import re

from django import forms
from django.forms.boundfield import BoundField
from django.forms.utils import ErrorList
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _


def escape_value(value: object) -> str:
    """conditional_escape's result, without its lazy-string wrapper: this module escapes a few
    hundred values a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def csrf_input(csrf_token: object) -> str:
    """What {% csrf_token %} writes for the context's `csrf_token`: the hidden input, or
    nothing without a token. For the Python writers of forms repeated on a page."""
    if not csrf_token or csrf_token == "NOTPROVIDED":  # noqa: S105 (Django's marker, no secret)
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape_value(csrf_token)}">'


def attrs_html(attrs: dict) -> SafeString:
    """HTML attributes as django/forms/attrs.html writes them: False left out, True bare;
    names and values escaped."""
    return SafeString(
        "".join(
            f" {escape_value(name)}"
            if value is True
            else f' {escape_value(name)}="{escape_value(value)}"'
            for name, value in attrs.items()
            if value is not False
        )
    )


class QuickInputMixin:
    """An <input> as django/forms/widgets/input.html writes it."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        return _input_html(self.get_context(name, value, attrs)["widget"])


def _input_html(widget: dict) -> str:
    shown = widget["value"]
    value = "" if shown is None else f' value="{escape_value(shown)}"'
    return SafeString(
        f'<input type="{escape_value(widget["type"])}" name="{escape_value(widget["name"])}"{value}'
        f"{attrs_html(widget['attrs'])}>"
    )


def flat_options(widget: dict) -> list[dict] | None:
    """A choice widget's options in order, from its template context; None when the list has
    groups (those still render through Django's templates)."""
    groups = widget["optgroups"]
    if any(group is not None for group, _options, _index in groups):
        return None
    return [option for _group, options, _index in groups for option in options]


class QuickChoiceMixin:
    """Radio buttons and checkboxes as django/forms/widgets/multiple_input.html and
    input_option.html write them (a list with groups still renders through the templates)."""

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = self.get_context(name, value, attrs)["widget"]
        flat = flat_options(widget)
        if flat is None:
            return super().render(name, value, attrs, renderer)
        options = "".join(
            f"<div>\n    <label{_for(option['attrs'])}>{_input_html(option)}\n"
            f" {escape_value(option['label'])}</label>\n\n</div>"
            for option in flat
        )
        outer = widget["attrs"]
        outer_id = f' id="{escape_value(outer["id"])}"' if outer.get("id") else ""
        outer_class = f' class="{escape_value(outer["class"])}"' if outer.get("class") else ""
        return SafeString(f"<div{outer_id}{outer_class}>{options}\n</div>")


def _for(attrs: dict) -> str:
    return f' for="{escape_value(attrs["id"])}"' if attrs.get("id") else ""


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


class QuickRadioSelect(QuickChoiceMixin, forms.RadioSelect):
    pass


class QuickCheckboxSelectMultiple(QuickChoiceMixin, forms.CheckboxSelectMultiple):
    pass


# Django's input widgets and their quick twins, which differ only in how they render.
QUICK_INPUTS: dict[type, type] = {
    forms.TextInput: QuickTextInput,
    forms.NumberInput: QuickNumberInput,
    forms.DateInput: QuickDateInput,
    forms.TimeInput: QuickTimeInput,
    forms.HiddenInput: QuickHiddenInput,
    forms.RadioSelect: QuickRadioSelect,
    forms.CheckboxSelectMultiple: QuickCheckboxSelectMultiple,
}
QUICK_WIDGETS = frozenset(QUICK_INPUTS.values())
# Inputs that render as one <input> whatever their value (not hidden: no aria attributes there),
# Django's own and their quick twins: a quick bound field writes them without their template, and
# a <textarea> too (TEXTAREAS).
PLAIN_INPUTS = frozenset(
    {
        QuickTextInput,
        QuickNumberInput,
        QuickDateInput,
        QuickTimeInput,
        forms.TextInput,
        forms.NumberInput,
        forms.DateInput,
        forms.TimeInput,
        forms.EmailInput,
        forms.URLInput,
    }
)
TEXTAREAS = frozenset({forms.Textarea})
FIELD_TEMPLATE = "_partials/field.html"  # mentoring.forms.FormRenderer's field_template_name


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
    """label_tag, legend_tag and as_field_group as django/forms/label.html and
    templates/_partials/field.html write them, without the templates."""

    @property
    def widget_type(self) -> str:
        """As Django names it for the widget the quick one stands in for."""
        widget = type(self.field.widget)
        if widget in QUICK_WIDGETS:
            widget = widget.__bases__[1]
        return re.sub(r"widget$|input$", "", widget.__name__.lower())

    @property
    def errors(self) -> ErrorList:
        """BoundField.errors, whose empty list (nearly every field on nearly every page) writes
        nothing without going through its template."""
        found = self.form.errors.get(self.name)
        return QuickErrorList(renderer=self.form.renderer) if found is None else found

    def as_widget(self, widget=None, attrs=None, only_initial=False) -> SafeString:
        """BoundField.as_widget for a plain input or a textarea, in fewer steps: the attributes
        in Django's order (required, aria-invalid, aria-describedby, id after the widget's
        own)."""
        field = self.field
        own = field.widget
        kind = type(own)
        if (
            widget is not None
            or attrs
            or only_initial
            or (kind not in PLAIN_INPUTS and kind not in TEXTAREAS)
            or field.localize
            or field.disabled
        ):
            return super().as_widget(widget, attrs, only_initial)
        form = self.form
        extra: dict = {}
        if field.required and form.use_required_attribute:
            extra["required"] = True
        errors = form.errors.get(self.name)
        if errors:
            extra["aria-invalid"] = "true"
        auto_id = self.auto_id
        if auto_id and not own.attrs.get("aria-describedby"):
            described = [f"{auto_id}_helptext"] if field.help_text else []
            if errors:
                described.append(f"{auto_id}_error")
            if described:
                extra["aria-describedby"] = " ".join(described)
        if auto_id and "id" not in own.attrs:
            extra["id"] = auto_id
        value = own.format_value(self.value())
        if kind in TEXTAREAS:  # as django/forms/widgets/textarea.html writes it
            return SafeString(
                f'<textarea name="{escape_value(self.html_name)}"'
                f"{attrs_html({**own.attrs, **extra})}>\n"
                f"{escape_value(value) if value else ''}</textarea>"
            )
        return _input_html(
            {
                "type": own.input_type,
                "name": self.html_name,
                "value": value,
                "attrs": {**own.attrs, **extra},
            }
        )

    def as_field_group(self) -> SafeString:
        if self.template_name != FIELD_TEMPLATE:
            return super().as_field_group()
        auto_id = self.auto_id
        checkbox = self.widget_type == "checkbox"
        fieldset = self.use_fieldset
        if checkbox:
            label = f"{escape_value(self)} {escape_value(self.label)}"
            head = f'\n  <label for="{escape_value(auto_id)}">{label}</label>\n'
        elif fieldset:
            described = self.aria_describedby
            described = f' aria-describedby="{escape_value(described)}"' if described else ""
            legend = escape_value(self.legend_tag()) if self.label else ""
            head = f"\n  <fieldset{described}>\n  {legend}\n  {escape_value(self)}\n"
        else:
            label = escape_value(self.label_tag()) if self.label else ""
            head = f"\n  {label}\n  {escape_value(self)}\n"
        help_text = self.help_text
        if help_text:
            help_id = f' id="{escape_value(auto_id)}_helptext"' if auto_id else ""
            help_text = f'<small class="helptext"{help_id}>{help_text}</small>'
        close = "</fieldset>" if fieldset and not checkbox else ""
        html = f"{head}\n{escape_value(self.errors)}\n{help_text or ''}\n{close}\n"
        return SafeString(html.strip())  # as the renderer strips the template's output

    def label_tag(self, contents=None, attrs=None, label_suffix=None, tag=None) -> SafeString:
        contents = contents or self.label
        if label_suffix is None:
            label_suffix = (
                self.field.label_suffix
                if self.field.label_suffix is not None
                else self.form.label_suffix
            )
        if label_suffix and contents and contents[-1] not in _(":?.!"):
            contents = SafeString(escape_value(contents) + escape_value(label_suffix))
        widget = self.field.widget
        id_ = widget.attrs.get("id") or self.auto_id
        if not id_:
            return SafeString(conditional_escape(contents).strip())  # the renderer strips
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
        tag = escape_value(tag)
        return SafeString(f"<{tag}{attrs_html(attrs or {})}>{escape_value(contents)}</{tag}>")


class QuickFormMixin:
    """A form whose field groups, plain inputs, labels and empty error lists render without
    templates."""

    bound_field_class = QuickBoundField

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("error_class", QuickErrorList)
        super().__init__(*args, **kwargs)
        quicken(self)


class QuickForm(QuickFormMixin, forms.Form):
    pass


class QuickModelForm(QuickFormMixin, forms.ModelForm):
    pass


def quicken(form: forms.BaseForm) -> None:
    """Give the form's plain inputs (its own copies) their quick twins; call again after
    adding fields."""
    for field in form.fields.values():
        quick = QUICK_INPUTS.get(type(field.widget))
        if quick is not None:
            field.widget.__class__ = quick  # same attributes, only render() differs
