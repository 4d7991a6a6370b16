"""Demo data for scheduling: availability, a past session with notes, an upcoming one with an
agenda, for each demo pairing whose agreement allows a way to meet."""

from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from feedback.models import Feedback
from feedback.services import feedback_answer, feedback_scan
from notifications.models import Notification
from pairings.models import Pairing
from programmes.models import Cohort
from sessions_app.models import Appointment
from sessions_app.selectors.appointments import booking_modes_for
from sessions_app.selectors.slots import free_slots
from sessions_app.services.agenda import action_item_add, agenda_item_add, session_note_save
from sessions_app.services.availability import availability_save
from sessions_app.services.booking import appointment_book


def demo_sessions_load(*, cohort: Cohort) -> None:
    """Once per demo cohort; later calls change nothing."""
    if Appointment.objects.filter(pairing__cohort=cohort).exists():
        return
    now = timezone.now()
    pairings = (
        cohort.pairings.filter(status=Pairing.Status.ACTIVE)
        .select_related("mentor", "mentee")
        .order_by("pk")
    )
    for mentor in {p.mentor for p in cohort.pairings.select_related("mentor")}:
        availability_save(
            mentor=mentor,
            session_lengths=[30, 45, 60],
            buffer_before=0,
            buffer_after=10,
            notice_hours=12,
            weekly_limit=5,
            horizon_weeks=8,
            windows=[(day, time(9), time(17)) for day in range(5)],
        )
    # Only pairings whose agreement names a way to meet; in a stable order, so their past
    # sessions all ended within the days the feedback scan asks about.
    bookable = [(p, modes) for p in pairings if (modes := booking_modes_for(pairing=p))]
    for index, (pairing, modes) in enumerate(bookable):
        # A day apart, so a mentor with several mentees is never in two places at once.
        started = (now - timedelta(days=11 + index)).replace(minute=0, second=0, microsecond=0)
        past = Appointment.objects.create(
            pairing=pairing,
            mentor=pairing.mentor,
            mentee=pairing.mentee,
            starts_at=started,
            ends_at=started + timedelta(minutes=45),
            blocked_from=started,
            blocked_until=started + timedelta(minutes=55),
            mode=modes[0],
            booked_by=pairing.mentee,
        )
        session_note_save(
            appointment=past,
            author=pairing.mentor,
            text="Good first conversation: goals are clear. Next time: feedback conversations.",
            shared=True,
        )
        session_note_save(
            appointment=past,
            author=pairing.mentee,
            text="Felt nervous at first. Ask about the quarterly results presentation.",
            shared=False,
        )
        action_item_add(
            appointment=past, author=pairing.mentee, text="Write down three examples of feedback"
        )
        slots = free_slots(mentor=pairing.mentor, mentee=pairing.mentee, length=45, now=now)
        if not slots:
            continue
        upcoming = appointment_book(
            pairing=pairing,
            booked_by=pairing.mentee,
            starts_at=slots[min(len(slots) - 1, 4)].starts_at,
            length=45,
            mode=modes[0],
            place="Café near the office" if modes[0] == Appointment.Mode.IN_PERSON else "",
            now=now,
        )
        agenda_item_add(
            appointment=upcoming,
            author=pairing.mentee,
            kind="question",
            text="How do I give difficult feedback to a peer?",
        )


# (rating, went well, could be better, shared with the partner, shared with the programme)
DEMO_ANSWERS = [
    (5, "Clear next steps and honest advice.", "", True, False),
    (4, "Good questions about my team.", "We ran out of time for the last topic.", True, True),
    (3, "Useful, but we drifted.", "An agenda beforehand would help.", False, True),
    (2, "", "The call dropped twice; hard to follow.", False, False),
]


def demo_feedback_load(*, cohort: Cohort) -> None:
    """Ask for feedback on the demo's past sessions as the beat scan would, and answer most of
    it with a spread of ratings (some words shared with the partner, some with the programme);
    one prompt per pairing stays open for the dashboard. No email: the demo's notifications
    are skipped. Once per demo cohort."""
    if Feedback.objects.filter(pairing__cohort=cohort).exists():
        return
    with transaction.atomic():
        feedback_scan(now=timezone.now())
        rows = Feedback.objects.filter(pairing__cohort=cohort, kind=Feedback.Kind.SESSION)
        for index, row in enumerate(rows.order_by("pairing_id", "person_id")):
            if row.person_id == row.pairing.mentee_id and index % 4 == 3:
                continue  # left waiting: the mentee's dashboard shows the prompt
            rating, went_well, better, to_partner, to_programme = DEMO_ANSWERS[
                index % len(DEMO_ANSWERS)
            ]
            feedback_answer(
                feedback=row,
                by=row.person,
                took_place=True,
                rating=rating,
                went_well=went_well,
                could_be_better=better,
                share_with_partner=to_partner,
                share_with_programme=to_programme,
            )
        Notification.objects.filter(pairing__cohort=cohort, feedback__isnull=False).update(
            status=Notification.Status.SKIPPED
        )
