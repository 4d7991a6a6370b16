"""Weekly time windows as people type them: shared by contact terms and mentors' availability."""

from dataclasses import dataclass
from datetime import time

from django import forms
from django.forms.boundfield import BoundField
from django.http import QueryDict
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.quickforms import QuickTimeInput, attrs_html, escape_value

STEP_MINUTES = 15
QUARTER_HOURS = gettext_lazy("Use quarter hours: :00, :15, :30 or :45.")


def time_field(label: str) -> forms.TimeField:
    """An optional HH:MM field on the quarter-hour grid (a native time picker on phones)."""
    return forms.TimeField(
        label=label,
        required=False,
        input_formats=["%H:%M", "%H:%M:%S"],
        widget=forms.TimeInput(format="%H:%M", attrs={"type": "time", "step": STEP_MINUTES * 60}),
    )


def off_quarter_hour(value: time) -> bool:
    return bool(value.minute % STEP_MINUTES or value.second or value.microsecond)


def window_times(form: forms.Form, opens_name: str, closes_name: str) -> tuple[time, time] | None:
    """The (opens, closes) a form's pair of time fields holds, or None when the pair is empty
    or wrong — the reason then stands on the form. Whether `closes` may be midnight, and so
    how the two compare, is the caller's rule."""
    if opens_name in form.errors or closes_name in form.errors:
        return None
    opens, closes = form.cleaned_data.get(opens_name), form.cleaned_data.get(closes_name)
    if opens is None and closes is None:
        return None
    if opens is None or closes is None:
        missing = opens_name if opens is None else closes_name
        form.add_error(
            missing, _("Give a start time too.") if opens is None else _("Give an end time too.")
        )
        return None
    off_grid = [
        name
        for name, value in ((opens_name, opens), (closes_name, closes))
        if off_quarter_hour(value)
    ]
    for name in off_grid:
        form.add_error(name, QUARTER_HOURS)
    return None if off_grid else (opens, closes)


# The buttons above a weekly hours editor post `hours_action`: the page comes back with the hours
# filled in and nothing saved (the script in static/js/agreement-hours.js does the same in place).
HOURS_ACTION = "hours_action"
COPY_MONDAY = "copy_monday"
WEEKDAYS_MON_FRI = range(5)
HOURS_PRESETS: dict[str, list[tuple[int, time, time]]] = {
    "office": [(day, time(9), time(17)) for day in WEEKDAYS_MON_FRI],
    "evenings": [(day, time(18), time(21)) for day in WEEKDAYS_MON_FRI],
    "clear": [],
}

# (weekday, day name, [(from field name, to field name), ...]) as both editors keep them.
DayFields = tuple[int, str, list[tuple[str, str]]]


@dataclass(frozen=True)
class HoursRow:
    """One day of a weekly hours editor: its first window, and the others behind "more"."""

    weekday: int
    name: str
    short: str
    first: tuple[forms.BoundField, forms.BoundField]
    more: list[tuple[forms.BoundField, forms.BoundField]]

    @property
    def more_open(self) -> bool:
        """Show the other windows: one holds a time or an error."""
        return any(field.value() or field.errors for pair in self.more for field in pair)


def hours_rows(form: forms.Form, days: list[DayFields]) -> list[HoursRow]:
    rows = []
    for weekday, name, windows in days:
        pairs = [(form[opens], form[closes]) for opens, closes in windows]
        rows.append(HoursRow(weekday, name, str(WEEKDAYS_ABBR[weekday]), pairs[0], pairs[1:]))
    return rows


def hours_action_apply(
    form: forms.Form, data: QueryDict, days: list[DayFields], action: str
) -> None:
    """Show the unbound `form` with what was typed in `data`, its hours changed by a preset or
    by copying Monday to Tuesday-Friday; nothing is checked or saved (an unknown action only
    shows the input again)."""
    typed = {
        name: field.widget.value_from_datadict(data, {}, form.add_prefix(name))
        for name, field in form.fields.items()
    }
    names = {weekday: [name for pair in windows for name in pair] for weekday, _n, windows in days}
    if action == COPY_MONDAY:
        for weekday in WEEKDAYS_MON_FRI[1:]:
            for name, source in zip(names[weekday], names[0], strict=True):
                typed[name] = typed[source]
    elif action in HOURS_PRESETS:
        typed.update({name: None for day_names in names.values() for name in day_names})
        for weekday, opens, closes in HOURS_PRESETS[action]:
            first_from, first_to = names[weekday][:2]
            typed[first_from], typed[first_to] = f"{opens:%H:%M}", f"{closes:%H:%M}"
    form.initial.update({name: None if value == "" else value for name, value in typed.items()})


HOURS_TOOLS = (
    ("office", gettext_lazy("Weekday office hours 9–17")),  # noqa: RUF001 (the en dash is the text)
    ("evenings", gettext_lazy("Weekday evenings 18–21")),  # noqa: RUF001 (the en dash is the text)
    ("copy_monday", gettext_lazy("Copy Monday to Tuesday–Friday")),  # noqa: RUF001 (the en dash is the text)
    ("clear", gettext_lazy("Clear all")),
)


def hours_week_html(rows: list[HoursRow]) -> SafeString:
    """The weekly hours editor for these rows (hours_rows): presets and "copy Monday" (server-side
    submits, done in place by static/js/agreement-hours.js), then one row per day: its first
    window, and a second one behind "more" unless it holds a time or an error. Written in
    Python: 14 pairs of time inputs with their labels and error lists cost more through a
    template than the rest of the form. tests/sessions_app/test_widgets.py holds the template
    it replaced and compares the two byte for byte."""
    esc = escape_value
    arrow = '<span aria-hidden="true">–</span>'  # noqa: RUF001 (the en dash is the text)
    time_input = _TimeInputWriter()

    def window(opens: BoundField, closes: BoundField) -> str:
        return f'<span class="hours-window">{time_input(opens)}{arrow}{time_input(closes)}</span>'

    parts = [
        f'\n\n<div class="hours-tools" role="group" aria-label="{esc(_("Fill in the hours"))}">\n'
    ]
    parts += [
        f'  <button type="submit" name="hours_action" value="{value}" class="secondary outline"'
        f" formnovalidate>{esc(str(label))}</button>\n"
        for value, label in HOURS_TOOLS
    ]
    parts.append("</div>\n")
    for row in rows:
        name = esc(row.name)
        parts.append(
            f'\n  <fieldset class="hours-day" data-hours-day="{row.weekday}">\n'
            f'    <legend><span class="day-long">{name}</span><span class="day-short"'
            f' aria-hidden="true">{esc(row.short)}</span></legend>\n'
            f'    <div class="hours-windows">\n      {window(*row.first)}\n      '
        )
        if row.more:
            another = _("Another window on %(day)s") % {"day": name}
            parts.append(
                f"\n        <details{' open' if row.more_open else ''}>\n"
                f'          <summary><span aria-hidden="true">+</span><span'
                f' class="visually-hidden">{another}</span></summary>\n          '
            )
            parts += [f"\n            {window(*pair)}\n          " for pair in row.more]
            parts.append("\n        </details>\n      ")
        errors = "".join(
            escape_value(found)
            for pair in (row.first, *row.more)
            for field in pair
            if (found := field.form.errors.get(field.name))
        )
        parts.append(f"\n    </div>\n    {errors}\n  </fieldset>\n")
    parts.append("\n")
    return SafeString("".join(parts))


# The time inputs _TimeInputWriter writes itself; their own attributes must leave it these.
_TIME_INPUTS = frozenset({forms.TimeInput, QuickTimeInput})
_ATTRS_ADDED = frozenset({"required", "aria-invalid", "aria-describedby", "id"})


class _TimeInputWriter:
    """A time field's label and input, label_tag() then the input, as QuickBoundField writes
    them (tests/sessions_app/test_widgets.py compares the editor with its template), in fewer
    steps: an editor holds 28 of them, and through the bound field's general path they were a
    tenth of the page. Only an optional, enabled, unlocalised time input with an id and no
    help text is written here; any other field goes through its bound field."""

    def __init__(self) -> None:
        self.stops = _(":?.!")  # a label ending in one of these takes no suffix
        self.shared: dict[tuple, tuple[str, str, str]] = {}

    def __call__(self, bound: BoundField) -> str:
        field = bound.field
        widget = field.widget
        auto_id = bound.auto_id
        if (
            type(widget) not in _TIME_INPUTS
            or field.required
            or field.disabled
            or field.localize
            or field.help_text
            or not auto_id
            or not _ATTRS_ADDED.isdisjoint(widget.attrs)
        ):
            return f"{escape_value(bound.label_tag())}{escape_value(bound)}"
        form = bound.form
        label = bound.label
        suffix = field.label_suffix if field.label_suffix is not None else form.label_suffix
        # The same few labels, types and attributes come back on every row: written once.
        shared_key = (label, suffix, widget.input_type, tuple(widget.attrs.items()))
        shared = self.shared.get(shared_key)
        if shared is None:
            text = escape_value(label)
            if suffix and label and label[-1] not in self.stops:
                text += escape_value(suffix)
            shared = self.shared[shared_key] = (
                text,
                escape_value(widget.input_type),
                attrs_html(widget.attrs),
            )
        text, input_type, own = shared
        value = widget.format_value(bound.value())
        shown = "" if value is None else f' value="{escape_value(value)}"'
        the_id = escape_value(auto_id)
        invalid = (
            f' aria-invalid="true" aria-describedby="{the_id}_error"'
            if form.errors.get(bound.name)
            else ""
        )
        return (
            f'<label for="{the_id}">{text}</label><input type="{input_type}"'
            f' name="{escape_value(bound.html_name)}"{shown}{own}{invalid} id="{the_id}">'
        )
