"""Form parts the sessions pages repeat many times, rendered in Python instead of through
templates: times of day for a page, and the weekly hours editor of the availability page (14
pairs of time inputs, the template's markup byte for byte: tests/sessions_app/test_widgets.py
compares the two). The quick fields themselves are mentoring/quickforms.py's.
"""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.forms.boundfield import BoundField
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mentoring.quickforms import escape_value
from programmes.forms.hours import HoursRow


def local_times(zone: ZoneInfo) -> Callable[[datetime], tuple[datetime, str]]:
    """For one page: an aware moment → (the moment in `zone`, its time of day as TIME_FORMAT
    writes it in the active language). Each time of day is formatted once per page: a time
    format shows the time of day and the zone, never the date, so equal clock times at the same
    UTC offset read the same."""
    labels: dict[tuple, str] = {}

    def local_time(moment: datetime) -> tuple[datetime, str]:
        local = moment.astimezone(zone)
        key = (local.hour, local.minute, local.second, local.utcoffset())
        label = labels.get(key)
        if label is None:
            label = labels[key] = date_format(local, "TIME_FORMAT")
        return local, label

    return local_time


HOURS_TOOLS = (
    ("office", gettext_lazy("Weekday office hours 9–17")),  # noqa: RUF001 (the en dash is the text)
    ("evenings", gettext_lazy("Weekday evenings 18–21")),  # noqa: RUF001 (the en dash is the text)
    ("copy_monday", gettext_lazy("Copy Monday to Tuesday–Friday")),  # noqa: RUF001 (the en dash is the text)
    ("clear", gettext_lazy("Clear all")),
)


def hours_week_html(rows: list[HoursRow]) -> SafeString:
    """templates/_partials/hours_week.html for these rows, written in Python: 14 pairs of time
    inputs with their labels and error lists cost more through the template than the rest of
    the form (tests/sessions_app/test_widgets.py compares the two byte for byte)."""
    esc = escape_value
    arrow = '<span aria-hidden="true">–</span>'  # noqa: RUF001 (the en dash is the text)

    def window(opens: BoundField, closes: BoundField) -> str:
        return (
            f'<span class="hours-window">{esc(opens.label_tag())}{esc(opens)}{arrow}'
            f"{esc(closes.label_tag())}{esc(closes)}</span>"
        )

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
