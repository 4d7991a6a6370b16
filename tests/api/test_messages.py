"""A pairing's messages through the API: the thread by cursor, and sending with the contact
hours obeyed as on the site. Bob's hours are weekdays 09:00-17:00 in New York."""

from datetime import UTC, datetime

import pytest
import time_machine

from exchange.models import Message
from exchange.services.messages import message_send
from tests.api.participants import bearer, people_make

pytestmark = pytest.mark.django_db
SATURDAY_NOON = datetime(2026, 3, 7, 12, 0, tzinfo=UTC)
TUESDAY_10_NY = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


@pytest.fixture
def people():
    return people_make()


def url(pairing) -> str:
    return f"/api/v1/pairings/{pairing.pk}/messages/"


def test_sending_inside_the_partners_hours_emails_them_now(people):
    with time_machine.travel(TUESDAY_10_NY, tick=False):
        response = bearer(people.alice).post(url(people.pairing), {"body": "Hello Bob"})

    assert response.status_code == 201
    body = response.json()
    assert body["mine"] is True
    assert body["body"] == "Hello Bob"
    assert body["partner_email"]["emailed"] == "now"
    assert body["partner_email"]["held"] is False


def test_sending_outside_the_partners_hours_is_held_until_they_open_even_if_urgent(people):
    with time_machine.travel(SATURDAY_NOON, tick=False):
        response = bearer(people.alice).post(
            url(people.pairing), {"body": "Quick question", "urgent": True}
        )

    email = response.json()["partner_email"]
    assert email["emailed"] == "later"
    assert email["held"] is True
    # Monday 09:00 in New York, after the clocks went forward: 13:00 UTC, 13:00 in London.
    assert email["held_until"] == "2026-03-09T13:00:00Z"
    assert email["held_until_local"] == "2026-03-09T13:00:00+00:00"
    assert email["timezone"] == "Europe/London"


def test_the_thread_newest_first_by_cursor(people):
    sent = [
        message_send(pairing=people.pairing, sender=sender, body=f"Message {n}")
        for n, sender in enumerate([people.alice, people.bob, people.alice])
    ]
    bob = bearer(people.bob)

    page = bob.get(url(people.pairing), {"page_size": 2}).json()
    rest = bob.get(page["next"]).json()

    rows = page["results"] + rest["results"]
    assert [row["id"] for row in rows] == [m.pk for m in reversed(sent)]
    assert [row["mine"] for row in rows] == [False, True, False]
    assert rows[0]["sender"] == {"id": people.alice.pk, "name": "Alice Mentee"}


def test_an_empty_message_is_refused_by_field(people):
    response = bearer(people.alice).post(url(people.pairing), {"body": "   "})

    assert response.status_code == 400
    assert "body" in response.json()["errors"]


def test_a_read_only_token_reads_but_cannot_send(people):
    reader = bearer(people.alice, scope="read")

    assert reader.get(url(people.pairing)).status_code == 200
    response = reader.post(url(people.pairing), {"body": "Hello"})
    assert response.status_code == 403
    assert "read-only" in response.json()["detail"]
    assert not Message.objects.exists()


def test_another_pairings_thread_answers_404(people):
    charlie = bearer(people.charlie)

    assert charlie.get(url(people.pairing)).status_code == 404
    assert charlie.post(url(people.pairing), {"body": "Hi"}).status_code == 404
    assert not Message.objects.exists()


@pytest.mark.parametrize("rows", [3, 30])
def test_the_thread_costs_the_same_queries_for_3_or_30_messages(
    people, rows, django_assert_num_queries
):
    Message.objects.bulk_create(
        Message(pairing=people.pairing, sender=people.alice, body=f"Message {n}")
        for n in range(rows)
    )
    alice = bearer(people.alice)
    alice.get(url(people.pairing))  # the token's last use is written once a minute at most

    # The token, the pairing, then the page.
    with django_assert_num_queries(3):
        response = alice.get(url(people.pairing))
    assert len(response.json()["results"]) == rows


def test_changing_and_deleting_ones_own_message_within_the_window(people):
    with time_machine.travel(TUESDAY_10_NY, tick=False):
        message = message_send(pairing=people.pairing, sender=people.alice, body="Helo Bob")
        alice = bearer(people.alice)

        changed = alice.patch(f"/api/v1/messages/{message.pk}/", {"body": "Hello Bob"})
        assert changed.status_code == 200
        assert changed.json()["body"] == "Hello Bob"
        assert changed.json()["edited_at"] == "2026-03-03T15:00:00Z"
        thread = bearer(people.bob).get(url(people.pairing)).json()["results"]
        assert [m["body"] for m in thread] == ["Hello Bob"]

        # Bob cannot change or delete Alice's message.
        bob = bearer(people.bob)
        refused = bob.patch(f"/api/v1/messages/{message.pk}/", {"body": "Changed"})
        assert refused.status_code == 400
        assert refused.json()["code"] == "message_refused"
        assert bob.delete(f"/api/v1/messages/{message.pk}/").status_code == 400

        assert alice.delete(f"/api/v1/messages/{message.pk}/").status_code == 204
    message.refresh_from_db()
    assert message.body == ""
    assert message.deleted_at is not None


def test_a_message_can_no_longer_be_changed_once_the_window_has_passed(people):
    with time_machine.travel(TUESDAY_10_NY, tick=False):
        message = message_send(pairing=people.pairing, sender=people.alice, body="Hello")
    with time_machine.travel(datetime(2026, 3, 3, 15, 6, tzinfo=UTC), tick=False):
        late = bearer(people.alice).patch(f"/api/v1/messages/{message.pk}/", {"body": "Hi"})
    assert late.status_code == 400
    assert "that time has passed" in late.json()["detail"]
    assert Message.objects.get(pk=message.pk).body == "Hello"


def test_another_pairings_message_answers_404_and_stays_as_it_was(people):
    message = message_send(pairing=people.pairing, sender=people.alice, body="Private")
    charlie = bearer(people.charlie)
    assert charlie.patch(f"/api/v1/messages/{message.pk}/", {"body": "x"}).status_code == 404
    assert charlie.delete(f"/api/v1/messages/{message.pk}/").status_code == 404
    assert Message.objects.get(pk=message.pk).body == "Private"
