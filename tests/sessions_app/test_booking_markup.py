"""The booking page's free times, written in Python: the same characters Django's formatting
and templates write, in every zone and language."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django.utils.formats import date_format

from sessions_app.forms.booking import time_labels


@pytest.mark.parametrize("language", ["en", "es", "de", "ja"])  # ja writes "G:i"
@pytest.mark.parametrize("zone", ["Europe/London", "America/New_York", "Asia/Kathmandu"])
def test_times_of_day_read_as_django_formats_them(language, zone):
    zone = ZoneInfo(zone)
    start = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # over the US change, a day before London's
    moments = [start + timedelta(minutes=15 * n) for n in range(4 * 24 * 30)]
    moments[1:1] = [datetime(2026, 3, 28, 23, 59, 59, tzinfo=UTC)]  # seconds are not shown

    with translation.override(language):
        label = time_labels(zone)
        assert [label(moment) for moment in moments] == [
            date_format(moment.astimezone(zone), "TIME_FORMAT") for moment in moments
        ]
