"""Demo data for scheduling: availability, a past session with notes, an upcoming one with an
agenda, for each demo pairing whose agreement allows a way to meet."""

from datetime import time, timedelta

from django.utils import timezone

from programmes.models import Cohort, Pairing

from .models import Appointment
from .selectors.appointments import booking_modes_for
from .selectors.slots import free_slots
from .services.agenda import action_item_add, agenda_item_add, session_note_save
from .services.availability import availability_save
from .services.booking import appointment_book


def demo_sessions_load(*, cohort: Cohort) -> None:
    """Once per demo cohort; later calls change nothing."""
    if Appointment.objects.filter(pairing__cohort=cohort).exists():
        return
    now = timezone.now()
    pairings = cohort.pairings.filter(status=Pairing.Status.ACTIVE).select_related(
        "mentor", "mentee"
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
    for index, pairing in enumerate(pairings):
        modes = booking_modes_for(pairing=pairing)
        if not modes:
            continue  # their agreement names no way to meet yet
        # A day apart, so a mentor with several mentees is never in two places at once.
        started = (now - timedelta(days=12 + index)).replace(minute=0, second=0, microsecond=0)
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
