"""Sessions through the API: list, one, book, move, cancel, with the booking pages' rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import Appointment
from tests.api.participants import bearer, people_make

pytestmark = pytest.mark.django_db
SESSIONS = "/api/v1/sessions/"


def z(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.fixture
def people():
    return people_make()


def test_booking_a_free_time_answers_201_with_the_session(people):
    slot = people.free_time(2)

    response = bearer(people.alice).post(
        SESSIONS,
        {
            "pairing": people.pairing.pk,
            "starts_at": z(slot.starts_at),
            "length": 45,
            "mode": "video",
        },
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["starts_at"] == z(slot.starts_at)
    assert body["length"] == 45
    assert body["state"] == "booked"
    assert body["partner"]["name"] == "Bob Mentor"
    assert Appointment.objects.get(pk=body["id"]).booked_by == people.alice


def test_a_time_that_is_not_free_answers_409_with_fresh_free_times(people):
    taken = people.book()

    response = bearer(people.alice).post(
        SESSIONS,
        {
            "pairing": people.pairing.pk,
            "starts_at": z(taken.starts_at),
            "length": 45,
            "mode": "video",
        },
    )

    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "slot_unavailable"
    assert "no longer free" in body["detail"]
    assert body["free_times"]
    assert z(taken.starts_at) not in [row["starts_at"] for row in body["free_times"]]


def test_a_retried_post_with_the_same_idempotency_key_books_once(
    people, django_capture_on_commit_callbacks
):
    slot = people.free_time(1)
    alice = bearer(people.alice)
    booking = {
        "pairing": people.pairing.pk,
        "starts_at": z(slot.starts_at),
        "length": 45,
        "mode": "video",
    }

    with django_capture_on_commit_callbacks(execute=True):  # the key remembers it on commit
        first = alice.post(SESSIONS, booking, HTTP_IDEMPOTENCY_KEY="k-123")
    again = alice.post(SESSIONS, booking, HTTP_IDEMPOTENCY_KEY="k-123")

    assert first.status_code == again.status_code == 201
    assert first.json()["id"] == again.json()["id"]
    assert Appointment.objects.count() == 1


def test_other_refusals_are_400_in_words(people):
    slot = people.free_time()

    response = bearer(people.alice).post(
        SESSIONS,
        {
            "pairing": people.pairing.pk,
            "starts_at": z(slot.starts_at),
            "length": 45,
            "mode": "in_person",
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "booking_refused"
    assert "contact agreement" in response.json()["detail"]


def test_validation_errors_name_the_field(people):
    response = bearer(people.alice).post(
        SESSIONS, {"pairing": people.pairing.pk, "starts_at": "next tuesday", "mode": "fax"}
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"starts_at", "length", "mode"}


def test_booking_in_another_pairing_answers_404(people):
    slot = people.free_time()

    response = bearer(people.alice).post(
        SESSIONS,
        {
            "pairing": people.theirs.pk,
            "starts_at": z(slot.starts_at),
            "length": 45,
            "mode": "video",
        },
    )

    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_a_read_only_token_cannot_book(people):
    slot = people.free_time()

    response = bearer(people.alice, scope="read").post(
        SESSIONS,
        {
            "pairing": people.pairing.pk,
            "starts_at": z(slot.starts_at),
            "length": 45,
            "mode": "video",
        },
    )

    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]


def test_the_list_is_ones_own_sessions_filtered_by_status_and_time(people):
    first, second = people.book(0), people.book(3)
    people.book(5).delete()
    other = people.theirs
    # Charlie's session never shows to Alice.
    from tests.factories import AppointmentFactory

    AppointmentFactory(pairing=other, starts_at=timezone.now() + timedelta(days=3))
    alice = bearer(people.alice)

    rows = alice.get(SESSIONS).json()["results"]
    assert [row["id"] for row in rows] == [first.pk, second.pk]
    assert rows[0]["starts_at_local"]
    assert rows[0]["timezone"] == "Europe/London"

    later = alice.get(SESSIONS, {"from": z(second.starts_at)}).json()["results"]
    assert [row["id"] for row in later] == [second.pk]
    earlier = alice.get(SESSIONS, {"to": z(second.starts_at)}).json()["results"]
    assert [row["id"] for row in earlier] == [first.pk]
    by_pairing = alice.get(SESSIONS, {"pairing": people.pairing.pk, "status": "cancelled"})
    assert by_pairing.json()["results"] == []


def test_the_list_pages_with_a_cursor(people):
    booked = [people.book(n * 3).pk for n in range(3)]
    alice = bearer(people.alice)

    page = alice.get(SESSIONS, {"page_size": 2}).json()
    rest = alice.get(page["next"]).json()

    assert [row["id"] for row in page["results"] + rest["results"]] == booked
    assert rest["next"] is None


def test_one_session_shows_the_partners_phone_only_for_a_phone_session(people):
    video = people.book(0)
    phone = people.book(3, mode="phone")
    alice = bearer(people.alice)

    assert alice.get(f"{SESSIONS}{video.pk}/").json()["partner_phone"] is None
    assert alice.get(f"{SESSIONS}{phone.pk}/").json()["partner_phone"] == "+1 212-555-0123"


def test_moving_a_session_by_post_or_patch(people):
    session = people.book(0)
    alice = bearer(people.alice)
    later = people.free_time(6)

    moved = alice.post(f"{SESSIONS}{session.pk}/move/", {"starts_at": z(later.starts_at)})
    assert moved.status_code == 200, moved.json()
    assert moved.json()["starts_at"] == z(later.starts_at)
    assert moved.json()["length"] == 45

    again = people.free_time(9, length=30)
    patched = alice.patch(
        f"{SESSIONS}{session.pk}/", {"starts_at": z(again.starts_at), "length": 30}
    )
    assert patched.status_code == 200
    assert patched.json()["length"] == 30
    session.refresh_from_db()
    assert session.starts_at == again.starts_at
    assert session.sequence == 2


def test_moving_onto_a_taken_time_answers_409(people):
    session, other = people.book(0), people.book(4)

    response = bearer(people.alice).post(
        f"{SESSIONS}{session.pk}/move/", {"starts_at": z(other.starts_at)}
    )

    assert response.status_code == 409
    assert response.json()["code"] == "slot_unavailable"
    assert z(session.starts_at) in [row["starts_at"] for row in response.json()["free_times"]]


def test_cancelling_needs_a_reason_and_then_frees_the_time(people):
    session = people.book(0)
    bob = bearer(people.bob)

    no_reason = bob.post(f"{SESSIONS}{session.pk}/cancel/", {"reason": " "})
    assert no_reason.status_code == 400
    assert "Say why you cancel" in no_reason.json()["errors"]["reason"][0]

    done = bob.post(f"{SESSIONS}{session.pk}/cancel/", {"reason": "I am ill"})
    assert done.status_code == 200
    assert done.json()["state"] == "cancelled"
    assert done.json()["cancel_reason"] == "I am ill"

    moved = bob.post(
        f"{SESSIONS}{session.pk}/move/", {"starts_at": z(people.free_time(2).starts_at)}
    )
    assert moved.status_code == 400
    assert moved.json()["detail"] == "This session is cancelled."


def test_another_pairings_session_answers_404_on_every_route(people):
    session = people.book(0)
    charlie = bearer(people.charlie)

    assert charlie.get(f"{SESSIONS}{session.pk}/").status_code == 404
    assert (
        charlie.patch(f"{SESSIONS}{session.pk}/", {"starts_at": z(session.starts_at)}).status_code
        == 404
    )
    assert (
        charlie.post(
            f"{SESSIONS}{session.pk}/move/", {"starts_at": z(session.starts_at)}
        ).status_code
        == 404
    )
    assert charlie.post(f"{SESSIONS}{session.pk}/cancel/", {"reason": "x"}).status_code == 404
    session.refresh_from_db()
    assert session.status == "booked"


@pytest.mark.parametrize("rows", [3, 30])
def test_the_list_costs_the_same_queries_for_3_or_30_sessions(
    people, rows, django_assert_num_queries
):
    from tests.factories import AppointmentFactory

    start = timezone.now() + timedelta(days=2)
    for n in range(rows):
        AppointmentFactory(pairing=people.pairing, starts_at=start + timedelta(hours=2 * n))
    alice = bearer(people.alice)
    alice.get(SESSIONS)  # the token's last use is written once a minute at most

    # The token, then the page.
    with django_assert_num_queries(2):
        response = alice.get(SESSIONS)
    assert len(response.json()["results"]) == rows


def test_a_time_with_an_unusual_offset_filters_in_utc(people):
    response = bearer(people.alice).get(SESSIONS, {"from": "1244-02-08T12:23:14+23:38"})

    assert response.status_code == 200


def test_an_address_that_names_no_endpoint_answers_404_in_json(people):
    for method in ("get", "post", "delete"):
        response = getattr(bearer(people.alice), method)("/api/v1/sessions/-3/")

        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
