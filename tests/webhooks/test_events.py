"""Each app publishes its events in the transaction that makes the change, with the data its
kind's serializer documents: ids, the cohort and organisation, UTC times, people by id and
display name only, and a link to the page."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from feedback.models import Feedback
from feedback.services import feedback_answer, feedback_ask_after_sessions
from matching.models import MatchRun, ProposedPair
from matching.services.match_runs import match_run_publish
from oversight.services.health import pairing_health_refresh
from pairings.models import Pairing
from pairings.services.pairings import pairing_accept, pairing_close
from programmes.services.enrolments import enrolment_join
from provisioning.models import ProvisionedUser
from provisioning.services.people import provisioned_user_deprovision
from sessions_app.services.booking import appointment_cancel, appointment_reschedule
from tests.factories import AppointmentFactory, EnrolmentFactory, PairingFactory, UserFactory
from tests.sessions_app.test_booking import NOW, TUE_10_NY, WED_10_NY, agree, book, open_hours
from webhooks.models import EventKind, WebhookDelivery, WebhookEvent
from webhooks.payloads import PAYLOADS

pytestmark = pytest.mark.django_db


@pytest.fixture
def endpoint(receiver, subscribe, owner):
    """The organisation of every test cohort listens to every kind."""
    return subscribe(receiver)


def events(kind: str) -> list[dict]:
    """The `data` of each event of `kind`, oldest first, checked against its serializer."""
    found = []
    for event in WebhookEvent.objects.filter(kind=kind).order_by("pk"):
        assert event.payload["type"] == kind
        assert event.payload["version"] == 1
        serializer = PAYLOADS[kind](data=event.payload["data"])
        assert serializer.is_valid(), serializer.errors
        found.append(event.payload["data"])
    return found


def assert_no_contact_details(data: dict) -> None:
    text = repr(data)
    assert "@" not in text
    assert "phone" not in text


def test_an_enrolment_is_published_with_the_person_by_id_and_name(endpoint, cohort, mentee):
    enrolment_join(cohort=cohort, user=mentee, role="mentee")

    [data] = events(EventKind.ENROLMENT_CREATED)
    assert data["person"] == {"id": mentee.pk, "display_name": mentee.name}
    assert data["cohort"] == {"id": cohort.pk, "name": cohort.name}
    assert data["organisation"]["slug"] == cohort.organisation.slug
    assert data["url"] == f"http://testserver/programmes/cohorts/{cohort.pk}/"
    assert data["created_at"].endswith("Z")
    assert_no_contact_details(data)
    assert WebhookDelivery.objects.filter(endpoint=endpoint).count() == 1


def test_a_repeated_join_publishes_nothing_more(endpoint, cohort, mentee):
    enrolment_join(cohort=cohort, user=mentee, role="mentee")
    enrolment_join(cohort=cohort, user=mentee, role="mentee")

    assert len(events(EventKind.ENROLMENT_CREATED)) == 1


def test_pairings_are_published_when_proposed_activated_and_closed(
    endpoint, cohort, mentor, mentee, programme_admin
):
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=2)
    run = MatchRun.objects.create(cohort=cohort, created_by=programme_admin)
    ProposedPair.objects.create(run=run, mentee=mentee, mentor=mentor, score=0.9)

    [pairing] = match_run_publish(run=run)
    pairing_accept(pairing=pairing, by=mentor)
    pairing_close(pairing=pairing, by=mentee, reason=Pairing.CloseReason.COMPLETED)

    [proposed] = events(EventKind.PAIRING_PROPOSED)
    [activated] = events(EventKind.PAIRING_ACTIVATED)
    [closed] = events(EventKind.PAIRING_CLOSED)
    assert proposed["status"] == "proposed"
    assert proposed["mentor"] == {"id": mentor.pk, "display_name": mentor.name}
    assert activated["status"] == "active"
    assert activated["accepted_at"].endswith("Z")
    assert closed["status"] == "closed"
    assert closed["close_reason"] == "completed"
    assert {proposed["pairing_id"], activated["pairing_id"], closed["pairing_id"]} == {pairing.pk}
    assert_no_contact_details(closed)


def test_sessions_are_published_when_booked_moved_and_cancelled(endpoint, pairing, mentor):
    with time_machine.travel(NOW, tick=False):
        open_hours(mentor)
        agree(pairing, ["video", "phone", "in_person", "chat", "email"])
        appointment = book(pairing, starts_at=TUE_10_NY)
        appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=45)
        appointment_cancel(appointment=appointment, by=mentor, reason="Ill")

    [booked] = events(EventKind.SESSION_BOOKED)
    [moved] = events(EventKind.SESSION_MOVED)
    [cancelled] = events(EventKind.SESSION_CANCELLED)
    assert booked["starts_at"] == "2026-03-03T15:00:00Z"
    assert moved["starts_at"] == "2026-03-04T15:00:00Z"
    assert moved["sequence"] == 1
    assert cancelled["status"] == "cancelled"
    assert cancelled["cancelled_by"] == {"id": mentor.pk, "display_name": mentor.name}
    assert booked["session_id"] == moved["session_id"] == cancelled["session_id"]
    assert_no_contact_details(cancelled)  # no video link, place or reason either
    assert "jit.si" not in repr(booked)


def test_a_session_is_published_as_held_when_feedback_is_first_asked_about_it(endpoint, pairing):
    ended = AppointmentFactory(pairing=pairing, starts_at=timezone.now() - timedelta(hours=2))
    AppointmentFactory(pairing=pairing, starts_at=timezone.now() + timedelta(days=1))

    feedback_ask_after_sessions(now=timezone.now())
    feedback_ask_after_sessions(now=timezone.now())  # asked already: nothing more

    [held] = events(EventKind.SESSION_HELD)
    assert held["session_id"] == ended.pk


def test_answered_feedback_is_published_with_its_figures_not_its_words(endpoint, pairing):
    session = AppointmentFactory(pairing=pairing, starts_at=timezone.now() - timedelta(hours=2))
    feedback_ask_after_sessions(now=timezone.now())
    row = Feedback.objects.get(appointment=session, person=pairing.mentee)

    feedback_answer(
        feedback=row,
        by=pairing.mentee,
        took_place=True,
        rating=4,
        went_well="Secret words about my manager",
        share_with_programme=False,
    )

    [data] = events(EventKind.FEEDBACK_SUBMITTED)
    assert data["rating"] == 4
    assert data["role"] == "mentee"
    assert data["session_id"] == session.pk
    assert "Secret words" not in repr(data)


def test_a_health_change_is_published_once_with_its_reasons(endpoint, cohort):
    quiet = PairingFactory(cohort=cohort, accepted_at=timezone.now() - timedelta(days=90))
    Pairing.objects.filter(pk=quiet.pk).update(created_at=timezone.now() - timedelta(days=90))

    pairing_health_refresh(pairings=[quiet])
    pairing_health_refresh(pairings=[quiet])  # the same status again: no event

    [data] = events(EventKind.HEALTH_CHANGED)
    assert data["pairing_id"] == quiet.pk
    assert data["status"] in ("at_risk", "attention")
    assert data["previous_status"] == ""
    assert data["reasons"][0]["text"]


def test_a_deprovisioned_person_is_published_with_the_pairings_closed(
    endpoint, organisation, pairing
):
    provisioned = ProvisionedUser.objects.create(
        organisation=organisation, user=pairing.mentee, user_name="alice"
    )

    provisioned_user_deprovision(provisioned=provisioned)
    provisioned_user_deprovision(provisioned=provisioned)  # again: nothing more

    [data] = events(EventKind.PERSON_DEPROVISIONED)
    assert data["person"]["id"] == pairing.mentee_id
    assert data["pairings_closed"] == [pairing.pk]
    assert len(events(EventKind.PAIRING_CLOSED)) == 1


def test_another_organisations_changes_make_no_event_here(endpoint, other_organisation):
    from tests.factories import CohortFactory

    theirs = CohortFactory(organisation=other_organisation)
    enrolment_join(cohort=theirs, user=UserFactory(), role="mentee")

    assert not WebhookEvent.objects.exists()
