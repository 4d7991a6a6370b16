"""Pairings: proposed → active (the mentor accepts) → closed; declined goes back to the admins."""

from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from mentoring.errors import DomainError
from outbox.services import task_enqueue_on_commit
from pairings.events import pairing_event_publish
from pairings.models import Pairing
from pairings.services.agreements import agreement_open
from pairings.signals import pairing_closing
from programmes.models import Cohort, Enrolment, ParticipantRole
from programmes.selectors import cohort_admins
from webhooks.models import EventKind


class PairingRefused(DomainError):
    pass


class MentorFull(PairingRefused):
    pass


def _mentor_places_left(*, cohort: Cohort, mentor: User) -> int:
    """Places the mentor has left in the cohort. Locks their enrolment row until commit, so
    concurrent accepts and requests for the same mentor queue up behind each other."""
    enrolment = (
        Enrolment.objects.select_for_update()
        .filter(cohort=cohort, user=mentor, role=ParticipantRole.MENTOR)
        .first()
    )
    if enrolment is None:
        raise PairingRefused(_("%(name)s is not a mentor in this cohort.") % {"name": mentor})
    capacity = enrolment.capacity or cohort.default_mentor_capacity
    taken = Pairing.objects.filter(
        cohort=cohort, mentor=mentor, status=Pairing.Status.ACTIVE
    ).count()
    return capacity - taken


def _notify(pairing: Pairing, kind: str, *recipients: User) -> None:
    from pairings.tasks.pairings import pairing_notify_task

    for recipient in recipients:
        task_enqueue_on_commit(pairing_notify_task, pairing.pk, kind, recipient.pk)


def _activate(pairing: Pairing) -> Pairing:
    if _mentor_places_left(cohort=pairing.cohort, mentor=pairing.mentor) <= 0:
        raise MentorFull(
            _("%(name)s has no places left in this cohort.") % {"name": pairing.mentor}
        )
    pairing.status = Pairing.Status.ACTIVE
    pairing.accepted_at = timezone.now()
    try:
        with transaction.atomic():  # a savepoint: the one-live-pairing rule may refuse it
            pairing.save()
    except IntegrityError:
        raise PairingRefused(
            _("%(name)s already has a mentor in this cohort.") % {"name": pairing.mentee}
        ) from None
    agreement_open(pairing=pairing)
    pairing_event_publish(pairing=pairing, kind=EventKind.PAIRING_ACTIVATED)
    return pairing


@transaction.atomic
def pairing_create_active(
    *,
    cohort: Cohort,
    mentor: User,
    mentee: User,
    source: str,
    score: float | None = None,
    criteria: dict | None = None,
) -> Pairing:
    """Start a pairing the mentor has already agreed to (a request they accepted).

    Raises PairingRefused when the mentor is full or the mentee already has a live pairing.
    """
    pairing = Pairing(
        cohort=cohort,
        mentor=mentor,
        mentee=mentee,
        source=source,
        score=score,
        criteria=criteria or {},
    )
    _activate(pairing)
    _notify(pairing, "started", mentor, mentee)
    return pairing


@transaction.atomic
def pairing_accept(*, pairing: Pairing, by: User) -> Pairing:
    """The mentor accepts a proposed pairing; the mentee is told. Raises PairingRefused."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if by.pk != pairing.mentor_id:
        raise PairingRefused(_("Only the mentor can accept this pairing."))
    if pairing.status != Pairing.Status.PROPOSED:
        raise PairingRefused(_("This pairing is no longer waiting for an answer."))
    _activate(pairing)
    _notify(pairing, "accepted", pairing.mentee)
    return pairing


@transaction.atomic
def pairing_decline(*, pairing: Pairing, by: User, note: str = "") -> Pairing:
    """The mentor declines a proposal: it goes back to the cohort's admins, never re-proposed."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if by.pk != pairing.mentor_id:
        raise PairingRefused(_("Only the mentor can decline this pairing."))
    if pairing.status != Pairing.Status.PROPOSED:
        raise PairingRefused(_("This pairing is no longer waiting for an answer."))
    pairing.status = Pairing.Status.DECLINED
    pairing.declined_at = timezone.now()
    pairing.decline_note = note
    pairing.save(update_fields=["status", "declined_at", "decline_note"])
    _notify(pairing, "declined", *cohort_admins(cohort=pairing.cohort))
    return pairing


@transaction.atomic
def pairing_close(*, pairing: Pairing, by: User, reason: str, note: str = "") -> Pairing:
    """Close a live pairing (either partner or a cohort admin), with a reason."""
    pairing = Pairing.objects.select_for_update().get(pk=pairing.pk)
    if not pairing.is_live:
        raise PairingRefused(_("This pairing is already closed."))
    if reason not in Pairing.CloseReason.values:
        raise PairingRefused(_("Choose why the pairing closes."))
    pairing_closing.send(sender=Pairing, pairing=pairing, by=by)
    pairing.status = Pairing.Status.CLOSED
    pairing.closed_at = timezone.now()
    pairing.closed_by = by
    pairing.close_reason = reason
    pairing.close_note = note
    pairing.save(update_fields=["status", "closed_at", "closed_by", "close_reason", "close_note"])
    pairing_event_publish(pairing=pairing, kind=EventKind.PAIRING_CLOSED)
    _notify(pairing, "closed", *(u for u in (pairing.mentor, pairing.mentee) if u.pk != by.pk))
    return pairing


def mentor_load(*, cohort: Cohort) -> dict[int, int]:
    """Active mentees per mentor id in the cohort."""
    rows = (
        Pairing.objects.filter(cohort=cohort, status=Pairing.Status.ACTIVE)
        .values("mentor")
        .annotate(n=Count("pk"))
    )
    return {row["mentor"]: row["n"] for row in rows}
