"""Emails of every kind that goes through a worker, made due now, each to an address of its own,
for the fault tests and `bench.faults`: after a fault, each address must have exactly one email.

The kinds: an account email (allauth's, through email_send_task), a personal invite, session
reminders (beat's scan run here), a message notification, and an announcement to a cohort.
"""

import uuid
from collections import Counter
from collections.abc import Iterable
from datetime import timedelta
from email.message import EmailMessage

import time_machine
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.tasks import email_send_task
from exchange.models import Message
from notifications.models import Notification
from notifications.services import notification_schedule
from oversight.models import Announcement
from oversight.services.announcements import announcement_send
from programmes.models import Cohort, Enrolment, Invite
from programmes.services.invites import invite_emails_schedule
from sessions_app.services.reminders import reminder_rows_sync
from sessions_app.tasks.reminders import reminders_dispatch_task
from tests.factories import AppointmentFactory, CohortFactory, PairingFactory, UserFactory

DOMAIN = "faults.example.org"
KINDS = ("account", "invite", "reminder", "notification", "announcement")


def _address(tag: str, kind: str, n: int, role: str = "") -> str:
    return f"{tag}-{kind}{role}-{n}@{DOMAIN}"


def _person(address: str) -> User:
    return UserFactory(email=address, display_name=address.split("@")[0])


def _account_emails(tag: str, count: int) -> list[str]:
    addresses = [_address(tag, "account", n) for n in range(count)]
    for address in addresses:
        email_send_task.delay(
            {
                "subject": "[Mentoring] Please confirm your email address",
                "body": "Follow the link to confirm it.",
                "from_email": "Mentoring <mentoring@localhost>",
                "to": [address],
            }
        )
    return addresses


def _invites(tag: str, count: int, cohort: Cohort, by: User) -> list[str]:
    addresses = [_address(tag, "invite", n) for n in range(count)]
    with transaction.atomic():
        invites = Invite.objects.bulk_create(
            Invite(
                cohort=cohort,
                role="mentee",
                email=address,
                expires_at=timezone.now() + timedelta(days=14),
                created_by=by,
            )
            for address in addresses
        )
        invite_emails_schedule(invite_ids=[invite.pk for invite in invites])
    return addresses


def _reminders(tag: str, count: int, cohort: Cohort) -> list[str]:
    """`count` sessions starting in 30 minutes, booked two hours ago: each person's 1 h
    reminder is due now; beat's scan (run here) claims them and queues their sends."""
    addresses = []
    starts_at = timezone.now() + timedelta(minutes=30)
    for n in range(count):
        mentor = _person(_address(tag, "reminder", n, "-mentor"))
        mentee = _person(_address(tag, "reminder", n, "-mentee"))
        with time_machine.travel(timezone.now() - timedelta(hours=2)), transaction.atomic():
            appointment = AppointmentFactory(
                pairing=PairingFactory(cohort=cohort, mentor=mentor, mentee=mentee),
                starts_at=starts_at,
                video_url="https://meet.jit.si/mentoring-faults",
            )
            reminder_rows_sync(appointment=appointment)
        addresses += [mentor.email, mentee.email]
    reminders_dispatch_task()
    return addresses


def _notifications(tag: str, count: int, cohort: Cohort) -> list[str]:
    """A mentor's message to each of `count` mentees with no contact hours: due at once, its
    dispatch queued on commit as the thread's service does it."""
    addresses = []
    for n in range(count):
        pairing = PairingFactory(
            cohort=cohort,
            mentor=_person(_address(tag, "notification", n, "-mentor")),
            mentee=_person(_address(tag, "notification", n)),
        )
        with transaction.atomic():
            message = Message.objects.create(
                pairing=pairing, sender=pairing.mentor, body="Shall we meet on Thursday?"
            )
            notification_schedule(
                recipient=pairing.mentee,
                pairing=pairing,
                kind=Notification.Kind.MESSAGE,
                message=message,
            )
        addresses.append(pairing.mentee.email)
    return addresses


def _announcement(tag: str, count: int, by: User) -> list[str]:
    cohort = CohortFactory(name=f"Announced {tag}")
    people = [_person(_address(tag, "announcement", n)) for n in range(count)]
    Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, user=person, role="mentee") for person in people
    )
    with transaction.atomic():
        announcement_send(
            cohort=cohort,
            by=by,
            audience=Announcement.Audience.EVERYONE,
            subject="Closing event",
            body="Join us for the closing event on 3 June.",
            key=uuid.uuid4(),
        )
    return [person.email for person in people]


def mail_made_due(*, tag: str, per_kind: int, cohort: Cohort, by: User) -> dict[str, list[str]]:
    """Make emails of every kind due now (`per_kind` of each; reminders twice that), each to
    its own address; the addresses by kind. `by` is a programme admin of `cohort`."""
    return {
        "account": _account_emails(tag, per_kind),
        "invite": _invites(tag, per_kind, cohort, by),
        "reminder": _reminders(tag, per_kind, cohort),
        "notification": _notifications(tag, per_kind, cohort),
        "announcement": _announcement(tag, per_kind, by),
    }


def copies_by_address(messages: Iterable[EmailMessage]) -> Counter[str]:
    """How many emails each fault-test address received."""
    return Counter(
        address.addr_spec
        for message in messages
        for address in message["To"].addresses
        if address.addr_spec.endswith("@" + DOMAIN)
    )
