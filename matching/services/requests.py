"""Mentee-requests mode: a mentee queues up to three mentors, and each is asked in turn.

The queue is the mentee's choices (MentorPreference, ranks 1-3, renumbered as choices leave it).
The first is asked (a pending MentorRequest, answered within the cohort's timeout); when the
mentor declines, does not answer in time, or the mentee withdraws, the choice leaves the queue
and the next one is asked. A mentor is asked at most once by each mentee in a cohort.

Locks, always taken in this order so that no two of these wait for each other: the request row,
then the mentee's enrolment (every change to a mentee's queue waits there), then the mentor's
enrolment (pairing_create_active, which keeps the mentor's capacity).
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.services import email_send_once
from matching.models import MentorRequest
from matching.selectors.requests import (
    MAX_CHOICES,
    live_pairing_for_mentee,
    mentor_places_left,
    request_pair_fit,
)
from mentoring.errors import DomainError
from mentoring.links import absolute
from outbox.services import task_enqueue_on_commit
from pairings.models import Pairing
from pairings.services.pairings import MentorFull, PairingRefused, pairing_create_active
from programmes.emails import programme_email_build
from programmes.models import Cohort, Enrolment, MentorPreference, ParticipantRole

EXPIRE_BATCH = 100


class RequestRefused(DomainError):
    pass


def _notify(request: MentorRequest, kind: str) -> None:
    from matching.tasks.requests import request_notify_task

    task_enqueue_on_commit(request_notify_task, request.pk, kind)


def _mentee_lock(*, cohort_id: int, mentee_id: int) -> Enrolment | None:
    """Lock the mentee's enrolment until commit (None when they left the cohort)."""
    return (
        Enrolment.objects.select_for_update(of=("self",))
        .select_related("cohort", "user")
        .filter(cohort_id=cohort_id, user_id=mentee_id, role=ParticipantRole.MENTEE)
        .first()
    )


def _request_lock(*, request: MentorRequest) -> MentorRequest:
    return (
        MentorRequest.objects.select_for_update(of=("self",))
        .select_related("cohort", "mentee", "mentor")
        .get(pk=request.pk)
    )


def _send_next(*, enrolment: Enrolment, now: datetime) -> MentorRequest | None:
    """Ask the mentee's first choice that can still be asked, unless a request is out or they
    have a mentor; choices that can no longer be asked (asked before, full) leave the queue."""
    cohort, mentee = enrolment.cohort, enrolment.user
    earlier = MentorRequest.objects.filter(cohort=cohort, mentee=mentee)
    sent = None
    waiting = not earlier.filter(status=MentorRequest.Status.PENDING).exists()
    if waiting and live_pairing_for_mentee(cohort=cohort, mentee=mentee) is None:
        asked = set(earlier.values_list("mentor_id", flat=True))
        for choice in enrolment.preferences.order_by("rank"):
            if (
                choice.mentor_id in asked
                or mentor_places_left(cohort=cohort, mentor_id=choice.mentor_id) <= 0
            ):
                choice.delete()
                continue
            sent = MentorRequest.objects.create(
                cohort=cohort,
                mentee=mentee,
                mentor_id=choice.mentor_id,
                rank=len(asked) + 1,
                expires_at=now + timedelta(days=cohort.request_timeout_days),
            )
            _notify(sent, "arrived")
            break
    # Ranks stay 1, 2, 3 in order; each update moves a choice into a rank already freed.
    for rank, choice in enumerate(enrolment.preferences.order_by("rank"), start=1):
        if choice.rank != rank:
            choice.rank = rank
            choice.save(update_fields=["rank"])
    return sent


def _move_on(*, enrolment: Enrolment | None, request: MentorRequest, now: datetime) -> None:
    """The request is over without a pairing: its mentor leaves the queue, the next is asked."""
    if enrolment is None:
        return
    enrolment.preferences.filter(mentor_id=request.mentor_id).delete()
    _send_next(enrolment=enrolment, now=now)


@transaction.atomic
def request_create(*, enrolment: Enrolment, mentor: User) -> MentorPreference:
    """Add the mentor to the mentee's choices; the first choice is asked at once, the others
    wait their turn. Raises RequestRefused (nothing changes then)."""
    locked = _mentee_lock(cohort_id=enrolment.cohort_id, mentee_id=enrolment.user_id)
    if locked is None:
        raise RequestRefused(_("You are not a mentee in this cohort."))
    cohort, mentee = locked.cohort, locked.user
    names = {"name": mentor.name}
    if cohort.matching_mode != Cohort.MatchingMode.REQUESTS:
        raise RequestRefused(_("In this cohort the programme admins match mentors and mentees."))
    if live_pairing_for_mentee(cohort=cohort, mentee=mentee) is not None:
        raise RequestRefused(_("You already have a mentor in this cohort."))
    choices = list(locked.preferences.all())
    if any(choice.mentor_id == mentor.pk for choice in choices):
        raise RequestRefused(_("%(name)s is already one of your choices.") % names)
    if MentorRequest.objects.filter(cohort=cohort, mentee=mentee, mentor=mentor).exists():
        raise RequestRefused(
            _("You asked %(name)s before in this cohort. Choose another mentor.") % names
        )
    if len(choices) >= MAX_CHOICES:
        raise RequestRefused(
            _("You have %(count)d choices already. Withdraw one to choose another mentor.")
            % {"count": MAX_CHOICES}
        )
    if request_pair_fit(cohort=cohort, mentee_id=mentee.pk, mentor_id=mentor.pk) is None:
        raise RequestRefused(_("%(name)s is not among the mentors you can ask here.") % names)
    if mentor_places_left(cohort=cohort, mentor_id=mentor.pk) <= 0:
        raise RequestRefused(
            _("%(name)s has no places left in this cohort. Choose another mentor.") % names
        )
    choice = MentorPreference.objects.create(enrolment=locked, mentor=mentor, rank=len(choices) + 1)
    _send_next(enrolment=locked, now=timezone.now())
    return choice


@transaction.atomic
def request_withdraw(*, choice: MentorPreference) -> MentorRequest | None:
    """Take a mentor off the mentee's choices. A request waiting for them is withdrawn (and
    returned) and the next choice is asked. Safe to repeat."""
    enrolment = choice.enrolment
    pending = (
        MentorRequest.objects.select_for_update(of=("self",))
        .filter(
            cohort_id=enrolment.cohort_id,
            mentee_id=enrolment.user_id,
            mentor_id=choice.mentor_id,
            status=MentorRequest.Status.PENDING,
        )
        .first()
    )
    locked = _mentee_lock(cohort_id=enrolment.cohort_id, mentee_id=enrolment.user_id)
    if pending is not None:
        pending.status = MentorRequest.Status.WITHDRAWN
        pending.save(update_fields=["status"])
    if locked is not None:
        locked.preferences.filter(mentor_id=choice.mentor_id).delete()
        _send_next(enrolment=locked, now=timezone.now())
    return pending


def _answerable(*, request: MentorRequest, by: User) -> MentorRequest:
    request = _request_lock(request=request)
    if by.pk != request.mentor_id:
        raise RequestRefused(_("Only the mentor asked can answer this request."))
    if request.status != MentorRequest.Status.PENDING:
        raise RequestRefused(
            _("This request is no longer waiting for an answer (%(status)s).")
            % {"status": request.get_status_display().lower()}
        )
    return request


@transaction.atomic
def request_accept(*, mentor_request: MentorRequest, by: User, note: str = "") -> Pairing:
    """The mentor accepts: the pairing starts (pairing_create_active opens the contact agreement
    and emails both), the mentee is told and their other choices are dropped.

    Raises RequestRefused, leaving the request pending, when the mentor has no places left (the
    mentor's row lock makes simultaneous accepts queue up) or the mentee has a mentor already.
    """
    # Scored before any lock is taken, so the locks are held for as short a time as possible.
    fit = request_pair_fit(
        cohort=mentor_request.cohort,
        mentee_id=mentor_request.mentee_id,
        mentor_id=mentor_request.mentor_id,
    )
    request = _answerable(request=mentor_request, by=by)
    enrolment = _mentee_lock(cohort_id=request.cohort_id, mentee_id=request.mentee_id)
    names = {"name": request.mentee.name}
    if fit is None:
        raise RequestRefused(_("You can no longer be paired with %(name)s here.") % names)
    try:
        pairing = pairing_create_active(
            cohort=request.cohort,
            mentor=request.mentor,
            mentee=request.mentee,
            source=Pairing.Source.REQUEST,
            score=fit.score,
            criteria=fit.criteria,
        )
    except MentorFull:
        raise RequestRefused(_("You have no places left in this cohort.")) from None
    except PairingRefused as exc:
        raise RequestRefused(exc.message) from None
    request.status = MentorRequest.Status.ACCEPTED
    request.answered_at = timezone.now()
    request.note = note
    request.save(update_fields=["status", "answered_at", "note"])
    if enrolment is not None:
        enrolment.preferences.all().delete()
    _notify(request, "accepted")
    return pairing


@transaction.atomic
def request_decline(*, mentor_request: MentorRequest, by: User, note: str = "") -> MentorRequest:
    """The mentor declines (the note goes to the mentee); the mentee's next choice is asked.

    Raises RequestRefused when the request is not theirs or no longer pending.
    """
    request = _answerable(request=mentor_request, by=by)
    enrolment = _mentee_lock(cohort_id=request.cohort_id, mentee_id=request.mentee_id)
    request.status = MentorRequest.Status.DECLINED
    request.answered_at = timezone.now()
    request.note = note
    request.save(update_fields=["status", "answered_at", "note"])
    _notify(request, "declined")
    _move_on(enrolment=enrolment, request=request, now=request.answered_at)
    return request


@transaction.atomic
def _requests_expire_batch(*, now: datetime, size: int) -> int:
    # SKIP LOCKED: a request another scanner (or a mentor answering) holds is left to them.
    due = list(
        MentorRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(status=MentorRequest.Status.PENDING, expires_at__lte=now)
        .select_related("cohort", "mentee", "mentor")
        .order_by("expires_at", "pk")[:size]
    )
    for request in due:
        enrolment = _mentee_lock(cohort_id=request.cohort_id, mentee_id=request.mentee_id)
        request.status = MentorRequest.Status.EXPIRED
        request.save(update_fields=["status"])
        _notify(request, "expired")
        _move_on(enrolment=enrolment, request=request, now=now)
    return len(due)


def requests_expire_due(*, now: datetime, batch: int = EXPIRE_BATCH) -> int:
    """Expire the pending requests whose time is up and ask each mentee's next choice; returns
    how many expired. Safe to run twice, and at once: each batch claims its rows with
    SELECT ... FOR UPDATE SKIP LOCKED in its own transaction, so no request is handled twice."""
    total = 0
    while True:
        done = _requests_expire_batch(now=now, size=batch)
        total += done
        if done < batch:
            return total


_SUBJECTS = {
    "arrived": lambda r: _("%(mentee)s asks you to be their mentor") % {"mentee": r.mentee.name},
    "accepted": lambda r: _("%(mentor)s accepted your request") % {"mentor": r.mentor.name},
    "declined": lambda r: _("%(mentor)s declined your request") % {"mentor": r.mentor.name},
    "expired": lambda r: (
        _("%(mentor)s did not answer your request in time") % {"mentor": r.mentor.name}
    ),
}


def request_notify(*, request_id: int, kind: str) -> bool:
    """Email the mentor that a request arrived, or the mentee how it ended ("accepted",
    "declined", "expired"); once per (request, kind). Safe to repeat; False when nothing went
    out (sent before, or a request withdrawn before the mentor heard of it)."""
    request = MentorRequest.objects.select_related("cohort", "mentee", "mentor").get(pk=request_id)
    subject = _SUBJECTS[kind](request)
    if kind == "arrived":
        if request.status == MentorRequest.Status.WITHDRAWN:
            return False
        recipient = request.mentor
        context = {"link": absolute("matching:request_answer", request.pk)}
    elif kind == "accepted":
        recipient = request.mentee
        context = {"link": absolute("matching:request_choose", request.cohort_id)}
    else:
        recipient = request.mentee
        # The request sent when this one ended is the mentee's next one in the cohort.
        following = (
            MentorRequest.objects.filter(
                cohort=request.cohort, mentee=request.mentee, created_at__gt=request.created_at
            )
            .select_related("mentor")
            .order_by("created_at")
            .first()
        )
        context = {
            "next_request": following,
            "link": absolute("matching:request_choose", request.cohort_id),
        }
    return email_send_once(
        kind=f"request_{kind}",
        key=f"request:{request.pk}",
        recipient=recipient,
        build=lambda: programme_email_build(
            template=f"matching/request_{kind}",
            to=recipient,
            subject=subject,
            context={"request": request, **context},
        ),
    )
