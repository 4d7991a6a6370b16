"""A regular series through the API, as on the series page: every date with whether it is
free, then the confirmed dates booked all or none; a date taken meanwhile answers 409 with the
series as it is now; cancelling one with `following` cancels the rest of it."""

from datetime import timedelta

import pytest

from sessions_app.models import Appointment, Series
from tests.api.participants import bearer, people_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


def plan_of(client, pairing, first, **query):
    return client.get(
        f"/api/v1/pairings/{pairing.pk}/series-plan/",
        {"starts_at": first.isoformat(), "length": 45, "every_weeks": 1, "count": 4, **query},
    )


def book_series(client, pairing, first, confirmed, **headers):
    return client.post(
        "/api/v1/series/",
        {
            "pairing": pairing.pk,
            "starts_at": first.isoformat(),
            "length": 45,
            "every_weeks": 1,
            "count": 4,
            "mode": "video",
            "confirmed": confirmed,
        },
        format="json",
        **headers,
    )


def test_the_plan_then_booking_every_free_date(people):
    first = people.free_time(0).starts_at
    alice = bearer(people.alice)

    plan = plan_of(alice, people.pairing, first)
    assert plan.status_code == 200
    body = plan.json()
    assert body["free_count"] == 4
    assert body["timezone"] == people.alice.timezone
    starts = [d["starts_at"] for d in body["dates"]]
    assert len(starts) == 4
    assert all(d["free"] and not d["week_full"] for d in body["dates"])

    booked = book_series(alice, people.pairing, first, starts)
    assert booked.status_code == 201
    sessions = booked.json()["sessions"]
    assert [s["starts_at"] for s in sessions] == starts
    assert {s["partner"]["name"] for s in sessions} == {"Bob Mentor"}
    # Each a week apart on Bob's New York clock, whatever the UTC offset does meanwhile.
    local = [
        Appointment.objects.get(pk=s["id"]).starts_at.astimezone(people.bob.zoneinfo)
        for s in sessions
    ]
    assert {(t.hour, t.minute, t.weekday()) for t in local} == {
        (local[0].hour, local[0].minute, local[0].weekday())
    }
    assert Series.objects.get().appointments.count() == 4


def test_a_date_taken_meanwhile_answers_409_and_books_nothing(people):
    first = people.free_time(0).starts_at
    alice = bearer(people.alice)
    starts = [d["starts_at"] for d in plan_of(alice, people.pairing, first).json()["dates"]]
    taken = people.book(starts_at=first + timedelta(weeks=1))

    refused = book_series(alice, people.pairing, first, starts)
    assert refused.status_code == 409
    body = refused.json()
    assert body["code"] == "series_changed"
    assert "booked a moment ago" in body["detail"]
    assert [d["free"] for d in body["dates"]] == [True, False, True, True]
    assert list(Appointment.objects.values_list("pk", flat=True)) == [taken.pk]


def test_a_retried_post_with_the_same_idempotency_key_books_one_series(
    people, django_capture_on_commit_callbacks
):
    first = people.free_time(0).starts_at
    alice = bearer(people.alice)
    starts = [d["starts_at"] for d in plan_of(alice, people.pairing, first).json()["dates"]]

    with django_capture_on_commit_callbacks(execute=True):  # the key remembers it on commit
        one = book_series(alice, people.pairing, first, starts, HTTP_IDEMPOTENCY_KEY="abc-1")
    two = book_series(alice, people.pairing, first, starts, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert one.status_code == two.status_code == 201
    assert one.json()["id"] == two.json()["id"]
    assert Appointment.objects.count() == 4


def test_cancelling_with_following_cancels_the_rest_of_the_series(people):
    first = people.free_time(0).starts_at
    alice = bearer(people.alice)
    starts = [d["starts_at"] for d in plan_of(alice, people.pairing, first).json()["dates"]]
    sessions = book_series(alice, people.pairing, first, starts).json()["sessions"]

    cancelled = bearer(people.bob).post(
        f"/api/v1/sessions/{sessions[1]['id']}/cancel/",
        {"reason": "I move to another team", "following": True},
    )
    assert cancelled.status_code == 200
    states = Appointment.objects.order_by("starts_at").values_list("status", flat=True)
    assert list(states) == ["booked", "cancelled", "cancelled", "cancelled"]


def test_bad_series_are_refused_in_words(people):
    first = people.free_time(0).starts_at
    alice = bearer(people.alice)

    assert plan_of(alice, people.pairing, first, every_weeks=3).status_code == 400
    assert plan_of(alice, people.pairing, first, count=40).json()["code"] == "invalid"
    wrong_length = plan_of(alice, people.pairing, first, length=17)
    assert wrong_length.status_code == 400
    assert "lengths your mentor offers" in wrong_length.json()["errors"]["length"][0]
    nothing = book_series(alice, people.pairing, first, [])
    assert nothing.status_code == 400
    assert "confirmed" in nothing.json()["errors"]


def test_another_pairings_series_answers_404(people):
    first = people.free_time(0).starts_at
    charlie = bearer(people.charlie)
    assert plan_of(charlie, people.pairing, first).status_code == 404
    booked = book_series(charlie, people.pairing, first, [first.isoformat()])
    assert booked.status_code == 404
    assert not Appointment.objects.exists()
