"""Each person reads pages and emails in their own language: their choice, else the browser's."""

from datetime import UTC, datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.services import user_welcome_send
from home.models import DataExport
from home.services.export import data_export_build
from sessions_app.emails import invite_send
from tests.factories import AppointmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def html_lang(response) -> str:
    return response.content.decode().split("<html lang=")[1].split()[0].strip('"')


def test_a_visitor_gets_the_language_their_browser_asks_for(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5")

    page = response.content.decode()
    assert html_lang(response) == "es"
    assert 'dir="ltr"' in page
    assert "Iniciar sesión" in page
    assert response["Content-Language"] == "es"


def test_a_browser_asking_for_a_language_not_offered_gets_english(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="ar")

    assert html_lang(response) == "en"
    assert "Sign in" in response.content.decode()


def test_a_visitor_picks_a_language_in_the_footer_and_keeps_it(client):
    client.get(reverse("home"))  # the footer form carries the CSRF token
    response = client.post(
        reverse("set_language"), {"language": "de", "next": "/"}, HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "de"
    assert "Anmelden" in client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_the_footer_language_form_is_csrf_protected():
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("set_language"), {"language": "de", "next": "/"})

    assert response.status_code == 403


def test_a_persons_own_language_wins_over_their_browsers(client, mentee):
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)

    response = client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="es")

    assert html_lang(response) == "de"
    assert "Abmelden" in response.content.decode()


def test_a_person_without_a_choice_follows_their_browser(client, mentee):
    client.force_login(mentee)

    response = client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="es")

    assert html_lang(response) == "es"
    assert "Cerrar sesión" in response.content.decode()


def test_a_person_picks_their_language_on_the_language_page(client, mentee):
    client.force_login(mentee)
    page = client.get(reverse("accounts:language")).content.decode()
    assert "As my browser asks" in page
    assert "Deutsch" in page

    response = client.post(reverse("accounts:language"), {"language": "es"}, follow=True)

    mentee.refresh_from_db()
    assert mentee.language == "es"
    assert "Idioma guardado." in response.content.decode()
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "es"


def test_going_back_to_the_browsers_language_clears_the_choice(client, mentee):
    mentee.language = "de"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)

    client.post(reverse("accounts:language"), {"language": ""})

    mentee.refresh_from_db()
    assert mentee.language == ""
    assert html_lang(client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_a_language_that_is_not_offered_is_refused(client, mentee):
    client.force_login(mentee)

    response = client.post(reverse("accounts:language"), {"language": "ar"})

    assert response.status_code == 200
    mentee.refresh_from_db()
    assert mentee.language == ""


def test_a_language_no_longer_offered_falls_back_to_the_browser(client, mentee):
    mentee.language = "fr"
    mentee.save(update_fields=["language"])
    client.force_login(mentee)

    assert html_lang(client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="es")) == "es"


def test_the_welcome_email_is_in_the_recipients_language(mailoutbox):
    user = UserFactory(email="greta@example.org", language="de", welcome_email_sent_at=None)

    user_welcome_send(user_id=user.pk)

    [email] = mailoutbox
    assert "Willkommen" in email.subject
    assert "Ihre E-Mail-Adresse ist bestätigt" in email.body


def test_a_session_invite_is_in_each_recipients_language_with_their_dates(pairing, mailoutbox):
    pairing.mentor.language = "de"  # Bob, in New York
    pairing.mentor.save(update_fields=["language"])
    pairing.mentee.language = "es"  # Alice, in London
    pairing.mentee.save(update_fields=["language"])
    # Sunday 20 December 2026, 15:00 UTC: 10:00 in New York, 15:00 in London.
    appointment = AppointmentFactory(
        pairing=pairing, starts_at=datetime(2026, 12, 20, 15, 0, tzinfo=UTC)
    )

    invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=pairing.mentor_id)
    invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=pairing.mentee_id)

    to_bob, to_alice = mailoutbox
    assert to_bob.subject.endswith(
        "Sitzung mit Alice Mentee gebucht: So 20 Dez 2026, 10:00 (America/New_York)"
    )
    assert "Ihre Mentoring-Sitzung mit Alice Mentee ist gebucht." in to_bob.body
    assert (
        "Sesión reservada con Bob Mentor: dom 20 Dic 2026, 15:00 (Europe/London)"
        in to_alice.subject
    )
    assert "Tu sesión de mentoría con Bob Mentor está reservada." in to_alice.body


def test_emails_to_someone_without_a_choice_are_in_english(pairing, mailoutbox):
    appointment = AppointmentFactory(pairing=pairing)

    invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=pairing.mentor_id)

    assert mailoutbox[0].subject.startswith("[Mentoring] Session booked with Alice Mentee")


@pytest.mark.parametrize(
    ("language", "until"),
    [
        ("en", "until 25 Dec 2026."),
        ("de", "bis 25. Dezember 2026."),
        ("es", "hasta el 25 de diciembre de 2026."),
    ],
)
def test_dates_follow_the_persons_language_in_its_one_format(mentee, mailoutbox, language, until):
    """English has ours (mentoring/formats/en), Spanish and German Django's own."""
    mentee.language = language
    mentee.save(update_fields=["language"])
    export = DataExport.objects.create(
        user=mentee,
        status=DataExport.Status.READY,
        expires_at=datetime(2026, 12, 25, 10, 30, tzinfo=UTC),
    )

    data_export_build(export_id=export.pk)

    [email] = mailoutbox
    assert until in email.body


def test_emails_follow_the_browser_of_someone_without_a_choice(client, pairing, mailoutbox):
    """Bob never picked a language; his browser asks for Spanish, so his emails are Spanish
    too, until his browser asks for the site's own language again."""
    client.force_login(pairing.mentor)
    client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="es")
    appointment = AppointmentFactory(pairing=pairing)

    invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=pairing.mentor_id)

    assert mailoutbox[0].subject.startswith("[Mentoring] Sesión reservada con Alice Mentee")
    client.get(reverse("home:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    pairing.mentor.refresh_from_db()
    assert pairing.mentor.email_language == "en"


def test_the_browsers_language_is_written_only_when_it_changes(client, mentee):
    client.force_login(mentee)

    def updates(**headers: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("home:dashboard"), **headers)
        return sum('UPDATE "accounts_user"' in q["sql"] for q in queries.captured_queries)

    assert updates() == 0  # the site's own language: nothing to keep
    assert updates(HTTP_ACCEPT_LANGUAGE="de") == 1
    assert updates(HTTP_ACCEPT_LANGUAGE="de") == 0
    mentee.language = "es"  # a choice of their own: the browser no longer matters
    mentee.save(update_fields=["language"])
    assert updates(HTTP_ACCEPT_LANGUAGE="en") == 0
