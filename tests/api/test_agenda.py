"""A session's agenda and notes through the API, with the agenda page's rules."""

from datetime import timedelta

import pytest
from django.utils import timezone

from sessions_app.models import ActionItem, AgendaItem, SessionNote
from sessions_app.services.agenda import session_note_save
from tests.api.participants import bearer, people_make
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return people_make()


def test_adding_ticking_and_removing_agenda_items(people):
    session = people.book()
    url = f"/api/v1/sessions/{session.pk}/agenda/"
    alice, bob = bearer(people.alice), bearer(people.bob)

    added = alice.post(url, {"kind": "question", "text": "How do I ask for a raise?"})
    assert added.status_code == 201
    item = added.json()
    assert item["mine"] is True
    assert item["author"]["name"] == "Alice Mentee"

    ticked = bob.patch(f"{url}{item['id']}/", {"done": True})
    assert ticked.status_code == 200
    assert ticked.json()["done"] is True

    listed = bob.get(url).json()["results"]
    assert [(row["text"], row["mine"]) for row in listed] == [("How do I ask for a raise?", False)]

    not_his = bob.delete(f"{url}{item['id']}/")
    assert not_his.status_code == 400
    assert "Only the person who added" in not_his.json()["detail"]
    assert alice.delete(f"{url}{item['id']}/").status_code == 204
    assert not AgendaItem.objects.exists()


def test_an_agenda_item_needs_text_and_a_kind_one_may_add(people):
    session = people.book()

    response = bearer(people.alice).post(
        f"/api/v1/sessions/{session.pk}/agenda/", {"kind": "action", "text": ""}
    )

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"kind", "text"}


def test_notes_open_when_the_session_starts_and_the_partner_reads_only_shared_ones(people):
    started = AppointmentFactory(
        pairing=people.pairing, starts_at=timezone.now() - timedelta(minutes=10)
    )
    url = f"/api/v1/sessions/{started.pk}/notes/"
    alice, bob = bearer(people.alice), bearer(people.bob)

    written = alice.put(url, {"text": "Practise the pitch", "shared": False})
    assert written.status_code == 200
    assert written.json()["mine"]["text"] == "Practise the pitch"
    assert bob.get(url).json()["partners"] is None

    alice.put(url, {"text": "Practise the pitch", "shared": True})
    assert bob.get(url).json()["partners"]["text"] == "Practise the pitch"
    assert bob.get(url).json()["mine"] is None

    alice.put(url, {"text": ""})
    assert not SessionNote.objects.exists()


def test_notes_of_a_session_to_come_are_not_open_yet(people):
    session = people.book()
    url = f"/api/v1/sessions/{session.pk}/notes/"

    assert bearer(people.alice).get(url).json()["open"] is False
    response = bearer(people.alice).put(url, {"text": "Too early"})
    assert response.status_code == 400
    assert "when the session starts" in response.json()["detail"]


def test_another_pairings_session_agenda_and_notes_answer_404(people):
    session = people.book()
    item = AgendaItem.objects.create(appointment=session, author=people.alice, text="Mine")
    started = AppointmentFactory(
        pairing=people.pairing, starts_at=timezone.now() - timedelta(minutes=10)
    )
    session_note_save(appointment=started, author=people.alice, text="Private", shared=True)
    charlie = bearer(people.charlie)

    assert charlie.get(f"/api/v1/sessions/{session.pk}/agenda/").status_code == 404
    assert charlie.post(f"/api/v1/sessions/{session.pk}/agenda/", {"text": "x"}).status_code == 404
    item_url = f"/api/v1/sessions/{session.pk}/agenda/{item.pk}/"
    assert charlie.patch(item_url, {"done": True}).status_code == 404
    assert charlie.delete(item_url).status_code == 404
    assert charlie.get(f"/api/v1/sessions/{started.pk}/notes/").status_code == 404
    assert charlie.put(f"/api/v1/sessions/{started.pk}/notes/", {"text": "x"}).status_code == 404
    item.refresh_from_db()
    assert item.done is False
    assert SessionNote.objects.get().text == "Private"


def test_an_item_of_another_session_answers_404(people):
    first, second = people.book(0), people.book(3)
    item = AgendaItem.objects.create(appointment=first, author=people.alice, text="Mine")

    response = bearer(people.alice).patch(
        f"/api/v1/sessions/{second.pk}/agenda/{item.pk}/", {"done": True}
    )

    assert response.status_code == 404


def test_action_items_are_added_ticked_and_removed_as_on_the_notes_page(people):
    """An action item added once the session started joins the next session's agenda; either
    person ticks it; only its author deletes it; the notes show them all."""
    started = AppointmentFactory(
        pairing=people.pairing, starts_at=timezone.now() - timedelta(minutes=10)
    )
    upcoming = people.book()
    alice, bob = bearer(people.alice), bearer(people.bob)
    actions = f"/api/v1/sessions/{started.pk}/actions/"

    added = alice.post(actions, {"text": "Send the CV to Bob"})
    assert added.status_code == 201
    action = added.json()
    assert action["text"] == "Send the CV to Bob"
    assert action["author"]["id"] == people.alice.pk
    assert AgendaItem.objects.filter(appointment=upcoming, text="Send the CV to Bob").exists()

    ticked = bob.patch(f"{actions}{action['id']}/", {"done": True})
    assert ticked.status_code == 200
    assert ticked.json()["done"] is True
    notes = bob.get(f"/api/v1/sessions/{started.pk}/notes/").json()
    assert [(a["text"], a["done"]) for a in notes["actions"]] == [("Send the CV to Bob", True)]

    refused = bob.delete(f"{actions}{action['id']}/")
    assert refused.status_code == 400
    assert "Only the person who wrote" in refused.json()["detail"]
    assert alice.delete(f"{actions}{action['id']}/").status_code == 204
    assert bob.get(f"/api/v1/sessions/{started.pk}/notes/").json()["actions"] == []
    assert not AgendaItem.objects.filter(appointment=upcoming).exists()


def test_action_items_wait_for_the_session_and_stay_in_their_pairing(people):
    session = people.book()
    early = bearer(people.alice).post(f"/api/v1/sessions/{session.pk}/actions/", {"text": "x"})
    assert early.status_code == 400
    assert early.json()["code"] == "notes_refused"

    started = AppointmentFactory(
        pairing=people.pairing, starts_at=timezone.now() - timedelta(minutes=10)
    )
    action = ActionItem.objects.create(appointment=started, author=people.alice, text="Mine")
    charlie = bearer(people.charlie)
    url = f"/api/v1/sessions/{started.pk}/actions/"
    assert charlie.post(url, {"text": "x"}).status_code == 404
    assert charlie.patch(f"{url}{action.pk}/", {"done": True}).status_code == 404
    assert charlie.delete(f"{url}{action.pk}/").status_code == 404
    # An action of one session is not reached through another session's address.
    other = f"/api/v1/sessions/{session.pk}/actions/{action.pk}/"
    assert bearer(people.alice).patch(other, {"done": True}).status_code == 404
    action.refresh_from_db()
    assert action.done is False
