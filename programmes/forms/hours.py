"""Weekly time windows as people type them: shared by contact terms and mentors' availability."""

from datetime import time

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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
