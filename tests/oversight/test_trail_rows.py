"""A cohort's audit trail rows, written in Python (oversight.templatetags.trail_rows), must be
what the page's template loop wrote (trail_rows_before.html beside this file), byte for byte:
with and without an actor, an event, an address and changes (lists, an m2m dict, numbers), in
every language and time zone."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from oversight.templatetags.trail_rows import trail_rows_html
from oversight.views.trail import PAGE_SIZE
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


def _entries(cohort, count):
    """Entries of the cohort, one a minute, up to `count` with those its set-up recorded."""
    count -= LogEntry.objects.filter(additional_data__cohort_id=cohort.pk).count()
    kind = ContentType.objects.get_for_model(Cohort)
    LogEntry.objects.bulk_create(
        LogEntry(
            content_type=kind,
            object_pk=str(cohort.pk),
            object_repr=f"Entry {n}",
            action=LogEntry.Action.UPDATE,
            additional_data={"cohort_id": cohort.pk},
            timestamp=timezone.now() + timedelta(minutes=n),
        )
        for n in range(count)
    )


def test_a_short_trail_shows_on_one_page_without_counting_it(client, cohort, programme_admin):
    _entries(cohort, 3)
    client.force_login(programme_admin)
    url = reverse("oversight:cohort_trail", args=[cohort.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert html.count("<tr>") == 4  # the head and three entries
    assert 'class="pagination"' not in html
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert not [sql for sql in counts if "auditlog_logentry" in sql]


def test_a_long_trail_is_paged_as_before(client, cohort, programme_admin):
    _entries(cohort, PAGE_SIZE + 1)
    client.force_login(programme_admin)
    url = reverse("oversight:cohort_trail", args=[cohort.pk])

    first, second, beyond = (
        client.get(url + query).content.decode() for query in ("", "?page=2", "?page=9")
    )

    assert first.count("<tr>") == PAGE_SIZE + 1
    assert "Page 1 of 2" in first
    assert second.count("<tr>") == 2
    assert "Page 2 of 2" in second
    # Past the end: the last page, as Paginator.get_page answers.
    assert beyond.partition("<main")[2] == second.partition("<main")[2]
