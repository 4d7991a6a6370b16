"""Twenty people booking one free time at once through the API over real HTTP (the live
server, one thread and connection each, released together by a barrier): one session, nineteen
409s each offering fresh free times."""

import threading

import pytest
import requests
from django.db import connection
from django.utils import timezone

from pairings.models import Pairing
from sessions_app.models import Appointment
from sessions_app.selectors.slots import free_slots
from tests.agreements import agreement_reach
from tests.api.participants import bearer_text
from tests.factories import CohortFactory, PairingFactory, ProfileFactory
from tests.sessions_app.test_booking import open_hours

pytestmark = pytest.mark.django_db(transaction=True)
PEOPLE = 20


def test_twenty_bookings_of_one_free_time_over_http_make_one_session_and_nineteen_409s(
    live_server,
):
    bob = ProfileFactory(mentor=True, user__timezone="America/New_York").user
    open_hours(bob, weekly_limit=40)
    cohort = CohortFactory()
    pairings: list[Pairing] = []
    for n in range(PEOPLE):
        mentee = ProfileFactory(mentee=True, user__email=f"mentee{n}@example.org").user
        pairing = PairingFactory(cohort=cohort, mentor=bob, mentee=mentee)
        agreement_reach(pairing, channels=["video"])
        pairings.append(pairing)
    slot = free_slots(mentor=bob, mentee=None, length=30, now=timezone.now())[0]
    starts_at = slot.starts_at.isoformat()
    tokens = [bearer_text(pairing.mentee) for pairing in pairings]
    connection.close()  # the threads and the server use their own connections

    barrier = threading.Barrier(PEOPLE)
    answers: list[requests.Response | Exception | None] = [None] * PEOPLE

    def book(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            answers[index] = requests.post(
                f"{live_server.url}/api/v1/sessions/",
                json={
                    "pairing": pairings[index].pk,
                    "starts_at": starts_at,
                    "length": 30,
                    "mode": "video",
                },
                headers={"Authorization": f"Bearer {tokens[index]}"},
                timeout=60,
            )
        except Exception as exc:  # the test reads what each thread met
            answers[index] = exc

    threads = [threading.Thread(target=book, args=(i,)) for i in range(PEOPLE)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)

    codes = sorted(getattr(answer, "status_code", answer) for answer in answers)
    assert codes == [201] + [409] * (PEOPLE - 1), answers
    refusals = [answer.json() for answer in answers if answer.status_code == 409]
    for refusal in refusals:
        assert refusal["code"] == "slot_unavailable"
        assert refusal["free_times"]
        assert starts_at.replace("+00:00", "Z") not in [
            row["starts_at"] for row in refusal["free_times"]
        ]
    assert Appointment.objects.filter(starts_at=slot.starts_at).count() == 1
    assert Appointment.objects.count() == 1
