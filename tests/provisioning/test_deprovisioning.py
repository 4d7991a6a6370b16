"""When an organisation's directory removes a person (active=false or DELETE)."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from accounts.services import email_send_once, user_delete
from exchange.models import Message
from exchange.services.messages import message_send
from organisations.models import Membership, OrganisationDomain
from organisations.services import membership_ensure
from pairings.models import Pairing
from programmes.models import Enrolment
from provisioning.models import ProvisionedUser
from sessions_app.models import Appointment, Reminder, SessionNote
from sessions_app.services.reminders import reminder_rows_sync
from tests.factories import (
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PairingFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def verified_domain(organisation):
    """example.org is the organisation's own domain: it controls accounts at it."""
    return OrganisationDomain.objects.create(
        organisation=organisation, domain="example.org", verified_at=timezone.now()
    )


@pytest.fixture
def history(pairing, mentor, mentee):
    """What Alice and Bob built together: messages, a session held, one ahead, her note."""
    now = timezone.now()
    held = AppointmentFactory(pairing=pairing, starts_at=now - timedelta(days=7))
    ahead = AppointmentFactory(pairing=pairing, starts_at=now + timedelta(days=3))
    reminder_rows_sync(appointment=ahead)
    assert Reminder.objects.filter(appointment=ahead, status=Reminder.Status.PENDING).exists()
    SessionNote.objects.create(appointment=held, author=mentee, text="Practise the intro.")
    message_send(pairing=pairing, sender=mentee, body="Thanks for the tips on presenting")
    message_send(pairing=pairing, sender=mentor, body="Keep the slides short")
    return {"held": held, "ahead": ahead}


def test_a_deprovisioned_mentors_mentee_keeps_her_history_and_sees_the_pairing_closed(
    scim,
    verified_domain,
    pairing,
    mentor,
    mentee,
    history,
    client,
    django_capture_on_commit_callbacks,
):
    bob = scim.create_user("bob@example.org")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = scim.set_active(bob["id"], False)

    assert response.status_code == 200, response.content
    assert response.json()["active"] is False
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.CLOSED
    assert pairing.close_reason == Pairing.CloseReason.LEFT_ORGANISATION
    assert Appointment.objects.get(pk=history["ahead"].pk).status == Appointment.Status.CANCELLED
    assert not Reminder.objects.filter(
        appointment=history["ahead"], status=Reminder.Status.PENDING
    ).exists()
    assert Appointment.objects.get(pk=history["held"].pk).status != Appointment.Status.CANCELLED
    assert Message.objects.filter(pairing=pairing).count() == 2
    assert SessionNote.objects.filter(author=mentee).exists()
    # Alice is told; Bob's account is switched off and hears nothing more.
    assert [m.to for m in mail.outbox]
    assert all(m.to == [mentee.email] for m in mail.outbox)
    assert not User.objects.get(pk=mentor.pk).is_active
    assert not Membership.objects.filter(user=mentor).exists()

    client.force_login(mentee)
    page = client.get(reverse("home:pairing_detail", args=[pairing.pk])).content.decode()
    thread = client.get(reverse("exchange:thread", args=[pairing.pk])).content.decode()
    sessions = client.get(reverse("sessions_app:pairing_sessions", args=[pairing.pk]))

    assert "Left the organisation" in page
    assert "Keep the slides short" in thread
    assert "Thanks for the tips on presenting" in thread
    assert sessions.status_code == 200


def test_a_deactivated_account_gets_no_email_and_cannot_sign_in(
    scim, verified_domain, mentor, client
):
    bob = scim.create_user("bob@example.org")
    client.force_login(mentor)

    scim.set_active(bob["id"], False)

    mentor.refresh_from_db()
    sent = email_send_once(
        kind="test",
        key="1",
        recipient=mentor,
        build=lambda: mail.EmailMessage("x", "y", to=[mentor.email]),
    )
    assert sent is False
    assert mail.outbox == []
    # The session he had open no longer signs him in.
    assert client.get(reverse("home:dashboard")).status_code == 302


def test_someone_who_also_belongs_to_another_organisation_keeps_the_account_and_its_pairings(
    scim, verified_domain, pairing, mentor
):
    elsewhere = OrganisationFactory(slug="charity", name="Charity")
    membership_ensure(organisation=elsewhere, user=mentor)
    other_cohort = CohortFactory(organisation=elsewhere, name="Volunteers")
    EnrolmentFactory(cohort=other_cohort, user=mentor, role="mentor")
    other_pairing = PairingFactory(cohort=other_cohort, mentor=mentor)
    bob = scim.create_user("bob@example.org")

    scim.set_active(bob["id"], False)

    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.CLOSED
    assert Pairing.objects.get(pk=other_pairing.pk).status == Pairing.Status.ACTIVE
    assert User.objects.get(pk=mentor.pk).is_active
    assert Membership.objects.filter(user=mentor, organisation=elsewhere).exists()
    assert Enrolment.objects.filter(user=mentor, cohort=other_cohort).exists()


def test_an_account_at_an_address_the_organisation_does_not_control_stays_on(scim, pairing, mentor):
    """Linked, not created, and example.org is not one of its verified domains: the
    organisation ends the person's place and pairings with it, not their account."""
    bob = scim.create_user("bob@example.org")

    scim.set_active(bob["id"], False)

    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.CLOSED
    assert User.objects.get(pk=mentor.pk).is_active


def test_reactivation_restores_membership_and_sign_in_but_not_closed_pairings(
    scim, verified_domain, organisation, pairing, mentor
):
    bob = scim.create_user("bob@example.org")
    scim.set_active(bob["id"], False)

    response = scim.set_active(bob["id"], True)

    assert response.json()["active"] is True
    assert User.objects.get(pk=mentor.pk).is_active
    assert Membership.objects.get(user=mentor, organisation=organisation).source == "scim"
    assert Pairing.objects.get(pk=pairing.pk).status == Pairing.Status.CLOSED


def test_delete_deprovisions_like_active_false(scim, verified_domain, pairing, mentor, mentee):
    bob = scim.create_user("bob@example.org")

    assert scim.delete(f"Users/{bob['id']}").status_code == 204

    pairing.refresh_from_db()
    assert pairing.close_reason == Pairing.CloseReason.LEFT_ORGANISATION
    assert not User.objects.get(pk=mentor.pk).is_active
    assert User.objects.get(pk=mentee.pk).is_active


def test_someone_who_deletes_their_account_is_gone_for_the_directory_too(scim, mentee):
    alice = scim.create_user("alice@example.org")

    user_delete(user=mentee)

    assert scim.get(f"Users/{alice['id']}").status_code == 404
    assert scim.get("Users", filter='userName eq "alice@example.org"').json()["totalResults"] == 0
    assert not ProvisionedUser.objects.exists()
