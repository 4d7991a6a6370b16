"""The notification settings page: each person chooses, per kind, at once, a digest or never,
and sees how their own contact hours shape the emails."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse

from exchange.models import Message
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import notification_schedule
from tests.agreements import terms_state
from tests.factories import EnrolmentFactory, PairingFactory, ProfileFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 6, 10, 21, 0, tzinfo=UTC)  # Wednesday 22:00 in London (BST)


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def settings_url() -> str:
    return reverse("notifications:notification_settings")


def checked(html: str, name: str) -> list[str]:
    """The values of the `name` radio buttons that are checked."""
    return re.findall(rf'<input type="radio" name="{name}" value="(\w+)"[^>]*checked>', html)


def state_hours(pairing, person, *, urgent: bool = False) -> None:
    """Email only, weekdays 09:00-17:00 in London."""
    terms_state(
        pairing, person, channels=["email"], timezone="Europe/London", urgent_breaks_through=urgent
    )


def held_message(pairing, sender) -> Message:
    with transaction.atomic():
        message = Message.objects.create(pairing=pairing, sender=sender, body="Late thought")
        notification_schedule(
            recipient=pairing.partner_of(sender),
            pairing=pairing,
            kind=Notification.Kind.MESSAGE,
            message=message,
        )
    return message


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(settings_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_profile_page_links_to_the_notification_settings(client, mentee):
    client.force_login(mentee)

    html = client.get(reverse("accounts:profile")).content.decode()

    assert f'href="{settings_url()}"' in html


def test_the_page_starts_from_at_once_and_explains_contact_hours_and_urgent(client, mentee):
    client.force_login(mentee)

    response = client.get(settings_url())

    html = response.content.decode()
    assert response.status_code == 200
    for kind in ("messages", "materials", "opportunities"):
        assert checked(html, kind) == ["immediately"]
    assert "Outside them we hold it, and when your hours next open" in html
    assert "an urgent message there reaches you at once, even outside your hours" in html
    assert "Choosing never also cancels the emails of that kind still waiting." in html
    assert "You have not stated contact hours in an active pairing yet" in html
    assert "Nothing is waiting: you are up to date." in html


def test_the_page_shows_my_own_hours_in_each_pairing_and_what_waits(
    client, pairing, mentor, mentee
):
    state_hours(pairing, mentee, urgent=True)
    held_message(pairing, mentor)
    client.force_login(mentee)

    html = client.get(settings_url()).content.decode()

    assert "With Bob Mentor" in html
    assert "Your hours (Europe/London)" in html
    assert "Monday: 09:00\N{EN DASH}17:00" in html
    assert "may reach you outside your hours" in html
    assert reverse("pairings:agreement_terms", args=[pairing.pk]) in html
    # Due Thursday 09:00 in London; the page shows times in the viewer's zone.
    assert "One email item is waiting; it goes out Thu 11 Jun, 09:00 at the earliest." in html


def test_my_partners_hours_and_waiting_emails_are_not_on_my_page(
    client, pairing, mentor, mentee, other_mentee, other_pairing
):
    state_hours(pairing, mentee)
    held_message(pairing, mentor)
    client.force_login(other_mentee)

    html = client.get(settings_url()).content.decode()

    assert "Bob Mentor" not in html
    assert "Nothing is waiting" in html


def test_saving_keeps_my_choices(client, mentee):
    client.force_login(mentee)

    response = client.post(
        settings_url(),
        {"messages": "digest", "materials": "immediately", "opportunities": "never"},
    )

    assert response.status_code == 302
    chosen = NotificationSettings.objects.get(user=mentee)
    assert (chosen.messages, chosen.materials, chosen.opportunities) == (
        Delivery.DIGEST,
        Delivery.IMMEDIATELY,
        Delivery.NEVER,
    )
    html = client.get(response["Location"]).content.decode()
    assert "Notification settings saved." in html
    assert checked(html, "messages") == ["digest"]
    assert checked(html, "opportunities") == ["never"]


def test_choosing_never_for_messages_cancels_the_message_emails_waiting(
    client, pairing, mentor, mentee
):
    state_hours(pairing, mentee)
    message = held_message(pairing, mentor)
    client.force_login(mentee)

    client.post(
        settings_url(),
        {"messages": "never", "materials": "immediately", "opportunities": "immediately"},
    )

    assert Notification.objects.get(message=message).status == Notification.Status.SKIPPED
    html = client.get(settings_url()).content.decode()
    assert "Nothing is waiting" in html


def test_a_choice_not_offered_is_refused_and_the_others_keep_what_i_picked(client, mentee):
    client.force_login(mentee)

    response = client.post(
        settings_url(), {"messages": "hourly", "materials": "never", "opportunities": "digest"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pick one of the three choices: “hourly” is not one." in html
    assert checked(html, "messages") == []
    assert checked(html, "materials") == ["never"]
    assert checked(html, "opportunities") == ["digest"]
    assert not NotificationSettings.objects.exists()


def test_a_missing_choice_is_refused_next_to_its_field(client, mentee):
    client.force_login(mentee)

    response = client.post(settings_url(), {"messages": "digest"})

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Pick one of the three choices.") == 2
    assert checked(html, "messages") == ["digest"]


@pytest.mark.parametrize("pairings", [1, 6])
def test_the_page_makes_the_same_queries_however_many_pairings_i_have(
    client, cohort, mentor, pairings, django_assert_num_queries
):
    EnrolmentFactory(cohort=cohort, user=mentor, role="mentor", capacity=10)
    for n in range(pairings):
        mentee = ProfileFactory(mentee=True).user
        pairing = PairingFactory(
            cohort=cohort, mentor=mentor, mentee=mentee, accepted_at=NOW - timedelta(days=n)
        )
        state_hours(pairing, mentor)
        held_message(pairing, mentee)
    client.force_login(mentor)
    client.get(settings_url())  # the session and the user are loaded once per request anyway

    # session, user, settings, terms, waiting emails; the navigation's unread count and
    # programme-admin check
    with django_assert_num_queries(7):
        response = client.get(settings_url())

    assert response.content.decode().count("Your hours (Europe/London)") == pairings
