"""Leaving the platform removes the leaver's personal data and keeps the partner's history.

Alice (mentee) deletes her account; Bob, her mentor, keeps his own messages, notes, materials,
feedback and the sessions they had, with "Former participant" beside what was hers.
"""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_delete
from exchange.models import Material, Message
from exchange.services.materials import material_share_file
from exchange.services.messages import message_send
from feedback.models import Feedback
from goals.models import Goal
from goals.services import goal_create
from pairings.models import ContactTerms, Pairing
from programmes.models import Enrolment, Invite
from sessions_app.models import Appointment, SessionNote
from tests.exchange.test_materials import pdf_upload
from tests.factories import AppointmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(pairing, mentor, mentee, materials_dir):
    """What the two of them built: a thread, files, a past session with notes and feedback, a
    session ahead, a goal."""
    now = timezone.now()
    past = AppointmentFactory(pairing=pairing, starts_at=now - timedelta(days=3))
    ahead = AppointmentFactory(pairing=pairing, starts_at=now + timedelta(days=3))
    return {
        "hers": message_send(pairing=pairing, sender=mentee, body="Can we talk about my boss?"),
        "his": message_send(pairing=pairing, sender=mentor, body="Of course, Thursday?"),
        "her_file": material_share_file(pairing=pairing, by=mentee, upload=pdf_upload("Mine.pdf")),
        "his_file": material_share_file(pairing=pairing, by=mentor, upload=pdf_upload("His.pdf")),
        "her_note": SessionNote.objects.create(appointment=past, author=mentee, text="Nervous."),
        "his_note": SessionNote.objects.create(appointment=past, author=mentor, text="Good start."),
        "her_feedback": Feedback.objects.create(
            kind=Feedback.Kind.SESSION,
            pairing=pairing,
            person=mentee,
            appointment=past,
            rating=4,
            went_well="He listened.",
            answered_at=now,
        ),
        "goal": goal_create(pairing=pairing, by=mentee, title="Lead my first meeting"),
        "past": past,
        "ahead": ahead,
    }


def test_the_partner_keeps_every_message_and_sees_former_participant_beside_hers(
    client, pairing, mentor, mentee, history
):
    user_delete(user=mentee)

    client.force_login(mentor)
    thread = client.get(reverse("exchange:thread", args=[pairing.pk])).content.decode()
    assert "Can we talk about my boss?" in thread
    assert "Of course, Thursday?" in thread
    assert "Former participant" in thread
    assert "Alice" not in thread
    assert Message.objects.filter(pairing=pairing).count() == 2


def test_the_pairing_closes_as_left_and_the_session_ahead_is_cancelled(pairing, mentee, history):
    user_delete(user=mentee)

    pairing.refresh_from_db()
    assert (pairing.status, pairing.close_reason) == (Pairing.Status.CLOSED, "left")
    assert Appointment.objects.get(pk=history["ahead"].pk).status == Appointment.Status.CANCELLED
    assert Appointment.objects.get(pk=history["past"].pk).status == Appointment.Status.BOOKED


def test_her_private_things_go_and_his_stay(
    pairing, mentor, mentee, history, materials_dir, django_capture_on_commit_callbacks
):
    her_path = materials_dir / history["her_file"].file.name
    his_path = materials_dir / history["his_file"].file.name
    assert her_path.exists()

    with django_capture_on_commit_callbacks(execute=True):
        user_delete(user=mentee)

    assert not her_path.exists()
    assert his_path.exists()
    assert Material.objects.get(pk=history["her_file"].pk).withdrawn_at is not None
    assert Material.objects.get(pk=history["his_file"].pk).withdrawn_at is None
    assert list(SessionNote.objects.values_list("text", flat=True)) == ["Good start."]
    assert not Goal.objects.filter(pk=history["goal"].pk).exists()
    assert not ContactTerms.objects.filter(person=mentee).exists()
    feedback = Feedback.objects.get(pk=history["her_feedback"].pk)
    assert (feedback.rating, feedback.went_well) == (4, "")  # the cohort's figures keep it


def test_her_enrolment_still_counts_but_holds_none_of_her_answers(cohort, pairing, mentee):
    Invite.objects.create(
        cohort=cohort,
        role="mentee",
        email="alice@example.org",
        name="Alice Mentee",
        department="Sales",
        expires_at=timezone.now() + timedelta(days=7),
        accepted_by=mentee,
        accepted_at=timezone.now(),
    )

    user_delete(user=mentee)

    enrolment = Enrolment.objects.get(cohort=cohort, user=mentee)
    assert enrolment.goals == ""
    invite = Invite.objects.get(cohort=cohort)
    assert (invite.email, invite.name, invite.department) == (
        f"former-{mentee.pk}@deleted.invalid",
        "",
        "",
    )
    assert invite.expires_at <= timezone.now()


def test_leaving_through_the_page_tells_the_partner_and_not_the_leaver(
    client, pairing, mentor, mentee, history, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(mentee)
    page = client.get(reverse("accounts:delete")).content.decode()
    assert "Former participant" in page  # what happens to her messages is said before

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:delete"), {"password": "correct-horse-battery-staple"})

    recipients = {address for mail in mailoutbox for address in mail.to}
    assert mentor.email in recipients
    assert "alice@example.org" not in recipients
    assert not any(address.endswith("@deleted.invalid") for address in recipients)
    assert not Client().login(email="alice@example.org", password="correct-horse-battery-staple")


def test_nobody_can_choose_left_the_platform_when_closing_a_pairing(client, pairing, mentor):
    client.force_login(mentor)

    response = client.post(reverse("pairings:pairing_close", args=[pairing.pk]), {"reason": "left"})

    assert "reason" in response.context["form"].errors
    pairing.refresh_from_db()
    assert pairing.status == Pairing.Status.ACTIVE
