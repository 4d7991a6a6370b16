"""Reminders: rows written with the booking, claimed once by scans, sent once in each person's
zone with how to join, and the page where each person chooses when they are reminded."""

import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse

from pairings.models import Pairing
from sessions_app.models import Appointment, Reminder, ReminderSettings
from sessions_app.services.reminders import (
    reminder_rows_sync,
    reminder_send,
    reminder_settings_save,
    reminders_claim_due,
    reminders_dispatch,
)
from sessions_app.tasks.reminders import reminders_dispatch_task
from tests.agreements import terms_state
from tests.factories import AppointmentFactory, PairingFactory, UserFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2031, 3, 10, 12, 0, tzinfo=UTC)  # a Monday; New York is on EDT since 9 March
DAY, HOUR = 24 * 60, 60
DASH = "\N{EN DASH}"  # between a session's start and end
VIDEO_URL = "https://meet.jit.si/mentoring-8f3a1c9e2b7d4a60"
Status = Reminder.Status


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def book(
    pairing: Pairing,
    *,
    starts_at: datetime,
    minutes: int = 60,
    mode: str = Appointment.Mode.VIDEO,
    place: str = "",
) -> Appointment:
    """A booked session, as the booking service leaves it: the row and its reminders."""
    with transaction.atomic():
        appointment = AppointmentFactory(
            pairing=pairing,
            starts_at=starts_at,
            length=minutes,
            buffer_after=10,
            mode=mode,
            video_url=VIDEO_URL if mode == Appointment.Mode.VIDEO else "",
            place=place,
        )
        reminder_rows_sync(appointment=appointment)
    return appointment


def move(appointment: Appointment, *, starts_at: datetime) -> None:
    """Reschedule as the booking service does: the new time and the reminders, together."""
    length = appointment.ends_at - appointment.starts_at
    with transaction.atomic():
        appointment.starts_at = appointment.blocked_from = starts_at
        appointment.ends_at = starts_at + length
        appointment.blocked_until = appointment.ends_at + timedelta(minutes=10)
        appointment.sequence += 1
        appointment.save()
        reminder_rows_sync(appointment=appointment)


def cancel(appointment: Appointment) -> None:
    with transaction.atomic():
        appointment.status = Appointment.Status.CANCELLED
        appointment.cancelled_at = NOW
        appointment.save()
        reminder_rows_sync(appointment=appointment)


def rows(appointment: Appointment) -> set[tuple[str, int, datetime, str]]:
    """(recipient's email, offset, session time, status) of each of the session's reminders."""
    return {
        (r.recipient.email, r.offset_minutes, r.session_starts_at, r.status)
        for r in appointment.reminders.select_related("recipient")
    }


def claimed(appointment: Appointment) -> list[Reminder]:
    """Claim the session's reminders as a scan would once they are due."""
    ids = reminders_claim_due(now=appointment.starts_at - timedelta(minutes=1))
    return list(Reminder.objects.filter(pk__in=ids).order_by("pk"))


def mails_to(outbox: list, address: str) -> list:
    return [m for m in outbox if m.to == [address]]


# --- rows written with the booking -------------------------------------------------------------


def test_a_booking_writes_a_24_hour_and_a_1_hour_reminder_for_each_person(pairing, mentee, mentor):
    starts_at = NOW + timedelta(days=2)

    appointment = book(pairing, starts_at=starts_at)

    assert rows(appointment) == {
        (person.email, offset, starts_at, Status.PENDING)
        for person in (mentee, mentor)
        for offset in (DAY, HOUR)
    }
    due = {r.offset_minutes: r.due_at for r in appointment.reminders.filter(recipient=mentee)}
    assert due == {DAY: starts_at - timedelta(days=1), HOUR: starts_at - timedelta(hours=1)}


def test_each_person_is_reminded_at_the_times_they_chose(pairing, mentee, mentor):
    ReminderSettings.objects.create(user=mentor, offsets=[3 * HOUR])
    ReminderSettings.objects.create(user=mentee, offsets=[])

    appointment = book(pairing, starts_at=NOW + timedelta(days=2))

    assert {(email, offset) for email, offset, _at, _status in rows(appointment)} == {
        (mentor.email, 3 * HOUR)
    }


def test_reminders_whose_time_passed_before_the_booking_are_not_written(pairing):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=3))

    assert {offset for _email, offset, _at, _status in rows(appointment)} == {HOUR}


def test_syncing_again_changes_nothing(pairing, django_assert_num_queries):
    appointment = book(pairing, starts_at=NOW + timedelta(days=2))
    before = rows(appointment)

    # the savepoint, the two people's settings, their rows, the savepoint's release
    with django_assert_num_queries(4):
        reminder_rows_sync(appointment=appointment)

    assert rows(appointment) == before
    assert Reminder.objects.count() == 4


def test_a_move_skips_the_unsent_reminders_of_the_old_time_and_writes_the_new_ones(
    pairing, mentee, mentor
):
    old, new = NOW + timedelta(hours=20), NOW + timedelta(days=3)
    appointment = book(pairing, starts_at=old)
    [first, second] = claimed(appointment)  # the mentee's and the mentor's 1 h reminders
    reminder_send(reminder_id=first.pk)

    move(appointment, starts_at=new)

    first_email = first.recipient.email
    second_email = second.recipient.email
    assert rows(appointment) == {
        (first_email, HOUR, old, Status.SENT),
        (second_email, HOUR, old, Status.SKIPPED),
        *{
            (p.email, offset, new, Status.PENDING)
            for p in (mentee, mentor)
            for offset in (DAY, HOUR)
        },
    }


def test_moving_back_brings_the_skipped_reminders_back(pairing, mentee, mentor):
    first, other = NOW + timedelta(days=2), NOW + timedelta(days=4)
    appointment = book(pairing, starts_at=first)

    move(appointment, starts_at=other)
    move(appointment, starts_at=first)

    assert Reminder.objects.count() == 8
    assert {(offset, at, status) for _email, offset, at, status in rows(appointment)} == {
        (DAY, first, Status.PENDING),
        (HOUR, first, Status.PENDING),
        (DAY, other, Status.SKIPPED),
        (HOUR, other, Status.SKIPPED),
    }


def test_cancelling_skips_every_unsent_reminder_and_keeps_the_sent_ones(pairing):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    [sent, _claimed] = claimed(appointment)
    reminder_send(reminder_id=sent.pk)

    cancel(appointment)

    assert sorted(status for *_rest, status in rows(appointment)) == [
        Status.SENT,
        Status.SKIPPED,
    ]
    assert reminders_claim_due(now=appointment.starts_at) == []


def test_a_deactivated_account_gets_no_reminder_and_the_partner_still_does(
    pairing, mentee, mentor, mailoutbox
):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    mentee.is_active = False
    mentee.save(update_fields=["is_active"])

    for reminder in claimed(appointment):
        reminder_send(reminder_id=reminder.pk)

    assert mails_to(mailoutbox, mentee.email) == []
    assert len(mails_to(mailoutbox, mentor.email)) == 1


# --- the scan ----------------------------------------------------------------------------------


def test_a_scan_claims_due_reminders_soonest_first_and_never_twice(pairing, other_pairing):
    later = book(pairing, starts_at=NOW + timedelta(days=3))
    sooner = book(other_pairing, starts_at=NOW + timedelta(days=2))
    scan_at = NOW + timedelta(days=2, minutes=1)  # all but the later session's 1 h ones are due

    ids = reminders_claim_due(now=scan_at)

    claims = sorted(Reminder.objects.filter(pk__in=ids), key=lambda r: ids.index(r.pk))
    assert [(r.appointment, r.offset_minutes) for r in claims] == [
        (sooner, DAY),
        (sooner, DAY),
        (sooner, HOUR),
        (sooner, HOUR),
        (later, DAY),
        (later, DAY),
    ]
    assert reminders_claim_due(now=scan_at) == []
    assert {(r.status, r.claimed_at) for r in claims} == {(Status.CLAIMED, scan_at)}
    assert {r.offset_minutes for r in Reminder.objects.filter(status=Status.PENDING)} == {HOUR}


def test_a_scan_claims_at_most_its_limit(pairing):
    book(pairing, starts_at=NOW + timedelta(hours=20))

    first = reminders_claim_due(now=NOW + timedelta(hours=19, minutes=30), limit=1)
    second = reminders_claim_due(now=NOW + timedelta(hours=19, minutes=30), limit=1)

    assert len(first) == len(second) == 1
    assert first != second


def test_a_claim_older_than_the_stale_timeout_is_claimed_again(pairing, settings):
    settings.REMINDER_CLAIM_STALE_SECONDS = 120
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    scan_at = NOW + timedelta(hours=19, minutes=30)
    ids = reminders_claim_due(now=scan_at)

    assert reminders_claim_due(now=scan_at + timedelta(seconds=119)) == []
    again = reminders_claim_due(now=scan_at + timedelta(seconds=121))

    assert sorted(again) == sorted(ids)
    assert {r.claimed_at for r in appointment.reminders.all()} == {scan_at + timedelta(seconds=121)}


@pytest.mark.django_db(transaction=True)
def test_scans_running_at_once_never_claim_the_same_reminder(cohort):
    pairings = [PairingFactory(cohort=cohort) for _ in range(10)]
    for n, pairing in enumerate(pairings):
        book(pairing, starts_at=NOW + timedelta(hours=20, minutes=n))
    scan_at = NOW + timedelta(hours=19, minutes=30)
    claims: list[list[int]] = []
    barrier = threading.Barrier(4)

    def scan() -> None:
        try:
            barrier.wait()
            claims.append(reminders_claim_due(now=scan_at, limit=3))
        finally:
            connection.close()

    for _round in range(3):
        threads = [threading.Thread(target=scan) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    every = [pk for claim in claims for pk in claim]
    assert len(every) == len(set(every)) == 20
    assert set(every) == set(Reminder.objects.values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
def test_a_scan_passes_over_a_reminder_whose_send_holds_its_row(pairing, settings):
    settings.REMINDER_CLAIM_STALE_SECONDS = 0
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    [busy, idle] = claimed(appointment)
    locked, release = threading.Event(), threading.Event()

    def send_in_progress() -> None:
        try:
            with transaction.atomic():
                Reminder.objects.select_for_update().get(pk=busy.pk)
                locked.set()
                release.wait(10)
        finally:
            connection.close()

    sender = threading.Thread(target=send_in_progress)
    sender.start()
    try:
        assert locked.wait(10)
        again = reminders_claim_due(now=appointment.starts_at)
    finally:
        release.set()
        sender.join()

    assert again == [idle.pk]


def test_a_scan_leaves_the_rest_for_later_while_its_cap_of_unsent_claims_is_reached(
    pairing, other_pairing, settings, django_capture_on_commit_callbacks
):
    settings.REMINDER_MAX_IN_FLIGHT = 3
    book(pairing, starts_at=NOW + timedelta(hours=20))
    book(other_pairing, starts_at=NOW + timedelta(hours=20))
    scan_at = NOW + timedelta(hours=19, minutes=30)

    with django_capture_on_commit_callbacks():  # the sends stay queued: none runs here
        assert reminders_dispatch(now=scan_at) == 3
        assert reminders_dispatch(now=scan_at) == 0
    for reminder in Reminder.objects.filter(status=Status.CLAIMED)[:2]:
        reminder_send(reminder_id=reminder.pk)

    with django_capture_on_commit_callbacks():
        assert reminders_dispatch(now=scan_at) == 1
    assert Reminder.objects.filter(status=Status.CLAIMED).count() == 2


def test_the_beat_task_sends_each_due_reminder_once(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    appointment = book(pairing, starts_at=NOW + timedelta(days=2))

    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_dispatch_task() == 2
        with django_capture_on_commit_callbacks(execute=True):
            assert reminders_dispatch_task() == 0

    assert sorted(m.to[0] for m in mailoutbox) == sorted([mentee.email, mentor.email])
    assert {(offset, status) for _e, offset, _at, status in rows(appointment)} == {
        (DAY, Status.SENT),
        (HOUR, Status.PENDING),
    }


# --- a session booked inside the reminder window ----------------------------------------------


def test_a_session_booked_half_an_hour_ahead_sends_each_person_one_starting_soon_notice(
    pairing, mentee, mentor, mailoutbox, django_capture_on_commit_callbacks
):
    starts_at = NOW + timedelta(minutes=30)

    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(pairing, starts_at=starts_at)
    # The scan runs too, now and a minute later: nothing goes out twice.
    with django_capture_on_commit_callbacks(execute=True):
        assert reminders_dispatch_task() == 0
    with (
        time_machine.travel(NOW + timedelta(minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert reminders_dispatch_task() == 0

    [to_alice] = mails_to(mailoutbox, mentee.email)
    [to_bob] = mails_to(mailoutbox, mentor.email)
    assert (
        to_alice.subject == "[Mentoring] Starting soon: session with Bob Mentor, Mon 10 Mar, 12:30"
    )
    assert "Your session with Bob Mentor starts soon:" in to_alice.body
    assert f"Monday 10 March 2031, 12:30{DASH}13:30 (Europe/London time)" in to_alice.body
    assert f"Video call. Join at: {VIDEO_URL}" in to_alice.body
    assert "Your session with Alice Mentee starts soon:" in to_bob.body
    assert rows(appointment) == {
        (person.email, 0, starts_at, Status.SENT) for person in (mentee, mentor)
    }
    for reminder in appointment.reminders.all():
        assert reminder_send(reminder_id=reminder.pk) is False
    assert len(mailoutbox) == 2


def test_syncing_a_session_inside_the_hour_again_sends_no_second_notice(
    pairing, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(pairing, starts_at=NOW + timedelta(minutes=40))
    with django_capture_on_commit_callbacks(execute=True):
        reminder_rows_sync(appointment=appointment)

    assert len(mailoutbox) == 2
    assert appointment.reminders.count() == 2


def test_no_starting_soon_notice_when_a_chosen_reminder_still_comes_or_none_is_wanted(
    pairing, mentee, mentor
):
    ReminderSettings.objects.create(user=mentor, offsets=[15])  # still ahead of a 30 min start
    ReminderSettings.objects.create(user=mentee, offsets=[])  # reminders turned off

    appointment = book(pairing, starts_at=NOW + timedelta(minutes=30))

    assert {(email, offset) for email, offset, _at, _status in rows(appointment)} == {
        (mentor.email, 15)
    }


def test_a_session_booked_more_than_an_hour_ahead_gets_its_usual_reminder_only(pairing):
    appointment = book(pairing, starts_at=NOW + timedelta(minutes=61))

    assert {offset for _email, offset, _at, _status in rows(appointment)} == {HOUR}


# --- the send ----------------------------------------------------------------------------------


def test_a_reminder_gives_each_person_the_time_in_their_own_zone_and_the_video_link(
    pairing, mentee, mentor, mailoutbox
):
    appointment = book(pairing, starts_at=datetime(2031, 3, 11, 9, 0, tzinfo=UTC))

    for reminder in claimed(appointment):  # the 1 h ones: the session is 21 hours away
        assert reminder_send(reminder_id=reminder.pk) is True

    [to_alice] = mails_to(mailoutbox, mentee.email)  # in London, on GMT still
    [to_bob] = mails_to(mailoutbox, mentor.email)  # in New York, on EDT since Sunday
    assert to_alice.subject == "[Mentoring] Reminder: session with Bob Mentor, Tue 11 Mar, 09:00"
    assert to_bob.subject == "[Mentoring] Reminder: session with Alice Mentee, Tue 11 Mar, 05:00"
    assert "Your session with Bob Mentor is coming up:" in to_alice.body
    assert f"Tuesday 11 March 2031, 09:00{DASH}10:00 (Europe/London time)" in to_alice.body
    assert f"Tuesday 11 March 2031, 05:00{DASH}06:00 (America/New_York time)" in to_bob.body
    for message in (to_alice, to_bob):
        html = message.alternatives[0][0]
        assert f"Video call. Join at: {VIDEO_URL}" in message.body
        assert f'href="{VIDEO_URL}"' in html
        assert f"http://testserver{reverse('sessions_app:reminder_settings')}" in message.body
        session_page = f"http://testserver{reverse('sessions_app:detail', args=[appointment.pk])}"
        assert f"Agenda, notes and your pairing: {session_page}\n" in message.body
        assert f'Agenda, notes and your pairing: <a href="{session_page}">' in html
        assert "/exchange/messages/" not in message.body  # a video session: no chat link
        reminder = Reminder.objects.get(pk=message.extra_headers["X-Reminder-Id"])
        assert reminder.recipient.email == message.to[0]
        assert message.extra_headers["Message-ID"] == f"<reminder-{reminder.pk}.{appointment.uid}>"
    assert {r.status for r in appointment.reminders.all()} == {Status.SENT}
    assert {r.sent_at for r in appointment.reminders.all()} == {NOW}


def test_a_phone_reminder_gives_the_number_the_partner_shared(pairing, mentee, mentor, mailoutbox):
    mentee.profile.work_phone = "+442079460958"
    mentee.profile.save()
    terms_state(
        pairing, mentee, channels=["phone"], phone="work", contact_hours=[[0, 9 * 60, 17 * 60]]
    )
    mailoutbox.clear()
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20), mode=Appointment.Mode.PHONE)

    for reminder in claimed(appointment):
        reminder_send(reminder_id=reminder.pk)

    [to_bob] = mails_to(mailoutbox, mentor.email)
    [to_alice] = mails_to(mailoutbox, mentee.email)
    assert "Phone call. Alice Mentee's number: +44 20 7946 0958" in to_bob.body
    assert 'href="tel:+442079460958"' in to_bob.alternatives[0][0]
    assert "Phone call. Bob Mentor has not shared a number with you: they call you." in (
        to_alice.body
    )


def test_an_in_person_reminder_gives_the_place_and_a_chat_one_the_pairings_page(
    pairing, other_pairing, mentee, other_mentee, mailoutbox
):
    in_person = book(
        pairing,
        starts_at=NOW + timedelta(hours=20),
        mode=Appointment.Mode.IN_PERSON,
        place="Café Nero, 12 King Street",
    )
    chat = book(other_pairing, starts_at=NOW + timedelta(hours=20), mode=Appointment.Mode.CHAT)

    for reminder in claimed(in_person) + claimed(chat):
        reminder_send(reminder_id=reminder.pk)

    [to_alice] = mails_to(mailoutbox, mentee.email)
    [to_charlie] = mails_to(mailoutbox, other_mentee.email)
    assert "In person, at: Café Nero, 12 King Street" in to_alice.body
    assert (
        f"Chat, in your pairing's messages: http://testserver/exchange/messages/pairing/"
        f"{other_pairing.pk}/" in to_charlie.body
    )
    assert len(mailoutbox) == 4


def test_a_reminder_for_a_session_moved_since_its_claim_is_skipped(pairing, mailoutbox):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    reminders = claimed(appointment)
    # Moved without its reminders, as a concurrent or careless writer might: the send checks.
    fields = ("starts_at", "ends_at", "blocked_from", "blocked_until")
    Appointment.objects.filter(pk=appointment.pk).update(
        **{field: F(field) + timedelta(hours=1) for field in fields}
    )

    assert [reminder_send(reminder_id=r.pk) for r in reminders] == [False, False]

    assert mailoutbox == []
    assert {r.status for r in appointment.reminders.all()} == {Status.SKIPPED}


def test_a_reminder_for_a_cancelled_or_started_session_or_a_closed_pairing_is_skipped(
    pairing, other_pairing, cohort, mailoutbox
):
    cancelled = book(pairing, starts_at=NOW + timedelta(hours=20))
    started = book(other_pairing, starts_at=NOW + timedelta(hours=20))
    closed = book(PairingFactory(cohort=cohort), starts_at=NOW + timedelta(hours=20))
    reminders = claimed(cancelled) + claimed(started) + claimed(closed)
    Appointment.objects.filter(pk=cancelled.pk).update(status=Appointment.Status.CANCELLED)
    Pairing.objects.filter(pk=closed.pairing_id).update(status=Pairing.Status.CLOSED)

    with time_machine.travel(started.starts_at, tick=False):
        assert {reminder_send(reminder_id=r.pk) for r in reminders} == {False}

    assert mailoutbox == []
    assert set(Reminder.objects.values_list("status", flat=True)) == {Status.SKIPPED}
    assert set(Reminder.objects.values_list("sent_at", flat=True)) == {None}


def test_sending_a_reminder_twice_mails_it_once(pairing, mailoutbox):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    [reminder, _other] = claimed(appointment)

    assert reminder_send(reminder_id=reminder.pk) is True
    assert reminder_send(reminder_id=reminder.pk) is False

    assert len(mailoutbox) == 1


def test_a_reminder_nobody_claimed_is_not_sent_by_a_stray_task(pairing, mailoutbox):
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))

    assert reminder_send(reminder_id=appointment.reminders.first().pk) is False

    assert mailoutbox == []
    assert {r.status for r in appointment.reminders.all()} == {Status.PENDING}


def test_a_refused_smtp_connection_leaves_the_reminder_claimed_for_a_retry(
    pairing, settings, mailoutbox
):
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 2
    appointment = book(pairing, starts_at=NOW + timedelta(hours=20))
    [reminder, _other] = claimed(appointment)

    with pytest.raises(ConnectionRefusedError):
        reminder_send(reminder_id=reminder.pk)

    reminder.refresh_from_db()
    assert (reminder.status, reminder.sent_at) == (Status.CLAIMED, None)


# --- the settings page ---------------------------------------------------------------------


def settings_url() -> str:
    return reverse("sessions_app:reminder_settings")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(settings_url())

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_page_starts_from_24_hours_and_1_hour_and_labels_every_choice(client, mentee):
    client.force_login(mentee)

    response = client.get(settings_url())

    html = response.content.decode()
    assert response.status_code == 200
    for label in ("1 week before", "2 days before", "1 day before", "3 hours before"):
        assert label in html
    assert 'value="1440" id="id_offsets_2" checked' in html
    assert 'value="60" id="id_offsets_4" checked' in html
    assert html.count("checked") == 2
    assert "tick none for no reminders" in html
    assert "No reminders are waiting." in html


def test_saving_new_times_applies_them_to_my_upcoming_sessions_only(
    client, pairing, mentee, mentor
):
    appointment = book(pairing, starts_at=NOW + timedelta(days=2))
    client.force_login(mentee)

    response = client.post(settings_url(), {"offsets": ["10080", "180", "15"]})

    assert response.status_code == 302
    assert ReminderSettings.objects.get(user=mentee).offsets == [10080, 180, 15]
    starts_at = appointment.starts_at
    assert rows(appointment) == {
        (mentee.email, DAY, starts_at, Status.SKIPPED),
        (mentee.email, HOUR, starts_at, Status.SKIPPED),
        (mentee.email, 180, starts_at, Status.PENDING),
        (mentee.email, 15, starts_at, Status.PENDING),
        # a week before has passed already; Bob's reminders are his own.
        (mentor.email, DAY, starts_at, Status.PENDING),
        (mentor.email, HOUR, starts_at, Status.PENDING),
    }
    assert "Reminders saved." in client.get(response["Location"]).content.decode()


def test_ticking_none_turns_my_reminders_off(client, pairing, mentee):
    appointment = book(pairing, starts_at=NOW + timedelta(days=2))
    client.force_login(mentee)

    client.post(settings_url(), {})

    assert ReminderSettings.objects.get(user=mentee).offsets == []
    assert {r.status for r in appointment.reminders.filter(recipient=mentee)} == {Status.SKIPPED}
    reminder_settings_save(user=mentee, offsets=[DAY])
    assert {
        (r.offset_minutes, r.status) for r in appointment.reminders.filter(recipient=mentee)
    } == {
        (DAY, Status.PENDING),
        (HOUR, Status.SKIPPED),
    }


def test_a_time_not_offered_is_refused_and_the_ticked_ones_stay(client, mentee):
    client.force_login(mentee)

    response = client.post(settings_url(), {"offsets": ["180", "7"]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Pick from the times listed: 7 is not one." in html
    assert 'value="180" aria-invalid="true" id="id_offsets_3" checked' in html
    assert not ReminderSettings.objects.exists()


def test_the_page_lists_my_next_reminders_in_my_zone(client, pairing, mentor):
    book(pairing, starts_at=datetime(2031, 3, 12, 15, 0, tzinfo=UTC))
    client.force_login(mentor)  # in New York

    html = client.get(settings_url()).content.decode()

    assert "<td>Tue 11 Mar, 11:00</td>" in html  # emailed 24 h before
    assert "<td>Wed 12 Mar, 10:00</td>" in html  # emailed 1 h before
    assert html.count("<td>Wed 12 Mar, 11:00</td>") == 2  # the session
    assert html.count("<td>Alice Mentee</td>") == 2


@pytest.mark.parametrize("sessions", [2, 20])
def test_the_page_makes_the_same_queries_however_many_reminders_wait(
    client, cohort, mentee, sessions, django_assert_num_queries
):
    for n in range(sessions):
        pairing = PairingFactory(cohort=cohort, mentee=UserFactory(), mentor=mentee)
        book(pairing, starts_at=NOW + timedelta(days=2, hours=2 * n))
    client.force_login(mentee)

    # session, user, settings, reminders with their people, the menu's programme-admin check
    # and unread-message count
    with django_assert_num_queries(6):
        response = client.get(settings_url())

    assert response.content.decode().count("<tr>") == 1 + min(2 * sessions, 10)
