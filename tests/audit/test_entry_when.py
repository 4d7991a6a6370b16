"""The trails' "when" (audit.selectors.entry_when) must be what {{ moment|date:"D j M Y, H:i" }}
wrote, byte for byte: every weekday and month, either side of a change of clocks, in every
language and zone."""

from datetime import UTC, datetime, timedelta

import pytest
from django.template import engines
from django.utils import timezone, translation

from audit.selectors import entry_when

FILTER = engines["django"].from_string('{{ moment|date:"D j M Y, H:i" }}')
MOMENTS = [
    datetime(2026, 1, 1, 0, 5, tzinfo=UTC) + timedelta(days=9 * n, hours=n) for n in range(45)
]
MOMENTS += [datetime(2026, 3, 29, 0, 30, tzinfo=UTC), datetime(2026, 3, 29, 1, 30, tzinfo=UTC)]


@pytest.mark.parametrize("language", ["en", "es", "de"])
@pytest.mark.parametrize("zone", ["UTC", "Europe/London", "Australia/Sydney"])
def test_entry_when_writes_what_the_date_filter_wrote(language, zone):
    with translation.override(language), timezone.override(zone):
        for moment in MOMENTS:
            assert entry_when(moment) == FILTER.render({"moment": moment})
