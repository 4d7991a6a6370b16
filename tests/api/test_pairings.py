"""GET /api/v1/pairings/, one pairing, its contact agreement and its free times."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.participants import bearer, people_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


def test_the_list_shows_ones_own_pairings_with_the_partner_by_name_only(people):
    response = bearer(people.alice).get("/api/v1/pairings/")

    assert response.status_code == 200
    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [people.pairing.pk]
    assert rows[0]["partner"] == {"id": people.bob.pk, "name": "Bob Mentor"}
    assert rows[0]["role"] == "mentee"
    assert "bob@example.org" not in response.content.decode()


def test_one_pairing_and_another_pairings_id_answers_404(people):
    alice = bearer(people.alice)

    assert alice.get(f"/api/v1/pairings/{people.pairing.pk}/").json()["cohort"]["name"] == "Spring"
    assert alice.get(f"/api/v1/pairings/{people.theirs.pk}/").status_code == 404


def test_the_agreement_shows_both_terms_that_it_holds_and_the_partners_phone(people):
    response = bearer(people.alice).get(f"/api/v1/pairings/{people.pairing.pk}/agreement/")

    body = response.json()
    assert response.status_code == 200
    assert body["holds"] is True
    assert body["mine"]["channels"] == ["video", "phone", "email"]
    assert body["theirs"]["timezone"] == "America/New_York"
    assert body["partner_phone"] == "+12125550123"
    assert body["partner_phone_display"] == "+1 212-555-0123"
    assert body["timezone"] == "Europe/London"


def test_free_times_are_in_utc_with_the_viewers_clock_and_skip_booked_ones(people):
    taken = people.book()
    url = f"/api/v1/pairings/{people.pairing.pk}/free-times/?length=45"

    body = bearer(people.alice).get(url).json()

    assert body["length"] == 45
    assert body["timezone"] == "Europe/London"
    first = body["free_times"][0]
    assert first["starts_at"].endswith("Z")
    assert first["starts_at_local"][-6:] in ("+00:00", "+01:00")
    starts = [row["starts_at"] for row in body["free_times"]]
    assert taken.starts_at.isoformat().replace("+00:00", "Z") not in starts


def test_free_times_between_from_and_to(people):
    start = timezone.now() + timedelta(days=7)
    end = start + timedelta(days=1)
    url = f"/api/v1/pairings/{people.pairing.pk}/free-times/"

    body = (
        bearer(people.alice)
        .get(url, {"length": 30, "from": start.isoformat(), "to": end.isoformat()})
        .json()
    )

    assert body["free_times"]
    assert all(
        start.isoformat() <= row["starts_at"].replace("Z", "+00:00") < end.isoformat()
        for row in body["free_times"]
    )


def test_a_length_the_mentor_does_not_offer_is_refused_by_field(people):
    response = bearer(people.alice).get(
        f"/api/v1/pairings/{people.pairing.pk}/free-times/?length=50"
    )

    assert response.status_code == 400
    assert "30, 45, 60" in response.json()["errors"]["length"][0]


def test_free_times_of_another_pairing_answer_404(people):
    response = bearer(people.alice).get(f"/api/v1/pairings/{people.theirs.pk}/free-times/")

    assert response.status_code == 404
