"""A cohort's audit trail rows, written in Python (oversight.templatetags.trail_rows), must be
what the page's template loop wrote (trail_rows_before.html beside this file), byte for byte:
with and without an actor, an event, an address and changes (lists, an m2m dict, numbers), in
every language and time zone."""

from datetime import UTC, datetime
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.template import engines
from django.utils import timezone, translation

from oversight.templatetags.trail_rows import trail_rows_html
from programmes.models import Cohort
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

BEFORE = (Path(__file__).parent / "trail_rows_before.html").read_text()


@pytest.mark.parametrize(
    ("language", "zone"), [("en", "UTC"), ("es", "America/New_York"), ("de", "Australia/Sydney")]
)
def test_the_trail_rows_are_what_the_template_wrote(language, zone):
    kind = ContentType.objects.get_for_model(Cohort)
    actor = UserFactory(display_name="Dana <i>&")
    rows = [
        ({"name": ["Spring", "Spring & <Summer>"]}, actor, {"cohort_id": 1}, "203.0.113.9"),
        (
            {"x": ["None", "1"], "people": {"type": "m2m", "objects": ["a"]}, "n": [1, 2.5]},
            None,
            {"cohort_id": 1, "event": "pairings <exported>"},
            None,
        ),
        ({}, actor, {"cohort_id": 1, "event": ""}, "2001:db8::1"),
        ({"s": "ab"}, None, None, None),
    ]
    for n, (changes, who, data, addr) in enumerate(rows):
        LogEntry.objects.create(
            content_type=kind,
            object_pk=str(n),
            object_repr=f"Row <{n}> “quoted”",
            action=n % 4,
            changes=changes,
            actor=who,
            additional_data=data,
            remote_addr=addr,
            timestamp=datetime(2026, 3, 28 + n, 23, 30, tzinfo=UTC),
        )
    entries = list(LogEntry.objects.select_related("actor", "content_type").order_by("pk"))
    with translation.override(language), timezone.override(zone):
        wanted = engines["django"].from_string(BEFORE).render({"entries": entries})
        written = trail_rows_html(entries)
    assert written + "\n" == wanted
    assert "Spring &amp; &lt;Summer&gt;" in written
    assert "pairings &lt;exported&gt;" in written
    assert "203.0.113.9" in written
