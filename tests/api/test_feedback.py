"""Feedback through the API: what the person is asked to answer, and answering it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from feedback.models import Feedback
from tests.api.participants import bearer, people_make
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


@pytest.fixture
def asked(people) -> Feedback:
    """Alice is asked about yesterday's session with Bob."""
    session = AppointmentFactory(
        pairing=people.pairing, starts_at=timezone.now() - timedelta(days=1)
    )
    return Feedback.objects.create(
        kind=Feedback.Kind.SESSION, pairing=people.pairing, person=people.alice, appointment=session
    )


def test_the_list_shows_what_waits_for_an_answer_and_only_ones_own(people, asked):
    Feedback.objects.create(kind=Feedback.Kind.CHECK_IN, pairing=people.pairing, person=people.bob)

    rows = bearer(people.alice).get("/api/v1/feedback/").json()["results"]

    assert [row["id"] for row in rows] == [asked.pk]
    assert rows[0]["partner"]["name"] == "Bob Mentor"
    assert rows[0]["session_starts_at"].endswith("Z")
    assert rows[0]["open"] is True


def test_answering_then_it_leaves_the_waiting_list(people, asked):
    alice = bearer(people.alice)

    answered = alice.post(
        f"/api/v1/feedback/{asked.pk}/answer/",
        {"took_place": True, "rating": 4, "went_well": "Clear plan", "share_with_partner": True},
    )

    assert answered.status_code == 200, answered.json()
    assert answered.json()["rating"] == 4
    assert answered.json()["answered_at"]
    assert alice.get("/api/v1/feedback/").json()["results"] == []
    history = alice.get("/api/v1/feedback/", {"answered": 1}).json()["results"]
    assert [row["id"] for row in history] == [asked.pk]


def test_an_answer_missing_is_refused_in_words_and_a_bad_rating_by_field(people, asked):
    alice = bearer(people.alice)

    missing = alice.post(f"/api/v1/feedback/{asked.pk}/answer/", {"took_place": True})
    assert missing.status_code == 400
    assert missing.json()["detail"] == "Choose a rating from 1 to 5."

    bad = alice.post(f"/api/v1/feedback/{asked.pk}/answer/", {"took_place": True, "rating": 9})
    assert bad.status_code == 400
    assert "rating" in bad.json()["errors"]


def test_the_partner_and_another_pairing_get_404(people, asked):
    for client in (bearer(people.bob), bearer(people.charlie)):
        assert client.get(f"/api/v1/feedback/{asked.pk}/").status_code == 404
        response = client.post(
            f"/api/v1/feedback/{asked.pk}/answer/", {"took_place": True, "rating": 1}
        )
        assert response.status_code == 404
    asked.refresh_from_db()
    assert asked.answered_at is None
