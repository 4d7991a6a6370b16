"""Feedback: asking both partners (after a session, at check-ins, at closing), reminding once,
and saving an answer.

Beat runs feedback_scan every 15 minutes. Each part writes one Feedback row per person and
occasion, and in the same transaction a notification due within that person's contact hours
(exchange's notification_schedule: a dashboard prompt is the row itself, the email is the
notification). Two scans at once never write twice: each locks the occasions it takes (the
sessions or pairings, FOR NO KEY UPDATE SKIP LOCKED, so others pass them by), checks again
under the lock which still have no rows (a scan that held them before has committed by then),
and only then inserts; the unique constraints on Feedback back this up (ignore_conflicts), and
only the rows this scan inserted are notified. Reminders are claimed the same way, by setting
reminded_at on rows locked with SKIP LOCKED.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.db.models import Exists, Max, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from feedback.models import Feedback
from feedback.selectors import (
    CHECK_IN_FIRST_AFTER,
    CLOSING_ASK_WITHIN,
    REMIND_AFTER,
    SESSION_ASK_WITHIN,
    check_in_round_due,
    feedback_is_open,
    open_filter,
)
from mentoring.errors import DomainError
from mentoring.links import absolute
from mentoring.live import counters_changed
from notifications.models import Notification
from notifications.services import notification_schedule
from pairings.models import Pairing
from sessions_app.events import appointment_event_publish
from sessions_app.models import Appointment
from sessions_app.services.booking import appointment_reported_not_held_set
from webhooks.models import EventKind
from webhooks.payloads import cohort_ref, organisation_ref, person_ref
from webhooks.services.publish import event_publish

BATCH = 200  # occasions per transaction: a long backlog is taken a batch at a time


class FeedbackRefused(DomainError):
    pass


# --- asking ---------------------------------------------------------------------------------


def _key(row: Feedback) -> tuple:
    return (row.pairing_id, row.person_id, row.appointment_id, row.round)


def _ask(*, rows: list[Feedback], now: datetime) -> int:
    """Insert `rows` (of one kind, asked at `now`, for occasions this transaction holds
    locked) and schedule a request notification for each row inserted; return how many."""
    if not rows:
        return 0
    Feedback.objects.bulk_create(rows, ignore_conflicts=True)
    counters_changed(user_ids=[row.person_id for row in rows])  # bulk: no signal
    # ignore_conflicts gives back no ids: read them again. Under our locks only this scan
    # inserts for these occasions, so their rows asked at `now` are the ones it wrote.
    ours = {_key(row) for row in rows}
    written = Feedback.objects.filter(
        kind=rows[0].kind, asked_at=now, pairing_id__in={row.pairing_id for row in rows}
    ).select_related("person", "pairing")
    count = 0
    for feedback in sorted(written, key=lambda row: row.pk):
        if _key(feedback) not in ours:
            continue
        notification_schedule(
            recipient=feedback.person,
            pairing=feedback.pairing,
            kind=Notification.Kind.FEEDBACK,
            feedback=feedback,
        )
        count += 1
    return count


def _both(pairing_id: int, mentor_id: int, mentee_id: int, **occasion: object) -> list[Feedback]:
    return [
        Feedback(pairing_id=pairing_id, person_id=person_id, **occasion)
        for person_id in (mentor_id, mentee_id)
    ]


def feedback_ask_after_sessions(*, now: datetime) -> int:
    """Ask both people of each session that ended in the last SESSION_ASK_WITHIN, in an active
    pairing, and has no feedback rows yet; return how many rows were written. Safe to run
    twice and at once."""
    total = 0
    while True:
        with transaction.atomic():
            taken = list(
                Appointment.objects.select_for_update(skip_locked=True, no_key=True, of=("self",))
                .filter(
                    status=Appointment.Status.BOOKED,
                    ends_at__lte=now,
                    ends_at__gt=now - SESSION_ASK_WITHIN,
                    pairing__status=Pairing.Status.ACTIVE,
                )
                .filter(~Exists(Feedback.objects.filter(appointment=OuterRef("pk"))))
                .order_by("ends_at", "pk")
                .values_list("pk", "pairing_id", "mentor_id", "mentee_id")[:BATCH]
            )
            # A fresh look under the lock: a scan that held these before us has committed.
            done = set(
                Feedback.objects.filter(appointment_id__in=[row[0] for row in taken]).values_list(
                    "appointment_id", flat=True
                )
            )
            rows = [
                feedback
                for pk, pairing_id, mentor_id, mentee_id in taken
                if pk not in done
                for feedback in _both(
                    pairing_id,
                    mentor_id,
                    mentee_id,
                    kind=Feedback.Kind.SESSION,
                    appointment_id=pk,
                    asked_at=now,
                )
            ]
            total += _ask(rows=rows, now=now)
            _sessions_held_publish(appointment_ids=[pk for pk, *_people in taken if pk not in done])
        if len(taken) < BATCH:
            return total


def _sessions_held_publish(*, appointment_ids: list[int]) -> None:
    """The organisation's webhooks hear that these sessions were held: the moment the scan
    first asks for their feedback (their end passed, still booked, in an active pairing).
    Nothing else marks a session held; a partner may later answer that it did not happen."""
    if not appointment_ids:
        return
    sessions = Appointment.objects.filter(pk__in=appointment_ids).select_related(
        "pairing__cohort__organisation", "mentor", "mentee", "booked_by", "cancelled_by"
    )
    for appointment in sessions.order_by("ends_at", "pk"):
        appointment_event_publish(appointment=appointment, kind=EventKind.SESSION_HELD)


def _check_ins_due(*, now: datetime) -> dict[int, int]:
    """Active pairings whose latest due check-in round has no rows yet: {pairing id: round}.
    Only the latest round: a pairing found late is not asked several rounds at once."""
    rows = (
        Pairing.objects.filter(
            status=Pairing.Status.ACTIVE, accepted_at__lte=now - CHECK_IN_FIRST_AFTER
        )
        .annotate(
            last_round=Max("feedback__round", filter=Q(feedback__kind=Feedback.Kind.CHECK_IN))
        )
        .values_list("pk", "accepted_at", "last_round")
    )
    due = {}
    for pk, accepted_at, last_round in rows:
        round_due = check_in_round_due(accepted_at=accepted_at, now=now)
        if round_due > (last_round or 0):
            due[pk] = round_due
    return due


def feedback_ask_check_ins(*, now: datetime) -> int:
    """Ask both people of each active pairing whose check-in is due (a month after it started,
    then every two months) and not yet asked; return how many rows were written. Safe to run
    twice and at once."""
    due = _check_ins_due(now=now)
    ids = sorted(due)
    total = 0
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            taken = list(
                Pairing.objects.select_for_update(skip_locked=True, no_key=True)
                .filter(pk__in=ids[start : start + BATCH], status=Pairing.Status.ACTIVE)
                .order_by("pk")
                .values_list("pk", "mentor_id", "mentee_id")
            )
            asked = dict(
                Feedback.objects.filter(
                    pairing_id__in=[row[0] for row in taken], kind=Feedback.Kind.CHECK_IN
                )
                .values("pairing_id")
                .annotate(last=Max("round"))
                .values_list("pairing_id", "last")
            )
            rows = [
                feedback
                for pk, mentor_id, mentee_id in taken
                if due[pk] > asked.get(pk, 0)
                for feedback in _both(
                    pk,
                    mentor_id,
                    mentee_id,
                    kind=Feedback.Kind.CHECK_IN,
                    round=due[pk],
                    asked_at=now,
                )
            ]
            total += _ask(rows=rows, now=now)
    return total


def feedback_ask_closing(*, now: datetime) -> int:
    """Ask both people of each pairing that closed in the last CLOSING_ASK_WITHIN, after it had
    started, for a closing reflection; return how many rows were written. Safe to run twice
    and at once."""
    total = 0
    while True:
        with transaction.atomic():
            taken = list(
                Pairing.objects.select_for_update(skip_locked=True, no_key=True)
                .filter(
                    status=Pairing.Status.CLOSED,
                    accepted_at__isnull=False,
                    closed_at__lte=now,
                    closed_at__gt=now - CLOSING_ASK_WITHIN,
                )
                .filter(
                    ~Exists(
                        Feedback.objects.filter(pairing=OuterRef("pk"), kind=Feedback.Kind.CLOSING)
                    )
                )
                .order_by("closed_at", "pk")
                .values_list("pk", "mentor_id", "mentee_id")[:BATCH]
            )
            done = set(
                Feedback.objects.filter(
                    pairing_id__in=[row[0] for row in taken], kind=Feedback.Kind.CLOSING
                ).values_list("pairing_id", flat=True)
            )
            rows = [
                feedback
                for pk, mentor_id, mentee_id in taken
                if pk not in done
                for feedback in _both(
                    pk, mentor_id, mentee_id, kind=Feedback.Kind.CLOSING, asked_at=now
                )
            ]
            total += _ask(rows=rows, now=now)
        if len(taken) < BATCH:
            return total


def feedback_remind_unanswered(*, now: datetime) -> int:
    """Remind, once, each open row unanswered REMIND_AFTER after it was asked: set reminded_at
    and schedule a reminder notification; return how many. Safe to run twice and at once."""
    total = 0
    while True:
        with transaction.atomic():
            ids = list(
                Feedback.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    answered_at__isnull=True,
                    reminded_at__isnull=True,
                    asked_at__lte=now - REMIND_AFTER,
                )
                .filter(open_filter(now=now))
                .order_by("asked_at", "pk")
                .values_list("pk", flat=True)[:BATCH]
            )
            Feedback.objects.filter(pk__in=ids).update(reminded_at=now)
            for feedback in Feedback.objects.filter(pk__in=ids).select_related("person", "pairing"):
                notification_schedule(
                    recipient=feedback.person,
                    pairing=feedback.pairing,
                    kind=Notification.Kind.FEEDBACK_REMINDER,
                    feedback=feedback,
                )
            total += len(ids)
        if len(ids) < BATCH:
            return total


@dataclass(frozen=True)
class ScanResult:
    after_sessions: int
    check_ins: int
    closing: int
    reminded: int


def feedback_scan(*, now: datetime) -> ScanResult:
    """Everything beat asks every 15 minutes: the three kinds of questions, then reminders.
    Safe to run twice and at once (see the module's docstring)."""
    return ScanResult(
        after_sessions=feedback_ask_after_sessions(now=now),
        check_ins=feedback_ask_check_ins(now=now),
        closing=feedback_ask_closing(now=now),
        reminded=feedback_remind_unanswered(now=now),
    )


# --- answering ------------------------------------------------------------------------------


def _feedback_submitted_publish(row: Feedback) -> None:
    """The organisation's webhooks get the answer's figures, as the cohort page shows them;
    the words stay with the people they were written for."""
    pairing = row.pairing
    cohort = pairing.cohort

    def data() -> dict:
        return {
            "feedback_id": row.pk,
            "kind": row.kind,
            "pairing_id": pairing.pk,
            "session_id": row.appointment_id,
            "person": person_ref(row.person),
            "role": "mentor" if row.person_id == pairing.mentor_id else "mentee",
            "took_place": row.took_place,
            "rating": row.rating,
            "satisfaction": row.satisfaction,
            "wants_help": row.wants_help,
            "answered_at": row.answered_at,
            "organisation": organisation_ref(cohort.organisation),
            "cohort": cohort_ref(cohort),
            "url": absolute("oversight:cohort_detail", cohort.pk),
        }

    event_publish(organisation=cohort.organisation_id, kind=EventKind.FEEDBACK_SUBMITTED, data=data)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise FeedbackRefused(message)


@transaction.atomic
def feedback_answer(
    *,
    feedback: Feedback,
    by: User,
    took_place: bool | None = None,
    rating: int | None = None,
    went_well: str = "",
    could_be_better: str = "",
    satisfaction: int | None = None,
    contact_working: str = "",
    wants_help: bool = False,
    comments: str = "",
    share_with_partner: bool = False,
    share_with_programme: bool = False,
) -> Feedback:
    """Save `by`'s answer on their own row; answering again replaces the answer while the
    occasion is open. Keeps only the fields of the row's kind; a session that did not take
    place keeps no rating or words. Raises FeedbackRefused (not the person asked, no longer
    open, or an answer missing). Safe to repeat."""
    row = (
        Feedback.objects.select_for_update(of=("self",))
        .select_related("pairing")
        .get(pk=feedback.pk)
    )
    _require(row.person_id == by.pk, _("Only the person asked can answer this."))
    _require(
        feedback_is_open(feedback=row, now=timezone.now()),
        _("This can no longer be answered or changed: the pairing has ended.")
        if row.kind != Feedback.Kind.CLOSING
        else _("The time for this reflection has passed."),
    )
    answers = {
        "took_place": None,
        "rating": None,
        "went_well": "",
        "could_be_better": "",
        "satisfaction": None,
        "contact_working": "",
        "wants_help": False,
        "comments": "",
        "share_with_partner": share_with_partner,
        "share_with_programme": share_with_programme,
    }
    if row.kind == Feedback.Kind.SESSION:
        _require(took_place is not None, _("Say whether the session took place."))
        answers["took_place"] = took_place
        if took_place:
            _require(rating is not None, _("Choose a rating from 1 to 5."))
            answers.update(rating=rating, went_well=went_well, could_be_better=could_be_better)
        else:
            answers.update(share_with_partner=False, share_with_programme=False)
    elif row.kind == Feedback.Kind.CHECK_IN:
        _require(satisfaction is not None, _("Choose how satisfied you are, from 1 to 5."))
        _require(bool(contact_working), _("Say whether the contact you agreed is working."))
        answers.update(
            satisfaction=satisfaction,
            contact_working=contact_working,
            wants_help=wants_help,
            comments=comments,
        )
    else:
        _require(satisfaction is not None, _("Choose how satisfied you are, from 1 to 5."))
        answers.update(
            satisfaction=satisfaction,
            went_well=went_well,
            could_be_better=could_be_better,
            comments=comments,
        )
    for name, value in answers.items():
        setattr(row, name, value)
    row.answered_at = timezone.now()
    row.full_clean(
        exclude=["pairing", "person", "appointment"],
        validate_unique=False,
        validate_constraints=False,
    )
    row.save(update_fields=[*answers, "answered_at"])
    if row.kind == Feedback.Kind.SESSION:
        # Either partner saying it did not take place makes the session "Missed" everywhere.
        appointment_reported_not_held_set(
            appointment_id=row.appointment_id,
            not_held=Feedback.objects.filter(
                appointment_id=row.appointment_id, kind=Feedback.Kind.SESSION, took_place=False
            ).exists(),
        )
    _feedback_submitted_publish(row)
    # Answered on the site: the request and its reminder need not go out.
    Notification.objects.filter(feedback=row, status=Notification.Status.PENDING).update(
        status=Notification.Status.SKIPPED
    )
    return row
