"""Pauses planned at the same moment against the real PostgreSQL, each in its own thread,
connection and transaction: of overlapping ones, exactly one is planned."""

from datetime import UTC, date, datetime, timedelta
from functools import partial

import pytest
import time_machine

from pairings.models import PairingPause
from pairings.services.pauses import PauseRefused, pause_declare
from tests.sessions_app.test_booking_concurrency import run_at_once

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
ROUNDS = 3
PEOPLE = 8  # calls at once, alternating the two partners


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def test_of_overlapping_pauses_planned_at_once_by_both_partners_one_is_planned(
    pairing, mentee, mentor
):
    for n in range(ROUNDS):
        first = date(2026, 4, 1) + timedelta(days=30 * n)
        results = run_at_once(
            [
                partial(
                    pause_declare,
                    pairing=pairing,
                    by=(mentee, mentor)[i % 2],
                    # Different dates that all share the round's first day.
                    starts_on=first - timedelta(days=i),
                    ends_on=first + timedelta(days=i),
                    note="",
                )
                for i in range(PEOPLE)
            ]
        )

        planned = [r for r in results if isinstance(r, PairingPause)]
        refused = [r for r in results if isinstance(r, PauseRefused)]
        assert len(planned) == 1, results
        assert len(refused) == PEOPLE - 1, results
        assert all("overlaps" in str(exc.message) for exc in refused)
    assert PairingPause.objects.count() == ROUNDS
