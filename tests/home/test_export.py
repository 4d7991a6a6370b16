"""A complete copy of one's data: every model that holds data about a person is exported or
excluded with a reason; the copy is built by a worker and reaches its owner alone."""

import io
import json
import re
import zipfile
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from exchange.models import Material, Message
from feedback.models import Feedback
from goals.models import Goal
from home.export import EXCLUDED, EXPORTED, models_with_a_relation_to_the_user
from home.models import DataExport
from sessions_app.models import SessionNote
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_every_model_about_a_person_is_exported_or_excluded_with_a_reason():
    covered = {model._meta.label for model in EXPORTED} | set(EXCLUDED)

    forgotten = models_with_a_relation_to_the_user() - covered

    assert not forgotten, (
        f"Export these in home/export.py, or exclude them with a reason: {forgotten}"
    )
    assert all(reason.strip() for reason in EXCLUDED.values())


def _copy_of(client: Client, email: str, mailoutbox, capture) -> dict:
    """Ask for the copy as `email`, follow the emailed link, and read the zip."""
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    with capture(execute=True):
        client.post(reverse("home:export"))
    [mail] = [m for m in mailoutbox if m.to == [email] and "copy of your" in m.subject]
    link = re.search(r"https?://\S+/profile/export/\S+/", mail.body).group(0)
    response = client.get(link.split("testserver", 1)[1])
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    return {
        "data": json.loads(archive.read("data.json")),
        "files": archive.namelist(),
        "link": link,
    }


def test_a_demo_mentees_copy_holds_her_sessions_messages_notes_goals_feedback_and_files(
    client, mailoutbox, django_capture_on_commit_callbacks, materials_dir
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", force=True, stdout=io.StringIO())  # tests run with DEBUG off
    # A demo mentee who wrote, shared, noted, set goals and answered feedback.
    person = (
        User.objects.filter(
            email__endswith="@demo.mentoring.example",
            pk__in=Message.objects.values("sender"),
        )
        .filter(pk__in=SessionNote.objects.values("author"))
        .filter(pk__in=Goal.objects.values("mentee"))
        .filter(pk__in=Feedback.objects.exclude(answered_at=None).values("person"))
        .filter(pk__in=Material.objects.exclude(file="").values("shared_by"))
        .order_by("pk")
        .first()
    )
    person.set_password(PASSWORD)
    person.save(update_fields=["password"])
    client.force_login(person)

    copy = _copy_of(client, person.email, mailoutbox, django_capture_on_commit_callbacks)

    sections = copy["data"]["sections"]
    for label in (
        "accounts.User",
        "accounts.Profile",
        "exchange.Message",
        "sessions_app.Appointment",
        "sessions_app.AgendaItem",
        "sessions_app.SessionNote",
        "goals.Goal",
        "feedback.Feedback",
        "exchange.Material",
        "programmes.Enrolment",
        "pairings.ContactTerms",
    ):
        assert sections[label]["rows"], f"{label} is empty in the demo mentee's copy"
        assert sections[label]["about"]
    assert "password" not in sections["accounts.User"]["rows"][0]
    # A session's state as the pages show it: the demo's past sessions read held, not booked.
    states = {row["state"] for row in sections["sessions_app.Appointment"]["rows"]}
    assert "held" in states
    assert states <= {"booked", "held", "missed", "cancelled"}
    assert [row["email"] for row in sections["accounts.User"]["rows"]] == [person.email]
    assert any(name.startswith("files/") for name in copy["files"])


def test_the_link_works_for_its_owner_alone_and_expires(
    client, mentee, other_mentee, mailoutbox, django_capture_on_commit_callbacks, materials_dir
):
    client.force_login(mentee)
    copy = _copy_of(client, mentee.email, mailoutbox, django_capture_on_commit_callbacks)
    address = copy["link"].split("testserver", 1)[1]

    intruder = Client()
    intruder.force_login(other_mentee)
    assert intruder.get(address).status_code == 404
    assert Client().get(address).status_code == 302  # to the sign-in page

    sections = copy["data"]["sections"]
    assert [row["email"] for row in sections["accounts.User"]["rows"]] == [mentee.email]
    assert "charlie@example.org" not in json.dumps(copy["data"])  # nobody else's account

    DataExport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert client.get(address).status_code == 404
