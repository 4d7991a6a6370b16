"""Booking, moving and cancelling sessions, one at a time or as a series, through the services
and the pages. Time stands still on Monday 2 March 2026, 12:00 UTC: Bob (New York) offers
weekdays 09:00-17:00 his time, and the US clocks go forward on Sunday 8 March."""

import re
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

import pytest
import time_machine
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.formats import date_format

from pairings.models import Pairing
from sessions_app.emails import invite_send
from sessions_app.forms.booking import slot_value
from sessions_app.models import Appointment, Availability, DateOverride, Reminder, WeeklyWindow
from sessions_app.selectors.appointments import series_plan
from sessions_app.services.booking import (
    BookingRefused,
    SlotUnavailable,
    appointment_book,
    appointment_cancel,
    appointment_reschedule,
)
from sessions_app.services.series import SeriesChanged, series_book, series_cancel_from
from tests.agreements import agreement_reach, terms_state
from tests.factories import AppointmentFactory, CohortFactory, PairingFactory, ProfileFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)  # Monday; Bob's 07:00, Alice's 12:00
TUE_10_NY = datetime(2026, 3, 3, 15, 0, tzinfo=UTC)  # Tuesday 10:00 in New York (EST)
WED_10_NY = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
NEXT_TUE_10_NY = datetime(2026, 3, 10, 14, 0, tzinfo=UTC)  # 10:00 EDT, after the change
DASH = "\N{EN DASH}"  # between a session's start and end


# --- helpers, also used by test_booking_concurrency.py and test_ics.py ----------------------


def open_hours(mentor, **rules) -> Availability:
    """Weekdays 09:00-17:00 on the mentor's clock; 30, 45 or 60 minutes; 10 minutes after."""
    availability = Availability.objects.create(mentor=mentor, **rules)
    WeeklyWindow.objects.bulk_create(
        WeeklyWindow(availability=availability, weekday=day, starts=time(9), ends=time(17))
        for day in range(5)
    )
    return availability


def agree(pairing: Pairing, channels: list[str], *, phone: str = "none") -> None:
    """Both partners state terms allowing `channels` (phone numbers: see `phone`)."""
    agreement_reach(pairing, acknowledge=False, channels=channels, phone=phone)


def book(pairing: Pairing, starts_at: datetime = TUE_10_NY, **changes) -> Appointment:
    return appointment_book(
        **{
            "pairing": pairing,
            "booked_by": pairing.mentee,
            "starts_at": starts_at,
            "length": 45,
            "mode": "video",
            **changes,
        }
    )


def another_pairing_with(mentor, *, email: str) -> Pairing:
    """Bob mentors someone else too (another cohort), with video agreed."""
    mentee = ProfileFactory(mentee=True, user__email=email).user
    other = PairingFactory(cohort=CohortFactory(), mentor=mentor, mentee=mentee)
    agree(other, ["video"])
    return other


@pytest.fixture(autouse=True)
def _monday_noon():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def hours(mentor) -> Availability:
    return open_hours(mentor)


@pytest.fixture
def agreed(pairing, hours) -> Pairing:
    """Bob and Alice both allow video, phone, in person and chat; Bob has opened his hours."""
    agree(pairing, ["video", "phone", "in_person", "chat", "email"])
    return pairing


# --- booking ------------------------------------------------------------------------------


def test_a_booking_stores_utc_times_and_blocks_the_mentors_buffers(agreed):
    appointment = book(agreed, length=45)

    assert appointment.starts_at == TUE_10_NY
    assert appointment.ends_at == TUE_10_NY + timedelta(minutes=45)
    assert appointment.blocked_from == TUE_10_NY
    assert appointment.blocked_until == appointment.ends_at + timedelta(minutes=10)
    assert (appointment.mentor, appointment.mentee) == (agreed.mentor, agreed.mentee)
    assert appointment.booked_by == agreed.mentee
    assert appointment.sequence == 0
    assert appointment.status == Appointment.Status.BOOKED


def test_each_video_session_gets_its_own_unguessable_jitsi_link(agreed):
    first = book(agreed)
    second = book(agreed, starts_at=WED_10_NY)

    prefix = "https://meet.jit.si/mentoring-"
    assert first.video_url.startswith(prefix)
    assert second.video_url.startswith(prefix)
    assert first.video_url != second.video_url
    assert len(first.video_url) - len(prefix) >= 22  # 128 random bits, URL-safe


def test_the_video_link_follows_the_configured_template(agreed, settings):
    settings.VIDEO_LINK_TEMPLATE = "https://video.example.org/room/{token}"

    assert book(agreed).video_url.startswith("https://video.example.org/room/")


def test_a_mentor_may_book_on_the_mentees_behalf(agreed):
    appointment = book(agreed, booked_by=agreed.mentor)

    assert appointment.booked_by == agreed.mentor
    assert appointment.mentee == agreed.mentee


def test_a_way_to_meet_only_one_partner_allowed_is_refused(pairing, hours):
    terms_state(pairing, pairing.mentor, channels=["video", "phone"], timezone="America/New_York")
    terms_state(pairing, pairing.mentee, channels=["video", "email"], timezone="Europe/London")

    with pytest.raises(BookingRefused, match="both allowed"):
        book(pairing, mode="phone")
    assert book(pairing, mode="video").mode == "video"


def test_a_meeting_in_person_needs_a_place(agreed):
    with pytest.raises(BookingRefused, match="where you will meet"):
        book(agreed, mode="in_person", place="  ")

    appointment = book(agreed, mode="in_person", place=" Café Rouge, King's Cross ")
    assert appointment.place == "Café Rouge, King's Cross"
    assert appointment.video_url == ""


def test_only_an_active_pairing_can_book(agreed):
    Pairing.objects.filter(pk=agreed.pk).update(status=Pairing.Status.CLOSED)
    agreed.refresh_from_db()

    with pytest.raises(BookingRefused, match="active"):
        book(agreed)
    assert not Appointment.objects.exists()


def test_a_length_the_mentor_does_not_offer_is_refused(agreed):
    with pytest.raises(BookingRefused, match="90-minute"):
        book(agreed, length=90)


def test_a_time_outside_the_mentors_hours_or_inside_the_notice_is_refused(agreed):
    with pytest.raises(SlotUnavailable, match="no longer free"):
        book(agreed, starts_at=datetime(2026, 3, 3, 23, 0, tzinfo=UTC))  # 18:00 in New York
    with pytest.raises(SlotUnavailable):
        book(agreed, starts_at=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # in 3 hours
    assert not Appointment.objects.exists()


def test_nobody_books_a_mentor_without_hours(pairing):
    agree(pairing, ["video"])

    with pytest.raises(BookingRefused, match="has not opened any times"):
        book(pairing)


def test_a_mentee_is_never_booked_with_two_mentors_at_once(agreed):
    book(agreed)
    oscar = ProfileFactory(mentor=True, user__timezone="America/New_York").user
    open_hours(oscar)
    with_oscar = PairingFactory(cohort=CohortFactory(), mentor=oscar, mentee=agreed.mentee)
    agree(with_oscar, ["video"])

    with pytest.raises(SlotUnavailable):
        book(with_oscar, starts_at=TUE_10_NY + timedelta(minutes=30))
    assert book(with_oscar, starts_at=TUE_10_NY + timedelta(minutes=60)).mentor == oscar


def test_the_database_refuses_overlapping_sessions_of_different_lengths(agreed, other_mentee):
    book(agreed, length=60)  # 15:00-16:00Z, blocked until 16:10Z
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    overlapping = AppointmentFactory.build(
        pairing=other, starts_at=TUE_10_NY + timedelta(minutes=30), length=30, buffer_after=10
    )

    with pytest.raises(IntegrityError, match="appointment_mentor_no_overlap"), transaction.atomic():
        overlapping.save()


def test_a_cancelled_session_does_not_block_its_time(agreed):
    appointment = book(agreed)
    appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Ill")

    assert book(agreed).starts_at == TUE_10_NY


# --- double submits -----------------------------------------------------------------------


def test_a_second_submit_with_the_same_token_returns_the_first_session(
    agreed, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = book(agreed, token="3f1c7a52-0000-4000-8000-000000000001")
    second = book(agreed, token="3f1c7a52-0000-4000-8000-000000000001")

    assert second.pk == first.pk
    assert Appointment.objects.count() == 1


def test_the_same_token_for_another_time_is_a_new_booking(
    agreed, django_capture_on_commit_callbacks
):
    token = "3f1c7a52-0000-4000-8000-000000000002"
    with django_capture_on_commit_callbacks(execute=True):
        first = book(agreed, token=token)
    second = book(agreed, token=token, starts_at=WED_10_NY)

    assert second.pk != first.pk


def test_a_refused_booking_releases_its_token(agreed):
    token = "3f1c7a52-0000-4000-8000-000000000003"
    with pytest.raises(BookingRefused):
        book(agreed, token=token, mode="in_person")

    assert book(agreed, token=token).pk


# --- emails -------------------------------------------------------------------------------


def test_both_get_a_confirmation_in_their_own_time_zone(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert set(by_recipient) == {"alice@example.org", "bob@example.org"}
    alice, bob = by_recipient["alice@example.org"], by_recipient["bob@example.org"]
    assert "Session booked with Bob Mentor: Tue 3 Mar 2026, 15:00 (Europe/London)" in alice.subject
    assert "Session booked with Alice Mentee: Tue 3 Mar 2026, 10:00 (America/New_York)" in (
        bob.subject
    )
    assert f"Tuesday 3 March 2026, 15:00{DASH}15:45" in alice.body
    assert f"Tuesday 3 March 2026, 10:00{DASH}10:45" in bob.body
    assert appointment.video_url in alice.body
    assert appointment.video_url in alice.alternatives[0].content


def test_a_phone_session_shows_each_the_number_their_partner_shared(
    pairing, hours, mailoutbox, django_capture_on_commit_callbacks, client
):
    pairing.mentee.profile.work_phone = "+447700900123"
    pairing.mentee.profile.save()
    terms_state(pairing, pairing.mentee, channels=["phone"], phone="work", timezone="Europe/London")
    terms_state(pairing, pairing.mentor, channels=["phone"], timezone="America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(pairing, mode="phone")

    by_recipient = {message.to[0]: message for message in mailoutbox}
    assert "+44 7700 900123" in by_recipient["bob@example.org"].body
    assert "Bob Mentor has not shared a phone number" in by_recipient["alice@example.org"].body
    client.force_login(pairing.mentor)
    page = client.get(reverse("sessions_app:detail", args=[appointment.pk])).content.decode()
    assert "+44 7700 900123" in page


def test_an_invite_goes_out_once_per_version_and_person(
    agreed, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        appointment = book(agreed)

    assert not invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=agreed.mentee_id)
    assert len(mailoutbox) == 2


def test_an_invite_for_a_version_that_changed_since_is_skipped(agreed, mailoutbox):
    appointment = book(agreed)  # its emails never ran: they wait for a commit
    appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=45)

    assert not invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=agreed.mentee_id)
    assert invite_send(appointment_id=appointment.pk, sequence=1, recipient_id=agreed.mentee_id)
    assert len(mailoutbox) == 1
    assert "Session moved with Bob Mentor: now Wed 4 Mar 2026, 15:00" in mailoutbox[0].subject


def test_nobody_outside_the_session_is_emailed(agreed, other_mentee, mailoutbox):
    appointment = book(agreed)

    assert not invite_send(appointment_id=appointment.pk, sequence=0, recipient_id=other_mentee.pk)
    assert not mailoutbox


# --- rescheduling and cancelling ------------------------------------------------------------


def test_rescheduling_keeps_the_uid_raises_the_sequence_and_frees_the_old_time(
    agreed, other_mentee
):
    appointment = book(agreed)
    uid = appointment.uid

    moved = appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=60)

    assert (moved.uid, moved.sequence) == (uid, 1)
    assert moved.starts_at == WED_10_NY
    assert moved.ends_at == WED_10_NY + timedelta(minutes=60)
    assert moved.blocked_until == moved.ends_at + timedelta(minutes=10)
    assert moved.video_url == appointment.video_url
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    assert book(other, starts_at=TUE_10_NY).starts_at == TUE_10_NY


def test_rescheduling_does_not_count_the_session_against_itself(pairing):
    open_hours(pairing.mentor, weekly_limit=1)
    agree(pairing, ["video"])
    appointment = book(pairing)

    # 15 minutes later overlaps its own time, and the week already has its one session: itself.
    moved = appointment_reschedule(
        appointment=appointment, starts_at=TUE_10_NY + timedelta(minutes=15), length=45
    )

    assert moved.starts_at == TUE_10_NY + timedelta(minutes=15)


def test_rescheduling_obeys_the_notice_and_the_other_sessions(agreed, other_mentee):
    appointment = book(agreed)
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=WED_10_NY)

    with pytest.raises(SlotUnavailable):
        appointment_reschedule(
            appointment=appointment, starts_at=datetime(2026, 3, 2, 18, tzinfo=UTC), length=45
        )
    with pytest.raises(SlotUnavailable):
        appointment_reschedule(
            appointment=appointment, starts_at=WED_10_NY + timedelta(minutes=30), length=45
        )
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.sequence) == (TUE_10_NY, 0)


def test_moving_a_session_to_its_own_time_changes_nothing(agreed):
    appointment = book(agreed)

    again = appointment_reschedule(appointment=appointment, starts_at=TUE_10_NY, length=45)

    assert again.sequence == 0


def test_cancelling_needs_a_reason_frees_the_time_and_repeats_safely(agreed):
    appointment = book(agreed)
    with pytest.raises(BookingRefused, match="why"):
        appointment_cancel(appointment=appointment, by=agreed.mentor, reason=" ")

    cancelled = appointment_cancel(appointment=appointment, by=agreed.mentor, reason="Travelling")
    again = appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Twice")

    assert cancelled.status == Appointment.Status.CANCELLED
    assert (cancelled.cancelled_by, cancelled.cancel_reason) == (agreed.mentor, "Travelling")
    assert cancelled.cancelled_at == NOW
    assert (cancelled.uid, cancelled.sequence) == (appointment.uid, 1)
    assert again.sequence == 1
    assert again.cancelled_by == agreed.mentor


def test_a_session_that_started_can_no_longer_be_moved_or_cancelled(agreed):
    appointment = book(agreed)
    later = TUE_10_NY + timedelta(minutes=5)

    with pytest.raises(BookingRefused, match="already started"):
        appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Late", now=later)
    with pytest.raises(BookingRefused, match="already started"):
        appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=45, now=later)


def test_reminder_rows_follow_every_booking_move_and_cancellation(agreed):
    appointment = book(agreed)

    def pending() -> set[datetime]:
        rows = Reminder.objects.filter(appointment=appointment, status=Reminder.Status.PENDING)
        return set(rows.values_list("session_starts_at", flat=True))

    assert pending() == {TUE_10_NY}

    appointment_reschedule(appointment=appointment, starts_at=WED_10_NY, length=45)
    assert pending() == {WED_10_NY}

    appointment_cancel(appointment=appointment, by=agreed.mentee, reason="Ill")
    assert pending() == set()


# --- series ---------------------------------------------------------------------------------


def test_a_weekly_series_keeps_the_mentors_local_time_across_the_dst_change(agreed):
    series = series_book(
        pairing=agreed,
        booked_by=agreed.mentee,
        starts_at=TUE_10_NY,
        length=45,
        every_weeks=1,
        count=3,
        mode="video",
        confirmed=[TUE_10_NY, NEXT_TUE_10_NY, NEXT_TUE_10_NY + timedelta(weeks=1)],
    )

    starts = list(series.appointments.order_by("starts_at").values_list("starts_at", flat=True))
    assert starts == [
        datetime(2026, 3, 3, 15, 0, tzinfo=UTC),  # 10:00 EST
        datetime(2026, 3, 10, 14, 0, tzinfo=UTC),  # 10:00 EDT
        datetime(2026, 3, 17, 14, 0, tzinfo=UTC),
    ]
    assert series.every_weeks == 1
    assert len({a.uid for a in series.appointments.all()}) == 3


def test_a_series_lists_its_conflicts_and_books_only_the_confirmed_free_dates(agreed, hours):
    DateOverride.objects.create(availability=hours, date=date(2026, 3, 10), day_off=True)
    plan = series_plan(
        pairing=agreed,
        availability=hours,
        starts_at=TUE_10_NY,
        length=45,
        every_weeks=1,
        count=3,
        now=NOW,
    )
    assert [(o.starts_at.day, o.free) for o in plan] == [(3, True), (10, False), (17, True)]

    series = series_book(
        pairing=agreed,
        booked_by=agreed.mentee,
        starts_at=TUE_10_NY,
        length=45,
        every_weeks=1,
        count=3,
        mode="video",
        confirmed=[o.starts_at for o in plan if o.free],
    )

    assert series.appointments.count() == 2


def test_a_series_until_the_cohort_ends_runs_past_the_booking_horizon(agreed, hours):
    plan = series_plan(
        pairing=agreed,
        availability=hours,
        starts_at=TUE_10_NY,
        length=45,
        every_weeks=4,
        count=None,
        now=NOW,
    )

    assert all(o.free for o in plan)
    assert (
        plan[-1].starts_at.date()
        <= agreed.cohort.ends_on
        < plan[-1].starts_at.date() + (timedelta(weeks=4))
    )
    assert plan[-1].starts_at > NOW + timedelta(weeks=hours.horizon_weeks)


@pytest.mark.parametrize("count", [2, 12])
def test_a_series_plan_reads_the_mentors_rules_once_then_one_query_a_date(
    agreed, hours, count, django_assert_max_num_queries
):
    # windows, date overrides, calendar busy times, then one query a date
    with django_assert_max_num_queries(3 + count):
        plan = series_plan(
            pairing=agreed,
            availability=hours,
            starts_at=TUE_10_NY,
            length=45,
            every_weeks=1,
            count=count,
            now=NOW,
        )

    assert len(plan) == count


def test_a_series_date_taken_after_the_preview_books_nothing(agreed, other_mentee):
    confirmed = [TUE_10_NY, NEXT_TUE_10_NY]
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=NEXT_TUE_10_NY)

    with pytest.raises(SeriesChanged, match="booked a moment ago"):
        series_book(
            pairing=agreed,
            booked_by=agreed.mentee,
            starts_at=TUE_10_NY,
            length=45,
            every_weeks=1,
            count=2,
            mode="video",
            confirmed=confirmed,
        )
    assert not Appointment.objects.filter(pairing=agreed).exists()


def test_a_series_date_whose_week_filled_up_after_the_preview_says_the_week_is_full(
    pairing, other_mentee
):
    open_hours(pairing.mentor, weekly_limit=1)
    agree(pairing, ["video"])
    other = PairingFactory(cohort=CohortFactory(), mentor=pairing.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=NEXT_TUE_10_NY + timedelta(days=1))  # the week's only session

    with pytest.raises(SeriesChanged) as refused:
        series_book(
            pairing=pairing,
            booked_by=pairing.mentee,
            starts_at=TUE_10_NY,
            length=45,
            every_weeks=1,
            count=2,
            mode="video",
            confirmed=[TUE_10_NY, NEXT_TUE_10_NY],
        )

    message = str(refused.value)
    assert "Bob Mentor takes at most 1 session a week, and a week of this series is now full." in (
        message
    )
    assert "booked a moment ago" not in message
    assert not Appointment.objects.filter(pairing=pairing).exists()


def test_one_or_all_later_sessions_of_a_series_can_be_cancelled(agreed):
    series = series_book(
        pairing=agreed,
        booked_by=agreed.mentee,
        starts_at=TUE_10_NY,
        length=45,
        every_weeks=2,
        count=4,
        mode="video",
        confirmed=[
            TUE_10_NY,
            datetime(2026, 3, 17, 14, 0, tzinfo=UTC),  # 10:00 EDT from here on
            datetime(2026, 3, 31, 14, 0, tzinfo=UTC),
            datetime(2026, 4, 14, 14, 0, tzinfo=UTC),
        ],
    )
    first, _second, third, fourth = series.appointments.order_by("starts_at")

    appointment_cancel(appointment=first, by=agreed.mentee, reason="Ill")
    cancelled = series_cancel_from(appointment=third, by=agreed.mentor, reason="Moving on")

    assert [a.pk for a in cancelled] == [third.pk, fourth.pk]
    statuses = list(series.appointments.order_by("starts_at").values_list("status", flat=True))
    assert statuses == ["cancelled", "booked", "cancelled", "cancelled"]
    assert series_cancel_from(appointment=third, by=agreed.mentor, reason="Again") == []


# --- pages ----------------------------------------------------------------------------------


def book_url(pairing: Pairing) -> str:
    return reverse("sessions_app:book", args=[pairing.pk])


def form_data(page, **changes) -> dict:
    """What the booking page holds, as a person submits it after picking a time."""
    form = page.context["form"]
    return {
        "length": form["length"].value(),
        "token": str(form["token"].value()),
        "mode": "video",
        "place": "",
        **changes,
    }


def test_the_booking_page_shows_free_times_by_day_in_the_viewers_zone(client, agreed):
    client.force_login(agreed.mentee)
    alice = client.get(book_url(agreed), {"length": 45}).content.decode()
    client.force_login(agreed.mentor)
    bob = client.get(book_url(agreed), {"length": 45}).content.decode()

    value = slot_value(TUE_10_NY)
    assert "Tuesday 3 March" in alice
    assert f'value="{value}"' in alice
    assert f'value="{value}" id="id_starts_at_' in alice
    # Each time is named with its day: "Tuesday 3 March, 15:00".
    assert '<span class="visually-hidden">Tuesday 3 March, </span>15:00</label>' in alice  # London
    assert '<span class="visually-hidden">Tuesday 3 March, </span>10:00</label>' in bob  # New York
    assert "Europe/London" in alice


def test_a_booking_from_the_page_opens_the_session(client, agreed):
    client.force_login(agreed.mentee)
    page = client.get(book_url(agreed), {"length": 45})

    response = client.post(
        book_url(agreed), form_data(page, starts_at=slot_value(TUE_10_NY)), follow=True
    )

    appointment = Appointment.objects.get()
    assert response.redirect_chain[-1][0] == reverse("sessions_app:detail", args=[appointment.pk])
    html = response.content.decode()
    assert "Session booked" in html
    assert appointment.video_url in html
    assert f"Tuesday 3 March 2026, 15:00{DASH}15:45" in html


def test_a_time_taken_after_the_page_loaded_gets_a_clear_message_and_fresh_times(
    client, agreed, other_mentee
):
    client.force_login(agreed.mentee)
    page = client.get(book_url(agreed), {"length": 45})
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other)  # Charlie takes Tuesday 10:00 first

    response = client.post(
        book_url(agreed),
        form_data(page, starts_at=slot_value(TUE_10_NY), mode="chat"),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "That time is no longer free" in html
    assert "highlighted fields" not in html  # nothing is highlighted: the message says it all
    assert f'value="{slot_value(TUE_10_NY)}"' not in html
    assert f'value="{slot_value(WED_10_NY)}"' in html
    assert response.context["form"]["mode"].value() == "chat"
    assert Appointment.objects.filter(pairing=agreed).count() == 0


def test_a_week_filled_up_after_the_page_loaded_is_refused_for_the_weekly_limit(
    client, pairing, other_mentee
):
    open_hours(pairing.mentor, weekly_limit=1)
    agree(pairing, ["video"])
    client.force_login(pairing.mentee)
    page = client.get(book_url(pairing), {"length": 45})
    other = PairingFactory(cohort=CohortFactory(), mentor=pairing.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=WED_10_NY)  # Charlie takes the week's only session, another time

    response = client.post(book_url(pairing), form_data(page, starts_at=slot_value(TUE_10_NY)))

    html = response.content.decode()
    assert "Bob Mentor takes at most 1 session a week, and that week is now full." in html
    assert "booked a moment ago" not in html
    assert f'value="{slot_value(TUE_10_NY)}"' not in html
    assert not Appointment.objects.filter(pairing=pairing).exists()


def test_a_double_clicked_submit_books_once(client, agreed, django_capture_on_commit_callbacks):
    client.force_login(agreed.mentee)
    page = client.get(book_url(agreed), {"length": 45})
    data = form_data(page, starts_at=slot_value(TUE_10_NY))

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(book_url(agreed), data)
    second = client.post(book_url(agreed), data)

    appointment = Appointment.objects.get()
    assert first["Location"] == second["Location"]
    assert first["Location"] == reverse("sessions_app:detail", args=[appointment.pk])


def test_the_first_booking_proposes_meeting_in_person_when_the_cohort_asks(client, agreed):
    client.force_login(agreed.mentee)

    first = client.get(book_url(agreed))
    assert first.context["form"]["mode"].value() == "in_person"
    assert "meet in person for your first session" in first.content.decode()

    book(agreed, mode="in_person", place="Office")
    later = client.get(book_url(agreed))
    assert later.context["form"]["mode"].value() == "video"  # the first way both allow


def test_without_a_shared_way_to_meet_the_page_says_so_and_links_the_agreement(
    client, pairing, hours
):
    client.force_login(pairing.mentee)

    response = client.get(book_url(pairing))

    html = response.content.decode()
    assert "have not both allowed a way to meet" in html
    assert reverse("pairings:agreement_detail", args=[pairing.pk]) in html


def test_a_closed_pairing_offers_no_times(client, agreed):
    Pairing.objects.filter(pk=agreed.pk).update(status=Pairing.Status.CLOSED)
    client.force_login(agreed.mentee)

    html = client.get(book_url(agreed)).content.decode()

    assert "only while the pairing is active; this one is Closed" in html
    assert 'name="starts_at"' not in html


def test_a_mentor_without_hours_is_told_where_to_open_them(client, pairing):
    agree(pairing, ["video"])
    client.force_login(pairing.mentor)

    html = client.get(book_url(pairing)).content.decode()

    assert "You have not opened any times" in html
    assert reverse("sessions_app:availability") in html


def test_a_length_with_no_free_times_says_so(client, agreed, hours):
    hours.windows.all().delete()
    client.force_login(agreed.mentee)

    html = client.get(book_url(agreed), {"length": 60}).content.decode()

    assert "No free times for a 60-minute session in the next 8 weeks" in html


def _bobs_weekday_hours():
    """Bob's hours on the hour from 09:00 New York time (13:00Z), weekdays from 9 March on."""
    day = date(2026, 3, 9)
    while True:
        if day.weekday() < 5:
            for hour in range(13, 21):
                yield datetime.combine(day, time(hour), tzinfo=UTC)
        day += timedelta(days=1)


def add_sessions(pairing: Pairing, n: int) -> None:
    """n more 30-minute sessions in Bob's hours, after the ones already there."""
    have = Appointment.objects.count()
    Appointment.objects.bulk_create(
        AppointmentFactory.build(pairing=pairing, starts_at=starts, length=30, buffer_after=10)
        for starts in islice(_bobs_weekday_hours(), have, have + n)
    )


def test_the_booking_page_makes_as_many_queries_with_200_sessions_as_with_5(client, agreed):
    client.force_login(agreed.mentee)
    add_sessions(agreed, 5)
    client.get(book_url(agreed))
    with CaptureQueriesContext(connection) as few:
        client.get(book_url(agreed))
    add_sessions(agreed, 195)
    with CaptureQueriesContext(connection) as many:
        response = client.get(book_url(agreed))

    assert Appointment.objects.count() == 200
    assert len(response.context["upcoming"]) == 5
    assert len(many) == len(few)


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
def test_the_series_page_reads_the_pairing_its_cohort_and_both_people_in_one_query(
    client, agreed, viewer
):
    """As the booking page: what the page shows, the cohort's last day too, in one query and
    nothing deferred read later."""
    client.force_login(getattr(agreed, viewer))
    url = reverse("sessions_app:series", args=[agreed.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as asked:
        response = client.get(url)

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    html = response.content.decode()
    partner = agreed.partner_of(getattr(agreed, viewer))
    assert f"Regular sessions with {partner.name}" in html
    assert date_format(agreed.cohort.ends_on, "j F Y") in html
    assert rows_read("pairings_pairing") == 1
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("programmes_cohort") == 0


@pytest.mark.parametrize("viewer", ["mentee", "mentor"])
def test_the_booking_page_reads_the_pairing_its_cohort_and_both_people_in_one_query(
    client, agreed, viewer
):
    """Only what the page shows is read of them, and nothing is read later (a deferred field
    would be: SELECT "table"."id", "table"."field" FROM "table" ...)."""
    client.force_login(getattr(agreed, viewer))
    client.get(book_url(agreed))
    with CaptureQueriesContext(connection) as asked:
        response = client.get(book_url(agreed))

    def rows_read(table: str) -> int:
        return sum(query["sql"].startswith(f'SELECT "{table}"."id"') for query in asked)

    assert response.context["first_in_person_due"] is True  # the cohort's rule was read
    partner = agreed.partner_of(getattr(agreed, viewer))
    assert f"Book a session with {partner.name}" in response.content.decode()
    assert rows_read("pairings_pairing") == 1
    assert rows_read("accounts_user") == 1  # the viewer, for the session
    assert rows_read("programmes_cohort") == 0


def test_moving_a_session_from_its_page(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentor)
    url = reverse("sessions_app:reschedule", args=[appointment.pk])
    page = client.get(url)
    assert page.context["form"]["length"].value() == 45

    response = client.post(url, {"length": 60, "starts_at": slot_value(WED_10_NY)})

    assert response["Location"] == reverse("sessions_app:detail", args=[appointment.pk])
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.sequence) == (WED_10_NY, 1)
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=60)


def test_cancelling_from_the_page_keeps_the_reason_required(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentee)
    url = reverse("sessions_app:cancel", args=[appointment.pk])

    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "This field is required" in refused.content.decode()
    assert "scope" not in refused.context["form"].fields

    done = client.post(url, {"reason": "Ill"})
    assert done["Location"] == reverse("sessions_app:detail", args=[appointment.pk])
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_series_is_previewed_with_its_conflicts_then_confirmed(client, agreed, hours):
    DateOverride.objects.create(availability=hours, date=date(2026, 3, 10), day_off=True)
    client.force_login(agreed.mentee)
    url = reverse("sessions_app:series", args=[agreed.pk])
    page = client.get(url, {"length": 45})
    data = {
        **form_data(page, starts_at=slot_value(TUE_10_NY)),
        "every_weeks": 1,
        "ends": "count",
        "count": 3,
    }

    preview = client.post(url, data)

    html = preview.content.decode()
    assert "Not free" in html
    assert "Book these 2 sessions" in html
    assert not Appointment.objects.exists()
    confirmed = [slot_value(o.starts_at) for o, _value in preview.context["plan"] if o.free]
    done = client.post(url, {**data, "confirmed": confirmed, "confirm": "1"})
    assert done["Location"] == reverse("sessions_app:pairing_sessions", args=[agreed.pk])
    assert Appointment.objects.filter(pairing=agreed, series__isnull=False).count() == 2


def test_a_series_date_in_a_week_that_filled_up_is_shown_as_a_full_week(
    client, pairing, other_mentee
):
    open_hours(pairing.mentor, weekly_limit=1)
    agree(pairing, ["video"])
    client.force_login(pairing.mentee)
    url = reverse("sessions_app:series", args=[pairing.pk])
    page = client.get(url, {"length": 45})
    data = {
        **form_data(page, starts_at=slot_value(TUE_10_NY)),
        "every_weeks": 1,
        "ends": "count",
        "count": 2,
    }
    confirmed = [slot_value(TUE_10_NY), slot_value(NEXT_TUE_10_NY)]
    other = PairingFactory(cohort=CohortFactory(), mentor=pairing.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=NEXT_TUE_10_NY + timedelta(days=1))  # Charlie takes that week's one

    response = client.post(url, {**data, "confirmed": confirmed, "confirm": "1"})

    html = response.content.decode()
    assert "Bob Mentor takes at most 1 session a week, and a week of this series is now full." in (
        html
    )
    assert "booked a moment ago" not in html
    row = re.search(r"<tr>\s*<td>Tuesday 10 March 2026</td>.*?</tr>", html, re.S)
    assert "Bob Mentor's week is full (at most 1 session a week)" in row[0]
    assert "Book this session" in html  # only Tuesday 3 March is still free
    assert not Appointment.objects.filter(pairing=pairing).exists()


def test_a_series_date_taken_before_confirming_shows_the_dates_again(client, agreed, other_mentee):
    client.force_login(agreed.mentee)
    url = reverse("sessions_app:series", args=[agreed.pk])
    page = client.get(url, {"length": 45})
    data = {
        **form_data(page, starts_at=slot_value(TUE_10_NY)),
        "every_weeks": 1,
        "ends": "count",
        "count": 2,
    }
    confirmed = [slot_value(TUE_10_NY), slot_value(NEXT_TUE_10_NY)]
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=NEXT_TUE_10_NY)

    response = client.post(url, {**data, "confirmed": confirmed, "confirm": "1"})

    html = response.content.decode()
    assert "Some of these dates were booked a moment ago" in html
    assert "Book this session" in html  # only Tuesday 3 March is still free
    assert not Appointment.objects.filter(pairing=agreed).exists()
    again = client.post(url, {**data, "edit": "1"})
    assert again.context["form"]["starts_at"].value() == slot_value(TUE_10_NY)
    checked = rf'value="{re.escape(slot_value(TUE_10_NY))}" id="id_starts_at_\d+" required checked'
    assert re.search(checked, again.content.decode())


def test_a_past_or_cancelled_session_offers_no_changes(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentee)
    detail = reverse("sessions_app:detail", args=[appointment.pk])

    with time_machine.travel(TUE_10_NY + timedelta(minutes=1), tick=False):
        page = client.get(detail).content.decode()
        moved = client.get(reverse("sessions_app:reschedule", args=[appointment.pk]))
        cancelled = client.get(reverse("sessions_app:cancel", args=[appointment.pk]))

    assert reverse("sessions_app:reschedule", args=[appointment.pk]) not in page
    assert reverse("sessions_app:cancel", args=[appointment.pk]) not in page
    assert (moved["Location"], cancelled["Location"]) == (detail, detail)


def test_the_pairing_sessions_list_pages_and_keeps_its_query_count(client, agreed):
    client.force_login(agreed.mentee)
    url = reverse("sessions_app:pairing_sessions", args=[agreed.pk])
    assert "No sessions booked yet" in client.get(url).content.decode()

    add_sessions(agreed, 2)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    add_sessions(agreed, 28)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert len(many) == len(few)
    assert response.context["page"].paginator.count == 30
    assert len(response.context["page"].object_list) == 25
    assert "Page 1 of 2" in response.content.decode()


def test_the_session_downloads_as_a_calendar_file(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentee)

    response = client.get(reverse("sessions_app:ics", args=[appointment.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8; method=PUBLISH"
    assert f"UID:{appointment.uid}" in response.content.decode()


# --- who may see and change what --------------------------------------------------------------


@pytest.fixture
def appointment(agreed) -> Appointment:
    return book(agreed)


@pytest.mark.parametrize(
    "name", ["detail", "ics", "reschedule", "cancel"], ids=lambda name: f"session {name}"
)
def test_someone_outside_the_pairing_gets_404_for_a_session(
    client, appointment, other_mentee, programme_admin, name
):
    url = reverse(f"sessions_app:{name}", args=[appointment.pk])
    for outsider in (other_mentee, programme_admin):
        client.force_login(outsider)
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", ["book", "series", "pairing_sessions"])
def test_someone_outside_the_pairing_gets_404_for_its_booking_pages(
    client, agreed, other_mentee, other_pairing, name
):
    client.force_login(other_mentee)

    assert client.get(reverse(f"sessions_app:{name}", args=[agreed.pk])).status_code == 404


def test_changing_ids_books_moves_or_cancels_nothing_for_an_outsider(
    client, appointment, other_mentee
):
    client.force_login(other_mentee)
    pairing = appointment.pairing

    booked = client.post(
        book_url(pairing),
        {
            "length": 45,
            "starts_at": slot_value(WED_10_NY),
            "mode": "video",
            "token": "3f1c7a52-0000-4000-8000-000000000009",
        },
    )
    moved = client.post(
        reverse("sessions_app:reschedule", args=[appointment.pk]),
        {"length": 45, "starts_at": slot_value(WED_10_NY)},
    )
    cancelled = client.post(
        reverse("sessions_app:cancel", args=[appointment.pk]), {"reason": "Not mine"}
    )

    assert (booked.status_code, moved.status_code, cancelled.status_code) == (404, 404, 404)
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.status, appointment.sequence) == (
        TUE_10_NY,
        "booked",
        0,
    )
    assert Appointment.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(client, appointment):
    for url in (
        book_url(appointment.pairing),
        reverse("sessions_app:detail", args=[appointment.pk]),
        reverse("sessions_app:cancel", args=[appointment.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_the_partner_may_cancel_a_session_the_mentee_booked(client, appointment):
    client.force_login(appointment.mentor)

    client.post(reverse("sessions_app:cancel", args=[appointment.pk]), {"reason": "Sick"})

    appointment.refresh_from_db()
    assert appointment.cancelled_by == appointment.mentor


def test_a_session_whose_end_has_passed_reads_held_without_a_live_call_link(pairing, client):
    video = "https://meet.example/past-call"
    past = AppointmentFactory(
        pairing=pairing,
        starts_at=datetime.now(UTC) - timedelta(days=2),
        length=45,
        mode="video",
        video_url=video,
    )
    coming = AppointmentFactory(
        pairing=pairing,
        starts_at=datetime.now(UTC) + timedelta(days=2),
        length=45,
        mode="video",
        video_url="https://meet.example/next-call",
    )
    client.force_login(pairing.mentee)

    past_page = client.get(reverse("sessions_app:detail", args=[past.pk])).content.decode()
    coming_page = client.get(reverse("sessions_app:detail", args=[coming.pk])).content.decode()
    listing = client.get(
        reverse("sessions_app:pairing_sessions", args=[pairing.pk]), {"show": "past"}
    ).content.decode()

    assert "Held ·" in past_page
    assert "Join the video call" not in past_page
    assert video not in past_page
    assert "Booked ·" in coming_page
    assert "Join the video call" in coming_page
    assert "<td>Held</td>" in listing
    assert "<td>Booked</td>" not in listing


# --- the week view ----------------------------------------------------------------------------

FIRST_FREE = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)  # Bob's Tuesday 09:00, after 24 h notice


def test_the_booking_page_shows_the_week_of_the_first_free_time_with_it_picked(client, agreed):
    client.force_login(agreed.mentee)  # Alice, Europe/London

    response = client.get(book_url(agreed))

    week = response.context["week"]
    assert [day.day for day in week.days] == [date(2026, 3, 2) + timedelta(n) for n in range(7)]
    counts = [len(day.slots) for day in week.days]
    assert counts[0] == counts[5] == counts[6] == 0  # Monday (inside the notice), the weekend
    assert min(counts[1:5]) > 0
    assert week.first_free.starts_at == FIRST_FREE
    assert (week.previous, week.next) == (None, date(2026, 3, 9))
    html = response.content.decode()
    assert "First free: <strong>Tue 3 Mar, 14:00</strong>" in html
    assert f"Week of 2 Mar {DASH} 8 Mar 2026" in html
    assert '<legend>Saturday 7 March</legend><p class="slot-none">No free times</p>' in html
    checked = rf'value="{re.escape(slot_value(FIRST_FREE))}" id="id_starts_at_\d+" required checked'
    assert re.search(checked, html)
    assert response.context["form"]["length"].value() == 30  # the shortest Bob offers
    assert response.context["form"]["mode"].value() == "in_person"  # the cohort asks, first


def test_booking_the_proposed_first_free_time_takes_only_the_button(client, agreed):
    agreed.cohort.first_session_in_person = False
    agreed.cohort.save()
    client.force_login(agreed.mentee)
    page = client.get(book_url(agreed))
    form = page.context["form"]

    response = client.post(
        book_url(agreed),
        {
            "length": form["length"].value(),
            "token": str(form["token"].value()),
            "starts_at": form["starts_at"].value(),
            "mode": form["mode"].value(),
            "place": "",
        },
    )

    appointment = Appointment.objects.get()
    assert response["Location"] == reverse("sessions_app:detail", args=[appointment.pk])
    assert (appointment.starts_at, appointment.mode) == (FIRST_FREE, "video")
    assert appointment.ends_at - appointment.starts_at == timedelta(minutes=30)


def test_the_week_links_page_by_week_and_keep_the_length(client, agreed):
    client.force_login(agreed.mentee)

    first = client.get(book_url(agreed), {"length": 45}).content.decode()
    assert 'href="?length=45&amp;week=2026-03-09"' in first
    assert 'hx-get="?length=45&amp;week=2026-03-09"' in first
    assert "Previous week" not in first

    response = client.get(book_url(agreed), {"length": 45, "week": "2026-03-11"})

    week = response.context["week"]
    assert week.monday == date(2026, 3, 9)
    assert (week.previous, week.next) == (date(2026, 3, 2), date(2026, 3, 16))
    html = response.content.decode()
    assert "Tuesday 10 March" in html
    assert "Tuesday 3 March" not in html
    assert f'value="{slot_value(FIRST_FREE)}"' not in html  # not in this week, so not picked
    assert " checked>" not in html.split('id="slot-picker"')[1].split("</fieldset>\n")[0]


@pytest.mark.parametrize(
    ("asked", "monday"),
    [
        ("2026-02-23", date(2026, 3, 2)),
        ("2027-01-04", date(2026, 4, 20)),
        ("soon", date(2026, 3, 2)),
    ],
)
def test_a_week_outside_the_bookable_weeks_or_unreadable_falls_back(client, agreed, asked, monday):
    client.force_login(agreed.mentee)

    response = client.get(book_url(agreed), {"week": asked})

    assert response.context["week"].monday == monday


def test_the_week_after_the_us_clocks_change_shows_each_viewer_their_own_times(client, agreed):
    """Bob's 09:00 is 14:00 in London before 8 March and 13:00 after, until Europe changes."""
    client.force_login(agreed.mentee)
    before = client.get(book_url(agreed), {"length": 45}).content.decode()
    after = client.get(book_url(agreed), {"length": 45, "week": "2026-03-09"}).content.decode()
    client.force_login(agreed.mentor)
    bob_after = client.get(book_url(agreed), {"length": 45, "week": "2026-03-09"}).content.decode()

    next_tue_9_ny = NEXT_TUE_10_NY - timedelta(hours=1)
    assert f'value="{slot_value(FIRST_FREE)}"' in before
    assert '<span class="visually-hidden">Tuesday 3 March, </span>14:00</label>' in before
    assert '<span class="visually-hidden">Tuesday 10 March, </span>13:00</label>' in after
    assert '<span class="visually-hidden">Tuesday 10 March, </span>14:00</label>' in after
    assert f'value="{slot_value(next_tue_9_ny)}"' in after
    assert '<span class="visually-hidden">Tuesday 10 March, </span>09:00</label>' in bob_after
    assert f"Week of 9 Mar {DASH} 15 Mar 2026" in bob_after


def test_a_refused_time_in_a_later_week_shows_that_week_again_with_it_checked(
    client, agreed, other_mentee
):
    client.force_login(agreed.mentee)
    page = client.get(book_url(agreed), {"length": 45})
    other = PairingFactory(cohort=CohortFactory(), mentor=agreed.mentor, mentee=other_mentee)
    agree(other, ["video"])
    book(other, starts_at=NEXT_TUE_10_NY)

    response = client.post(
        book_url(agreed), form_data(page, starts_at=slot_value(NEXT_TUE_10_NY), mode="chat")
    )

    assert "That time is no longer free" in response.content.decode()
    assert response.context["week"].monday == date(2026, 3, 9)
    assert response.context["form"]["mode"].value() == "chat"


def test_moving_a_session_proposes_no_time(client, agreed):
    appointment = book(agreed)
    client.force_login(agreed.mentee)

    response = client.get(reverse("sessions_app:reschedule", args=[appointment.pk]))

    assert response.context["week"].first_free is not None
    assert response.context["form"]["starts_at"].value() is None
    assert "First free:" in response.content.decode()


def test_a_refused_booking_still_says_the_cohort_asks_to_meet_in_person(client, agreed):
    client.force_login(agreed.mentee)
    token = str(client.get(book_url(agreed)).context["form"]["token"].value())

    response = client.post(book_url(agreed), {"length": "30", "token": token, "mode": "video"})

    assert response.status_code == 200
    assert response.context["first_in_person_due"] is True
    assert "so in person is proposed below" in response.content.decode()
    assert response.context["form"]["mode"].value() == "video"  # what was sent stays picked
