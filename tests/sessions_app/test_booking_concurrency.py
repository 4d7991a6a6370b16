"""Concurrent bookings against the real PostgreSQL: many people at once, released together by a
barrier, each in its own thread, connection and transaction."""

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest
import time_machine
from django.db import IntegrityError, OperationalError, connection, connections, transaction

from pairings.models import Pairing
from sessions_app.models import Appointment
from sessions_app.services.booking import SlotUnavailable, appointment_book
from tests.factories import AppointmentFactory, CohortFactory, PairingFactory, ProfileFactory
from tests.sessions_app.test_booking import TUE_10_NY, agree, open_hours

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
PEOPLE = 20


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


def run_at_once(work: list[Callable[[], object]]) -> list[object]:
    """Run each callable in its own thread, all released at the same moment; return what each
    returned or raised, in order."""
    barrier = threading.Barrier(len(work))
    results: list[object] = [None] * len(work)

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work[index]()
        except Exception as exc:  # the test reads what each thread met
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.fixture
def bobs_mentees(mentor) -> list[Pairing]:
    """Twenty pairings of Bob's, each with video agreed, all wanting the same times."""
    open_hours(mentor, weekly_limit=40)
    cohort = CohortFactory()
    pairings = []
    for n in range(PEOPLE):
        mentee = ProfileFactory(mentee=True, user__email=f"mentee{n}@example.org").user
        pairing = PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee)
        agree(pairing, ["video"])
        pairings.append(pairing)
    return pairings


def test_twenty_people_booking_one_time_at_once_get_one_session_and_nineteen_refusals(
    bobs_mentees,
):
    rounds = [
        (TUE_10_NY, 30),
        (TUE_10_NY + timedelta(days=1), 45),
        (TUE_10_NY + timedelta(days=2, hours=3), 60),
    ]
    for starts_at, length in rounds:
        results = run_at_once(
            [
                partial(
                    appointment_book,
                    pairing=pairing,
                    booked_by=pairing.mentee,
                    starts_at=starts_at,
                    length=length,
                    mode="video",
                )
                for pairing in bobs_mentees
            ]
        )

        booked = [r for r in results if isinstance(r, Appointment)]
        refused = [r for r in results if isinstance(r, SlotUnavailable)]
        assert len(booked) == 1, results
        assert len(refused) == PEOPLE - 1, results
        assert all("no longer free" in str(exc.message) for exc in refused)
        assert Appointment.objects.filter(starts_at=starts_at).count() == 1
    assert Appointment.objects.count() == len(rounds)


def _overlapping(pairing: Pairing, starts_at: datetime, minutes: int) -> Appointment:
    return AppointmentFactory.build(
        pairing=pairing, starts_at=starts_at, length=minutes, buffer_after=10
    )


def test_of_two_overlapping_sessions_of_different_lengths_written_at_once_the_database_refuses_one(
    bobs_mentees,
):
    first, second = bobs_mentees[:2]

    def write(appointment: Appointment) -> Callable[[], Appointment]:
        def save() -> Appointment:
            with transaction.atomic():
                appointment.save()
                time.sleep(0.2)  # both are in flight before either commits
            return appointment

        return save

    results = run_at_once(
        [
            write(_overlapping(first, TUE_10_NY, 60)),
            write(_overlapping(second, TUE_10_NY + timedelta(minutes=30), 30)),
        ]
    )

    # PostgreSQL refuses the second either as an exclusion violation or, when both inserts
    # check against each other at the same moment, by breaking the tie as a deadlock.
    refused = [r for r in results if isinstance(r, IntegrityError | OperationalError)]
    assert len(refused) == 1, results
    assert any(
        text in str(refused[0]) for text in ("appointment_mentor_no_overlap", "deadlock detected")
    )
    assert Appointment.objects.count() == 1


def _wait_until_someone_waits_for_a_lock(seconds: float = 10) -> None:
    """Block until another connection waits on a row lock (our insert holds it)."""
    deadline = time.monotonic() + seconds
    with connections["default"].cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pg_stat_clear_snapshot()")  # else it is read once a transaction
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the booking never waited for the other transaction")


def test_a_booking_the_slot_check_could_not_see_is_refused_by_the_database_with_a_clear_message(
    pairing,
):
    """Alice is booked with Oscar in a transaction not yet committed when she books Bob for an
    overlapping time: the slot check cannot see it, the exclusion constraint can."""
    open_hours(pairing.mentor)
    agree(pairing, ["video"])
    oscar = ProfileFactory(mentor=True, user__email="oscar@example.org").user
    with_oscar = PairingFactory(cohort=CohortFactory(), mentor=oscar, mentee=pairing.mentee)
    both_started = threading.Barrier(2)

    def oscar_books() -> Appointment:
        with transaction.atomic():
            appointment = _overlapping(with_oscar, TUE_10_NY + timedelta(minutes=15), 60)
            appointment.save()
            both_started.wait(timeout=10)
            _wait_until_someone_waits_for_a_lock()
        return appointment

    def bob_books() -> Appointment:
        both_started.wait(timeout=10)
        return appointment_book(
            pairing=pairing,
            booked_by=pairing.mentee,
            starts_at=TUE_10_NY,
            length=45,
            mode="video",
        )

    with_oscars, with_bobs = run_at_once([oscar_books, bob_books])

    assert isinstance(with_oscars, Appointment), with_oscars
    assert isinstance(with_bobs, SlotUnavailable), with_bobs
    assert "booked a moment ago" in str(with_bobs.message)
    assert isinstance(with_bobs.__context__, IntegrityError)  # the database said no, not a check
    assert list(Appointment.objects.values_list("mentor", flat=True)) == [oscar.pk]
