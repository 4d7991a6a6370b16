"""Times of day as the sessions pages show them, a week of them at a time. The quick form
fields are mentoring/quickforms.py's; the weekly hours editor is programmes/forms/hours.py's.
"""

from collections.abc import Callable
from datetime import date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.utils.formats import date_format
from django.utils.translation import get_language


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


def date_label(day: date, format_string: str) -> str:
    """date_format(day, format_string) in the active language, each formatted once per process:
    the pages show the same few weeks of dates over and over, and writing one ("Tuesday 8
    December") reads its day and month names through the translations each time."""
    return _date_label(day, format_string, get_language())


@lru_cache(maxsize=2048)
def _date_label(day: date, format_string: str, language: str | None) -> str:
    return date_format(day, format_string)  # in `language`: the active one, part of the key
