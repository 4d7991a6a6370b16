"""accounts.services and the demo data command, on PostgreSQL."""

import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.utils import timezone

from accounts.models import PROGRAMME_ADMINS_GROUP, Profile, User
from accounts.services import programme_admin_group_ensure, user_welcome_send
from accounts.tasks import user_welcome_send_task
from exchange.models import Material, Message, OpportunityRecipient
from feedback.models import Feedback
from goals.models import Goal
from home.demo.programmes import DEMO_COHORT
from home.management.commands.seed_demo import DEMO_PASSWORD
from notifications.models import Notification
from oversight.models import PairingHealth
from pairings.selectors.agreements import agreement_holds
from programmes.models import Cohort
from sessions_app.models import Appointment, SessionNote
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_welcome_email_goes_out_once_however_often_the_task_runs(mailoutbox):
    user = UserFactory(email="new@example.org", welcome_email_sent_at=None)

    assert user_welcome_send(user_id=user.pk) is True
    user_welcome_send_task.delay(user.pk)  # a redelivered message, say
    assert user_welcome_send(user_id=user.pk) is False

    assert [m.to for m in mailoutbox] == [["new@example.org"]]
    assert "Welcome" in mailoutbox[0].subject
    assert mailoutbox[0].alternatives[0].mimetype == "text/html"
    assert User.objects.get(pk=user.pk).welcome_email_sent_at is not None


def test_no_welcome_email_for_a_deactivated_account(mailoutbox):
    user = UserFactory(welcome_email_sent_at=None, is_active=False)

    assert user_welcome_send(user_id=user.pk) is False
    assert mailoutbox == []


def test_ensuring_the_programme_admins_group_twice_keeps_one_group():
    programme_admin_group_ensure()
    programme_admin_group_ensure()

    assert Group.objects.filter(name=PROGRAMME_ADMINS_GROUP).count() == 1


def test_seed_demo_loads_a_varied_cohort_and_is_safe_to_run_again(client):
    call_command("seed_demo", force=True, stdout=io.StringIO())  # tests run with DEBUG off
    output = io.StringIO()
    call_command("seed_demo", force=True, stdout=output)

    profiles = Profile.objects.select_related("user")
    mentors = [p for p in profiles if p.is_mentor]
    mentees = [p for p in profiles if p.is_mentee]
    # Northwind's 6 mentors, 10 mentees and admin; Riverside's admin, 1 mentor and 2 mentees.
    assert (len(mentors), len(mentees), User.objects.count()) == (7, 12, 21)
    assert len({p.user.timezone for p in profiles}) >= 8
    assert all(p.missing_items() == [] for p in mentors + mentees)
    assert all(1 <= p.capacity <= 6 for p in mentors)
    admin = User.objects.get(email__startswith="admin@")
    assert admin.is_programme_admin
    assert client.login(email=mentees[0].user.email, password=DEMO_PASSWORD)
    assert DEMO_PASSWORD in output.getvalue()
    cohort = Cohort.objects.get(name=DEMO_COHORT)
    statuses = sorted(cohort.pairings.values_list("status", flat=True))
    assert statuses.count("active") == 6
    assert len(statuses) == 10  # every demo mentee got a mentor, accepted or proposed
    assert cohort.enrolments.filter(answered_at__isnull=False).count() == 16
    holding = [p for p in cohort.pairings.filter(status="active") if agreement_holds(pairing=p)]
    assert len(holding) == 3
    sessions = Appointment.objects.filter(pairing__cohort=cohort)
    # past, with notes; and the at-risk pairing's first, in-person meeting
    assert sessions.filter(starts_at__lt=timezone.now()).count() == 4
    upcoming = sessions.filter(starts_at__gt=timezone.now(), agenda__kind="action").distinct()
    assert upcoming.count() == 3  # with the action item carried over from the past session
    assert SessionNote.objects.filter(shared=False).count() == 3
    # Between sessions: a thread with an urgent question, a file and a link, an event passed on;
    # the demo's history sends no email.
    active = cohort.pairings.filter(status="active")
    assert Message.objects.filter(pairing__in=active).count() == 4 * 6
    assert Message.objects.filter(urgent=True).count() == 6
    assert Material.objects.filter(kind="file", pairing__in=active).count() == 6
    assert Material.objects.filter(kind="link", pairing__in=active).count() == 6
    assert OpportunityRecipient.objects.filter(pairing__in=active).count() == 6
    assert not Notification.objects.exclude(status=Notification.Status.SKIPPED).exists()
    # Goals, and every health status for the cohort page.
    assert Goal.objects.filter(pairing__in=active).count() == 2 * 6
    assert Goal.objects.filter(shared_with_programme=True).count() == 6
    statuses = set(
        PairingHealth.objects.filter(pairing__cohort=cohort).values_list("status", flat=True)
    )
    assert statuses == {"on_track", "attention", "at_risk"}
    assert PairingHealth.objects.filter(snoozed_until__isnull=False).count() == 1
    # Feedback on the past sessions: most answered with ratings, one prompt left waiting.
    feedback = Feedback.objects.filter(pairing__cohort=cohort, kind="session")
    assert feedback.filter(rating__isnull=False).count() >= 4
    assert feedback.filter(answered_at__isnull=True).exists()
    assert not Notification.objects.exclude(status=Notification.Status.SKIPPED).exists()


def test_a_deactivated_account_is_sent_nothing_by_email_send_once(mentee, mailoutbox):
    from django.core.mail import EmailMessage

    from accounts.services import email_send_once

    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    sent = email_send_once(
        kind="test",
        key="1",
        recipient=mentee,
        build=lambda: EmailMessage("Hello", "Body", to=[mentee.email]),
    )

    assert sent is False
    assert mailoutbox == []
