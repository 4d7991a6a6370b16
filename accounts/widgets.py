"""Form widgets."""

from functools import lru_cache

from django import forms
from django.forms.utils import flatatt
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString

SELECTED = SafeString(" selected")
CHECKED = SafeString(" checked")


def _choices_key(choices) -> tuple:
    """What the rendering depends on: the choices as plain strings, labels in the active
    language, so a cached rendering is never shown in another. A list made once per process
    (a functools.cache'd function such as timezone_choices) is known by the function and the
    language alone, without going through its ~430 entries on every page."""
    func = getattr(choices, "func", None)  # Django's CallableChoiceIterator
    if func is not None and hasattr(func, "cache_info"):
        return (func, translation.get_language())
    return tuple((str(v), str(label)) for v, label in choices)


def _pairs(key: tuple) -> tuple[tuple[str, str], ...]:
    if key and callable(key[0]):
        return tuple((str(v), str(label)) for v, label in key[0]())
    return key


@lru_cache(maxsize=32)
def _select_options(key: tuple) -> tuple[tuple[tuple[str, str], ...], dict]:
    """Each <option> rendered once per process (and language), as the markup before and after
    its " selected"; its index by value."""
    choices = _pairs(key)
    options = tuple(
        (format_html('<option value="{}"', v), format_html(">{}</option>", label))
        for v, label in choices
    )
    return options, {v: i for i, (v, _label) in enumerate(choices)}


@lru_cache(maxsize=32)
def _checkbox_options(
    base_id: str, name: str, attrs: str, key: tuple
) -> tuple[tuple[tuple[str, str], ...], dict]:
    """Each checkbox rendered once per process (and language), as the markup before and after
    its " checked"; its index by value."""
    choices = _pairs(key)
    options = tuple(
        (
            format_html(
                '<label for="{0}_{1}"><input type="checkbox" name="{2}" value="{3}" id="{0}_{1}"'
                "{4}",
                base_id,
                index,
                name,
                v,
                SafeString(attrs),
            ),
            format_html("> {}</label>", label),
        )
        for index, (v, label) in enumerate(choices)
    )
    return options, {v: i for i, (v, _label) in enumerate(choices)}


def _joined(options, index: dict, values: list, mark: str) -> SafeString:
    """The rendered options, with `mark` in those whose value is among `values`."""
    chosen = {index[v] for v in map(str, values) if v in index}
    return SafeString(
        "".join(
            before + mark + after if i in chosen else before + after
            for i, (before, after) in enumerate(options)
        )
    )


class QuickSelect(forms.Select):
    """Render a long, flat list of <option>s in Python instead of one template each.

    Django builds and renders every option through a template: the ~430 time zones took 25 ms
    of a 30 ms profile page. Escaping them still cost several ms, so each list is rendered once
    per process and language and only the chosen option is marked on each page. The markup is
    Django's; labels and values are still escaped.
    """

    def use_required_attribute(self, initial: object) -> bool:
        """Select's answer (whether its first choice is empty), with the first choice of a list
        made once per process read from the list itself: Django's check goes through the
        choices' normaliser, all ~430 time zones, on every page."""
        make = getattr(self.choices, "func", None)  # Django's CallableChoiceIterator
        if make is None or not hasattr(make, "cache_info"):
            return super().use_required_attribute(initial)
        first = next(iter(make()), None)
        return (
            forms.Widget.use_required_attribute(self, initial)
            and first is not None
            and self._choice_has_empty_value(first)
        )

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        options, index = _select_options(_choices_key(self.choices))
        return format_html(
            '<select name="{}"{}>{}</select>',
            widget["name"],
            flatatt(widget["attrs"]),
            _joined(options, index, widget["value"], SELECTED),
        )


class QuickCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkboxes for a long list, rendered in Python (and cached) for the same reason as
    QuickSelect.

    Checkboxes, not a multi-select: people see every choice they made, and a plain click does
    not silently drop the others.
    """

    def render(self, name: str, value: object, attrs: dict | None = None, renderer=None) -> str:
        widget = forms.Widget.get_context(self, name, value, attrs)["widget"]
        input_attrs = dict(widget["attrs"])
        base_id = input_attrs.pop("id", f"id_{name}")
        input_attrs.pop("required", None)  # "at least one" is checked on the server
        options, index = _checkbox_options(
            base_id, widget["name"], flatatt(input_attrs), _choices_key(self.choices)
        )
        return format_html(
            '<div id="{}" class="checkbox-grid">{}</div>',
            base_id,
            _joined(options, index, widget["value"], CHECKED),
        )
