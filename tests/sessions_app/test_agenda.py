"""Agendas, notes and action items: only the pairing's two people see or change them, private
notes stay private, and open action items join the next session's agenda exactly once."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pairings.models import Pairing
from sessions_app.models import ActionItem, AgendaItem, Appointment, SessionNote
from sessions_app.services.agenda import (
    AgendaRefused,
    action_item_add,
    action_items_carry_over,
    agenda_item_add,
    agenda_item_remove,
    session_note_save,
)
from tests.factories import (
    AppointmentFactory,
    EnrolmentFactory,
    PairingFactory,
    ProfileFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # a Monday, before the US and UK clock changes


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def upcoming(pairing, frozen):
    """Alice's next session with Bob: Wednesday 4 March 2026, 14:00 UTC (09:00 in New York)."""
    return AppointmentFactory(pairing=pairing, starts_at=datetime(2026, 3, 4, 14, 0, tzinfo=UTC))


@pytest.fixture
def last(pairing, frozen):
    """The session Alice and Bob had yesterday."""
    return AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=1))


@pytest.fixture
def later(pairing, frozen):
    """A session two weeks on."""
    return AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=14))


def agenda_url(appointment: Appointment) -> str:
    return reverse("sessions_app:agenda", args=[appointment.pk])


def notes_url(appointment: Appointment) -> str:
    return reverse("sessions_app:notes", args=[appointment.pk])


def add(client, appointment: Appointment, text: str, kind: str = "question", **extra):
    return client.post(
        agenda_url(appointment),
        {"op": "add", "agenda-kind": kind, "agenda-text": text},
        **extra,
    )


# Agendas


def test_both_people_add_to_the_agenda_and_each_sees_the_others_items(
    client, upcoming, mentee, mentor
):
    client.force_login(mentee)
    add(client, upcoming, "How do I run my first one-to-one?")
    client.force_login(mentor)
    add(client, upcoming, "Read the chapter on feedback", kind="material")

    page = client.get(agenda_url(upcoming)).content.decode()

    assert "How do I run my first one-to-one?" in page
    assert "added by Alice Mentee" in page
    assert "Read the chapter on feedback" in page
    assert "added by you" in page
    assert [(i.author, i.kind) for i in upcoming.agenda.order_by("pk")] == [
        (mentee, "question"),
        (mentor, "material"),
    ]


def test_an_htmx_add_answers_with_the_agenda_section_alone(client, upcoming, mentee):
    client.force_login(mentee)

    response = add(client, upcoming, "Goal: a plan for my first month", kind="goal", **HTMX)

    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="agenda"')
    assert "<html" not in body
    assert "Goal: a plan for my first month" in body
    assert 'name="agenda-text"' in body
    assert 'value="Goal' not in body  # a fresh form


def test_without_htmx_an_add_comes_back_to_the_agenda_page(client, upcoming, mentee):
    client.force_login(mentee)

    response = add(client, upcoming, "Salary talks")

    assert response.status_code == 302
    assert response.url == agenda_url(upcoming)


def test_an_empty_item_is_refused_and_the_kind_chosen_is_kept(client, upcoming, mentee):
    client.force_login(mentee)

    response = add(client, upcoming, "   ", kind="material", **HTMX)

    body = response.content.decode()
    assert "This field is required." in body
    assert '<option value="material" selected>' in body
    assert not upcoming.agenda.exists()


def test_either_person_ticks_an_item_and_only_its_author_removes_it(
    client, upcoming, mentee, mentor
):
    item = agenda_item_add(appointment=upcoming, author=mentee, kind="question", text="Promotion?")
    client.force_login(mentor)

    client.post(agenda_url(upcoming), {"op": "tick", "item": item.pk, "done": "1"}, **HTMX)
    item.refresh_from_db()
    assert item.done

    response = client.post(agenda_url(upcoming), {"op": "remove", "item": item.pk}, **HTMX)
    assert "Only the person who added an item can remove it." in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    client.force_login(mentee)
    page = client.get(agenda_url(upcoming)).content.decode()
    assert "<s>Promotion?</s>" in page
    client.post(agenda_url(upcoming), {"op": "remove", "item": item.pk}, **HTMX)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()


def test_ticking_twice_leaves_the_item_done(client, upcoming, mentee):
    item = agenda_item_add(appointment=upcoming, author=mentee, kind="goal", text="Plan")
    client.force_login(mentee)

    for _ in range(2):
        client.post(agenda_url(upcoming), {"op": "tick", "item": item.pk, "done": "1"}, **HTMX)

    item.refresh_from_db()
    assert item.done


@pytest.mark.parametrize("outsider", ["other_mentee", "programme_admin"])
@pytest.mark.parametrize("url_name", ["sessions_app:agenda", "sessions_app:notes"])
def test_nobody_outside_the_pairing_reaches_its_agenda_or_notes(
    client, request, outsider, url_name, upcoming, last, mentee
):
    agenda_item_add(appointment=upcoming, author=mentee, kind="question", text="Secret plan")
    client.force_login(request.getfixturevalue(outsider))

    for appointment in (upcoming, last):
        url = reverse(url_name, args=[appointment.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"op": "add", "agenda-text": "x"}).status_code == 404
        assert client.post(url, {"op": "note", "note-text": "x"}).status_code == 404
    assert upcoming.agenda.count() == 1
    assert not SessionNote.objects.exists()


def test_an_item_of_another_session_cannot_be_ticked_or_removed_through_ones_own(
    client, upcoming, mentee, other_pairing, other_mentee
):
    alices = agenda_item_add(appointment=upcoming, author=mentee, kind="goal", text="Mine")
    charlies_session = AppointmentFactory(pairing=other_pairing, starts_at=NOW + timedelta(days=3))
    client.force_login(other_mentee)

    ticked = client.post(
        agenda_url(charlies_session), {"op": "tick", "item": alices.pk, "done": "1"}, **HTMX
    )
    client.post(agenda_url(charlies_session), {"op": "remove", "item": alices.pk}, **HTMX)

    assert "That item is no longer there." in ticked.content.decode()
    alices.refresh_from_db()
    assert not alices.done


def test_anonymous_visitors_are_sent_to_sign_in(client, upcoming):
    for url in (agenda_url(upcoming), notes_url(upcoming), reverse("sessions_app:my_agenda")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("account_login"))


def test_an_unknown_operation_is_a_bad_request(client, upcoming, mentee):
    client.force_login(mentee)

    assert client.post(agenda_url(upcoming), {"op": "drop-table"}).status_code == 400


def test_a_closed_pairings_agenda_can_be_read_but_not_changed(client, upcoming, pairing, mentee):
    item = agenda_item_add(appointment=upcoming, author=mentee, kind="goal", text="Old goal")
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentee)

    page = client.get(agenda_url(upcoming)).content.decode()
    refused = add(client, upcoming, "One more", **HTMX).content.decode()

    assert "Old goal" in page
    assert 'name="agenda-text"' not in page
    assert "This pairing has ended" in refused
    assert list(upcoming.agenda.all()) == [item]


def test_a_cancelled_or_past_sessions_agenda_does_not_change(client, upcoming, last, mentee):
    Appointment.objects.filter(pk=upcoming.pk).update(status=Appointment.Status.CANCELLED)
    upcoming.refresh_from_db()

    with pytest.raises(AgendaRefused, match="cancelled"):
        agenda_item_add(appointment=upcoming, author=mentee, kind="goal", text="Too late")
    with pytest.raises(AgendaRefused, match="over"):
        agenda_item_add(appointment=last, author=mentee, kind="goal", text="Too late")


def test_a_carried_over_action_is_ticked_off_not_removed(last, upcoming, mentor):
    action = action_item_add(appointment=last, author=mentor, text="Send the reading list")

    with pytest.raises(AgendaRefused, match="ticked off"):
        agenda_item_remove(item=action.carried_to, by=mentor)


# My agenda


@pytest.fixture
def dave_with_bob(cohort, mentor):
    """Bob also mentors Dave."""
    dave = ProfileFactory(mentee=True, user__display_name="Dave Second").user
    EnrolmentFactory(cohort=cohort, user=dave, role="mentee")
    return PairingFactory(cohort=cohort, mentor=mentor, mentee=dave)


def test_my_agenda_shows_upcoming_sessions_across_mentees_at_the_mentors_time(
    client, pairing, dave_with_bob, other_pairing, upcoming, last, mentor, mentee
):
    agenda_item_add(appointment=upcoming, author=mentee, kind="question", text="Delegation?")
    # 22:30 on the 4th in New York
    AppointmentFactory(pairing=dave_with_bob, starts_at=datetime(2026, 3, 5, 3, 30, tzinfo=UTC))
    # Oscar's, not Bob's
    AppointmentFactory(pairing=other_pairing, starts_at=datetime(2026, 3, 4, 16, 0, tzinfo=UTC))
    cancelled = AppointmentFactory(
        pairing=pairing, starts_at=datetime(2026, 3, 6, 14, 0, tzinfo=UTC), status="cancelled"
    )
    client.force_login(mentor)

    page = client.get(reverse("sessions_app:my_agenda")).content.decode()

    assert "Times in America/New_York" in page
    assert page.count("Wednesday 4 March 2026") == 1  # both sessions fall on that day there
    assert ">09:00</time>\N{EN DASH}10:00" in page
    assert ">22:30</time>\N{EN DASH}23:30" in page
    assert "Alice Mentee" in page
    assert "Dave Second" in page
    assert "Delegation?" in page
    assert "Nothing on the agenda yet." in page  # Dave's session
    assert "Charlie" not in page
    assert agenda_url(last) not in page
    assert agenda_url(cancelled) not in page


def test_my_agenda_says_so_when_nothing_is_booked(client, mentor, frozen):
    client.force_login(mentor)

    page = client.get(reverse("sessions_app:my_agenda")).content.decode()

    assert "No upcoming sessions." in page


def _sessions_with_agendas(pairing: Pairing, count: int) -> None:
    sessions = Appointment.objects.bulk_create(
        AppointmentFactory.build(pairing=pairing, starts_at=NOW + timedelta(days=1, hours=2 * n))
        for n in range(count)
    )
    AgendaItem.objects.bulk_create(
        AgendaItem(appointment=s, author=author, text=f"Item {s.pk}")
        for s in sessions
        for author in (pairing.mentor, pairing.mentee)
    )


def test_my_agenda_makes_as_many_queries_for_200_sessions_as_for_5(
    client, pairing, mentor, frozen, django_assert_num_queries
):
    url = reverse("sessions_app:my_agenda")
    client.force_login(mentor)
    _sessions_with_agendas(pairing, 5)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    Appointment.objects.filter(pairing=pairing).delete()
    _sessions_with_agendas(pairing, 200)

    with django_assert_num_queries(len(five)):
        page = client.get(url).content.decode()

    assert page.count("<article>") == 25
    assert "Page 1 of 8" in page


# Notes


def test_notes_open_when_the_session_starts(client, upcoming, mentee):
    client.force_login(mentee)

    page = client.get(notes_url(upcoming)).content.decode()

    assert "Notes and action items open when the session starts" in page
    assert 'name="note-text"' not in page
    with pytest.raises(AgendaRefused, match="open when the session starts"):
        session_note_save(appointment=upcoming, author=mentee, text="Early", shared=False)


def test_a_private_note_is_never_shown_to_the_partner(client, last, mentee, mentor):
    client.force_login(mentee)
    client.post(notes_url(last), {"op": "note", "note-text": "I felt out of my depth."})

    client.force_login(mentor)
    partners_page = client.get(notes_url(last)).content.decode()
    client.force_login(mentee)
    own_page = client.get(notes_url(last)).content.decode()

    assert "I felt out of my depth." not in partners_page
    assert "Alice Mentee has not shared notes on this session." in partners_page
    assert "I felt out of my depth." in own_page
    assert SessionNote.objects.get().shared is False


def test_a_shared_note_is_shown_to_the_partner(client, last, mentee, mentor):
    client.force_login(mentor)
    client.post(
        notes_url(last),
        {"op": "note", "note-text": "Great progress on delegation.", "note-shared": "on"},
    )

    client.force_login(mentee)
    page = client.get(notes_url(last)).content.decode()

    assert "Bob Mentor's notes" in page
    assert "Great progress on delegation." in page


def test_a_note_is_one_per_person_and_emptying_it_deletes_it(client, last, mentee):
    client.force_login(mentee)

    client.post(notes_url(last), {"op": "note", "note-text": "First thoughts"})
    client.post(notes_url(last), {"op": "note", "note-text": "Second thoughts"})
    assert SessionNote.objects.get().text == "Second thoughts"

    client.post(notes_url(last), {"op": "note", "note-text": ""})
    assert not SessionNote.objects.exists()


def test_a_closed_pairings_notes_can_be_read_but_not_changed(client, last, pairing, mentee):
    session_note_save(appointment=last, author=mentee, text="Kept for the record", shared=False)
    Pairing.objects.filter(pk=pairing.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(mentee)

    page = client.get(notes_url(last)).content.decode()
    client.post(notes_url(last), {"op": "note", "note-text": "Changed"})

    assert "Kept for the record" in page
    assert 'name="note-text"' not in page
    assert SessionNote.objects.get().text == "Kept for the record"


# Action items and their carry-over


def test_an_action_item_joins_the_next_booked_sessions_agenda(
    client, last, upcoming, later, mentor, mentee
):
    client.force_login(mentor)

    client.post(notes_url(last), {"op": "action_add", "action-text": "Draft a team charter"})

    action = ActionItem.objects.get()
    assert action.carried_to.appointment == upcoming
    assert action.carried_to.kind == AgendaItem.Kind.ACTION
    assert not later.agenda.exists()
    client.force_login(mentee)
    assert "Draft a team charter" in client.get(agenda_url(upcoming)).content.decode()
    assert "on the agenda of the session on 4 Mar" in client.get(notes_url(last)).content.decode()


def test_an_action_item_waits_for_the_next_booking_and_is_carried_once(
    client, pairing, last, mentee
):
    action = action_item_add(appointment=last, author=mentee, text="Ask HR about the course")
    assert action.carried_to is None
    client.force_login(mentee)
    assert "joins the agenda when the next session is booked" in (
        client.get(notes_url(last)).content.decode()
    )

    booked = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=7))
    assert action_items_carry_over(appointment=booked) == 1
    assert action_items_carry_over(appointment=booked) == 0

    action.refresh_from_db()
    assert action.carried_to.appointment == booked
    assert list(booked.agenda.values_list("text", flat=True)) == ["Ask HR about the course"]


def test_an_action_carried_to_a_cancelled_session_moves_to_the_next_one(
    pairing, last, upcoming, mentee
):
    action = action_item_add(appointment=last, author=mentee, text="Update the CV")
    Appointment.objects.filter(pk=upcoming.pk).update(status=Appointment.Status.CANCELLED)

    rebooked = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=5))
    action_items_carry_over(appointment=rebooked)

    action.refresh_from_db()
    assert action.carried_to.appointment == rebooked
    assert AgendaItem.objects.filter(kind="action", appointment__status="booked").count() == 1


def test_after_a_cancel_the_action_moves_to_the_session_after(
    pairing, last, upcoming, later, mentee
):
    action = action_item_add(appointment=last, author=mentee, text="Draft the proposal")
    Appointment.objects.filter(pk=upcoming.pk).update(status=Appointment.Status.CANCELLED)

    action_items_carry_over(appointment=upcoming)

    action.refresh_from_db()
    assert action.carried_to.appointment == later


def test_a_done_action_item_is_not_carried(pairing, last, mentee, mentor, client):
    action = action_item_add(appointment=last, author=mentee, text="Book the course")
    client.force_login(mentor)
    client.post(notes_url(last), {"op": "action_tick", "item": action.pk, "done": "1"})

    booked = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=7))

    assert action_items_carry_over(appointment=booked) == 0
    assert not booked.agenda.exists()


def test_ticking_a_carried_action_on_the_agenda_ticks_it_in_its_session(
    client, last, upcoming, mentee, mentor
):
    action = action_item_add(appointment=last, author=mentee, text="Shadow a meeting")
    client.force_login(mentor)

    client.post(
        agenda_url(upcoming), {"op": "tick", "item": action.carried_to_id, "done": "1"}, **HTMX
    )

    action.refresh_from_db()
    assert action.done


def test_deleting_an_action_item_takes_it_off_the_next_agenda(client, last, upcoming, mentee):
    action = action_item_add(appointment=last, author=mentee, text="Wrong session")
    client.force_login(mentee)

    client.post(notes_url(last), {"op": "action_remove", "item": action.pk})

    assert not ActionItem.objects.exists()
    assert not upcoming.agenda.exists()


def test_only_the_author_deletes_an_action_item(client, last, mentee, mentor):
    action = action_item_add(appointment=last, author=mentee, text="Mine to delete")
    client.force_login(mentor)

    response = client.post(notes_url(last), {"op": "action_remove", "item": action.pk})

    assert "Only the person who wrote an action item can delete it." in response.content.decode()
    assert ActionItem.objects.filter(pk=action.pk).exists()


def test_an_empty_action_item_is_refused(client, last, mentee):
    client.force_login(mentee)

    response = client.post(notes_url(last), {"op": "action_add", "action-text": "  "})

    assert "This field is required." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_action_items_are_not_added_before_the_session(upcoming, mentee):
    with pytest.raises(AgendaRefused, match="open when the session starts"):
        action_item_add(appointment=upcoming, author=mentee, text="Too early")


@pytest.mark.django_db(transaction=True)
def test_two_bookings_carrying_over_at_once_carry_each_action_once(pairing, last, mentee):
    action_item_add(appointment=last, author=mentee, text="Practise the talk")
    booked = AppointmentFactory(pairing=pairing, starts_at=NOW + timedelta(days=7))
    barrier = threading.Barrier(2)

    def carry() -> None:
        try:
            barrier.wait()
            action_items_carry_over(appointment=booked)
        finally:
            connection.close()

    threads = [threading.Thread(target=carry) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert list(booked.agenda.values_list("text", flat=True)) == ["Practise the talk"]


def test_the_notes_and_agenda_pages_make_as_many_queries_for_ten_items_as_for_one(
    client, last, upcoming, mentor, mentee, django_assert_num_queries
):
    """Their reads hold only what the pages show: no field of an item, its author, the session
    it was carried to or the session itself is read again row by row."""
    action_item_add(appointment=last, author=mentee, text="Ask HR about the course")
    agenda_item_add(appointment=upcoming, author=mentor, text="Your promotion case", kind="topic")
    client.force_login(mentee)
    counts = {}
    for url in (notes_url(last), agenda_url(upcoming)):
        with CaptureQueriesContext(connection) as one:
            assert client.get(url).status_code == 200
        counts[url] = len(one)
    for n in range(9):
        author = mentor if n % 2 else mentee
        action_item_add(appointment=last, author=author, text=f"Action {n}")
        agenda_item_add(appointment=upcoming, author=author, text=f"Topic {n}", kind="topic")

    for url, count in counts.items():
        with django_assert_num_queries(count):
            page = client.get(url).content.decode()
        assert "Action 8" in page or "Topic 8" in page
        assert "Bob" in page or "Alice" in page
