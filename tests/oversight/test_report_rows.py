"""The printable report's rows (oversight.templatetags.report_rows) write what its loop wrote
with _health.html and _sessions_held.html, byte for byte, in every language: unassessed,
assessed, snoozed and no-longer-snoozed active pairings, closed and proposed ones, with and
without contact and ratings."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.template import engines
from django.utils import timezone, translation

from feedback.models import Feedback
from oversight.models.health import HealthStatus, PairingHealth
from oversight.selectors.cohort_dashboard import (
    SORTS,
    pairing_rows_for_cohort,
)
from oversight.selectors.report import pairing_report_rows_for_cohort
from oversight.templatetags.report_rows import report_rows_html
from pairings.models import Pairing
from tests.factories import AppointmentFactory, PairingFactory

pytestmark = pytest.mark.django_db

# The loop over the pairings in templates/oversight/cohorts/report.html as it was.
ROWS = (Path(__file__).parent / "report_rows_before.html").read_text()
NOW = datetime(2027, 3, 15, 12, tzinfo=UTC)


def _assess(pairing: Pairing, status: str, *reasons: str, **kw) -> None:
    PairingHealth.objects.create(
        pairing=pairing,
        status=status,
        reasons=[{"code": f"r{n}", "text": text} for n, text in enumerate(reasons)],
        computed_at=NOW - timedelta(hours=10),
        sessions_expected=6,
        **kw,
    )


@pytest.fixture
def pairings(cohort, pairing, programme_admin):
    """Alice and Bob at risk and snoozed by Dana, with a held and rated session; others
    assessed, snoozed until yesterday, unassessed, closed and proposed."""
    _assess(
        pairing,
        HealthStatus.AT_RISK,
        "No contact for 35 days",
        snoozed_until=date(2027, 3, 29),
        snooze_note='On leave <until> "April"',
        snoozed_by=programme_admin,
    )
    held = AppointmentFactory(
        pairing=pairing, starts_at=NOW - timedelta(days=3, hours=1), ends_at=NOW - timedelta(days=3)
    )
    Feedback.objects.create(
        kind="session",
        pairing=pairing,
        person_id=pairing.mentee_id,
        appointment=held,
        rating=4,
        answered_at=NOW - timedelta(days=2),
    )
    attention = PairingFactory(cohort=cohort)
    _assess(attention, HealthStatus.NEEDS_ATTENTION, "Sessions <b>fewer</b> than planned", "x")
    expired = PairingFactory(cohort=cohort)
    _assess(expired, HealthStatus.ON_TRACK, snoozed_until=date(2027, 3, 1))
    PairingFactory(cohort=cohort)  # not assessed yet
    PairingFactory(cohort=cohort, status=Pairing.Status.CLOSED)
    PairingFactory(cohort=cohort, status=Pairing.Status.PROPOSED)


@pytest.mark.parametrize("language", ["en", "es", "de"])
def test_the_rows_write_what_the_loop_wrote(cohort, pairings, language, django_assert_num_queries):
    zone = ZoneInfo("Asia/Tokyo")
    with (
        time_machine.travel(NOW, tick=False),
        translation.override(language),
        timezone.override(zone),
    ):
        today = timezone.localdate(NOW, zone)
        rows = list(
            pairing_rows_for_cohort(cohort=cohort, now=NOW, today=today).order_by(*SORTS["mentor"])
        )
        wanted = engines["django"].from_string(ROWS).render({"pairings": rows, "today": today})
        # The page's own rows read only what they show: one query, nothing read afterwards.
        with django_assert_num_queries(1):
            written = report_rows_html(
                pairing_report_rows_for_cohort(cohort=cohort, now=NOW), today
            )

        assert report_rows_html(rows, today) + "\n" == wanted
        assert written + "\n" == wanted
    assert wanted.count("<tr>") == 6
    assert "&lt;until&gt; &quot;April&quot;" in wanted
    assert "Sessions &lt;b&gt;fewer&lt;/b&gt; than planned" in wanted
    assert "health-unassessed" in wanted
