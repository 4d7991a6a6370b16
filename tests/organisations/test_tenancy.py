"""Two organisations on one installation: nothing of one reaches the other's programme admins.

Northwind runs "Northwind Spring" (Dana, its owner; Nora and Ned in a pairing at risk, a pause
waiting, an announcement, audit entries); Riverside runs "Riverside Autumn" (Rob, its owner;
Rhea and Ravi, the same). Every page, export, download and email Dana gets shows Northwind's
people and never a trace of Riverside's, and the other way round.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from audit.events import admin_event_log
from feedback.models import Feedback
from home.export import export_data
from organisations.models import Role
from organisations.services import membership_ensure
from oversight.exports import EXPORTS
from oversight.models import HealthSnapshot, HealthStatus, PairingHealth
from oversight.services.announcements import announcement_send
from oversight.services.weekly import health_weekly_send
from pairings.models import Pairing, PairingPause
from pairings.services.pairings import pairing_decline
from pairings.services.pauses import pause_declare
from programmes.models import Invite
from tests.factories import (
    PASSWORD,
    AppointmentFactory,
    CohortFactory,
    EnrolmentFactory,
    OrganisationFactory,
    PairingFactory,
    ProfileFactory,
    cohort_admin_add,
    second_factor_add,
)

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 16, 10, 0, tzinfo=UTC)  # a Monday, 10:00 in London


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def _organisation(slug: str, name: str, *, owner: str, mentee: str, mentor: str) -> dict:
    """An organisation with its owner (an admin with a second factor), a cohort, and a pairing
    flagged at risk with a pause waiting for the owner, an invite, an announcement and entries
    in the cohort's audit trail."""
    domain = f"{slug}.example"
    organisation = OrganisationFactory(slug=slug, name=name)
    admin = ProfileFactory(
        user__email=f"{owner.split()[0].lower()}@{domain}", user__display_name=owner
    ).user
    membership_ensure(organisation=organisation, user=admin, role=Role.OWNER)
    second_factor_add(admin)
    cohort = CohortFactory(
        organisation=organisation,
        name=f"{name.split()[0]} cohort",
        starts_on=date(2026, 1, 5),
        ends_on=date(2026, 12, 18),
    )
    cohort_admin_add(cohort, admin)
    people = {}
    for role, person in (("mentee", mentee), ("mentor", mentor)):
        people[role] = ProfileFactory(
            user__email=f"{person.split()[0].lower()}@{domain}",
            user__display_name=person,
            **{role: True},
        ).user
        EnrolmentFactory(cohort=cohort, user=people[role], role=role)
    pairing = PairingFactory(cohort=cohort, mentee=people["mentee"], mentor=people["mentor"])
    PairingHealth.objects.create(
        pairing=pairing,
        status=HealthStatus.AT_RISK,
        reasons=[{"code": "silent", "text": "No contact for 35 days"}],
        computed_at=timezone.now(),
    )
    HealthSnapshot.objects.create(
        pairing=pairing, day=NOW.date() - timedelta(days=7), status=HealthStatus.ON_TRACK
    )
    AppointmentFactory(pairing=pairing, starts_at=NOW - timedelta(days=3))
    Feedback.objects.create(
        kind=Feedback.Kind.CHECK_IN,
        pairing=pairing,
        person=people["mentee"],
        rating=4,
        answered_at=NOW - timedelta(days=2),
    )
    Invite.objects.create(
        cohort=cohort,
        role="mentee",
        email=f"invited@{domain}",
        expires_at=timezone.now() + timedelta(days=7),
    )
    admin_event_log(instance=cohort, cohort_id=cohort.pk, event="pairings exported")
    return {
        "organisation": organisation,
        "admin": admin,
        "cohort": cohort,
        "pairing": pairing,
        **people,
    }


@pytest.fixture
def northwind(db) -> dict:
    return _organisation(
        "northwind",
        "Northwind Health",
        owner="Dana Owner",
        mentee="Nora Mentee",
        mentor="Ned Guide",
    )


@pytest.fixture
def riverside(db) -> dict:
    return _organisation(
        "riverside",
        "Riverside Council",
        owner="Rob Owner",
        mentee="Rhea Mentee",
        mentor="Ravi Guide",
    )


def traces(world: dict) -> list[str]:
    """What would give the organisation away: its names, its people's names and addresses."""
    return [
        world["organisation"].name,
        world["organisation"].slug,
        world["cohort"].name,
        world["admin"].display_name,
        world["mentee"].display_name,
        world["mentor"].display_name,
        world["mentee"].email,
        world["mentor"].email,
    ]


def assert_only(text: str, *, mine: dict, theirs: dict, where: str) -> None:
    lowered = text.lower()
    own = (mine["cohort"].name, mine["mentee"].display_name, mine["mentee"].email)
    assert any(trace.lower() in lowered for trace in own), where
    leaked = [trace for trace in traces(theirs) if trace.lower() in lowered]
    assert not leaked, f"{where} shows {leaked}"


def admin_client(world: dict) -> Client:
    client = Client()
    client.force_login(world["admin"])
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    return client


def admin_pages(world: dict) -> list[str]:
    cohort, pairing = world["cohort"].pk, world["pairing"].pk
    return [
        reverse("home:dashboard"),
        reverse("oversight:cohort_list"),
        reverse("oversight:cohort_detail", args=[cohort]),
        reverse("oversight:cohort_pairings", args=[cohort]),
        reverse("oversight:cohort_report", args=[cohort]),
        reverse("oversight:cohort_trail", args=[cohort]),
        reverse("oversight:announcement_list", args=[cohort]),
        reverse("pairings:pause_awaiting"),
        reverse("programmes:invites", args=[cohort]),
        reverse("programmes:enrolments", args=[cohort]),
        reverse("programmes:directory", args=[cohort]),
        reverse("goals:cohort_goals", args=[cohort]),
        reverse("matching:match", args=[cohort]),
        reverse("oversight:pairing_nudge", args=[pairing]),
        *[reverse("oversight:cohort_export", args=[cohort, kind]) for kind in EXPORTS],
    ]


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


@pytest.fixture
def both(northwind, riverside) -> tuple[dict, dict]:
    for world in (northwind, riverside):
        pause_declare(
            pairing=world["pairing"],
            by=world["mentee"],
            starts_on=NOW.date() + timedelta(days=3),
            ends_on=NOW.date() + timedelta(days=120),
            note="Exams",
        )
        announcement_send(
            cohort=world["cohort"],
            by=world["admin"],
            audience="everyone",
            subject=f"News from {world['organisation'].name}",
            body="Hello all",
            key=uuid.uuid4(),
        )
    mail.outbox.clear()
    return northwind, riverside


@pytest.mark.parametrize("side", ["northwind", "riverside"])
def test_every_admin_page_and_export_shows_its_own_organisation_and_nothing_of_the_other(
    both, side
):
    mine, theirs = both if side == "northwind" else both[::-1]
    client = admin_client(mine)

    for url in admin_pages(mine):
        response = client.get(url)
        assert response.status_code == 200, url
        body = _body(response)
        if url != reverse("home:dashboard"):  # the dashboard names no cohort of an admin's
            assert_only(body, mine=mine, theirs=theirs, where=url)
        else:
            assert not [trace for trace in traces(theirs) if trace.lower() in body.lower()]


def test_the_pause_queue_lists_only_the_admins_own_organisations_pauses(both):
    northwind = both[0]

    body = admin_client(northwind).get(reverse("pairings:pause_awaiting")).content.decode()

    assert "Nora Mentee" in body
    assert "Rhea Mentee" not in body
    assert PairingPause.objects.filter(status=PairingPause.Status.AWAITING).count() == 2


def test_the_other_organisations_cohort_pages_answer_404(both):
    northwind, riverside = both
    client = admin_client(northwind)

    for url in admin_pages(riverside):
        if url == reverse("home:dashboard") or url == reverse("oversight:cohort_list"):
            continue
        if url == reverse("pairings:pause_awaiting"):
            continue
        assert client.get(url).status_code == 404, url


def test_the_weekly_email_speaks_only_of_the_admins_own_organisation(both):
    for mine, theirs in (both, both[::-1]):
        assert health_weekly_send(user_id=mine["admin"].pk, at=NOW)
        (email,) = [m for m in mail.outbox if m.to == [mine["admin"].email]]
        for text in (email.subject, email.body, email.alternatives[0][0]):
            leaked = [trace for trace in traces(theirs) if trace.lower() in text.lower()]
            assert not leaked, leaked
        assert mine["mentee"].display_name in email.body


def test_emails_of_one_organisation_reach_only_its_own_people(
    northwind, riverside, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pause_declare(
            pairing=riverside["pairing"],
            by=riverside["mentee"],
            starts_on=NOW.date() + timedelta(days=3),
            ends_on=NOW.date() + timedelta(days=120),
            note="Exams",
        )
        announcement_send(
            cohort=riverside["cohort"],
            by=riverside["admin"],
            audience="everyone",
            subject="News from the council",
            body="Hello all",
            key=uuid.uuid4(),
        )

    recipients = {address for message in mail.outbox for address in message.to}
    assert riverside["admin"].email in recipients  # the pause waits for him
    assert riverside["mentor"].email in recipients
    assert not [address for address in recipients if address.endswith("@northwind.example")]
    for message in mail.outbox:
        assert "Northwind" not in message.body


def test_a_former_admin_still_listed_on_the_cohort_hears_nothing_of_it(
    northwind, riverside, django_capture_on_commit_callbacks
):
    """Rob ran a Northwind cohort once; Northwind made him a member again. He stays an owner
    at Riverside (so a programme admin), and hears nothing of Northwind's pauses."""
    cohort_admin_add(northwind["cohort"], riverside["admin"])
    membership_ensure(organisation=northwind["organisation"], user=riverside["admin"])
    northwind["organisation"].memberships.filter(user=riverside["admin"]).update(role=Role.MEMBER)

    with django_capture_on_commit_callbacks(execute=True):
        pause_declare(
            pairing=northwind["pairing"],
            by=northwind["mentee"],
            starts_on=NOW.date() + timedelta(days=3),
            ends_on=NOW.date() + timedelta(days=120),
            note="Exams",
        )

    recipients = {address for message in mail.outbox for address in message.to}
    assert northwind["admin"].email in recipients
    assert riverside["admin"].email not in recipients
    body = admin_client(riverside).get(reverse("pairings:pause_awaiting")).content.decode()
    assert "Nora Mentee" not in body


def test_an_admins_own_data_export_holds_nothing_of_the_other_organisation(both):
    northwind, riverside = both

    data = json.dumps(export_data(user=northwind["admin"]), default=str)

    assert "Northwind cohort" in data
    assert not [trace for trace in traces(riverside) if trace in data]


def test_a_pairing_of_the_other_organisation_cannot_be_closed_or_nudged(both):
    northwind, riverside = both
    client = admin_client(northwind)

    for name in ("pairings:pairing_admin_close", "oversight:pairing_nudge"):
        response = client.post(
            reverse(name, args=[riverside["pairing"].pk]), {"reason": "other", "body": "Hi"}
        )
        assert response.status_code == 404, name

    assert Pairing.objects.get(pk=riverside["pairing"].pk).status == Pairing.Status.ACTIVE


def test_a_declined_proposal_goes_to_the_cohorts_current_admins_only(
    northwind, riverside, django_capture_on_commit_callbacks
):
    """Rob, once an admin of Northwind's cohort and now only a member there, is not told."""
    cohort_admin_add(northwind["cohort"], riverside["admin"])
    northwind["organisation"].memberships.filter(user=riverside["admin"]).update(role=Role.MEMBER)
    proposed = PairingFactory(
        cohort=northwind["cohort"], mentor=northwind["mentor"], status=Pairing.Status.PROPOSED
    )

    with django_capture_on_commit_callbacks(execute=True):
        pairing_decline(pairing=proposed, by=northwind["mentor"])

    recipients = {address for message in mail.outbox for address in message.to}
    assert recipients == {northwind["admin"].email}
