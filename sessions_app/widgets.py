"""Times of day as the sessions pages show them, a week of them at a time. The quick form
fields are mentoring/quickforms.py's; the weekly hours editor is programmes/forms/hours.py's.
"""

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from django.utils.formats import date_format


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
