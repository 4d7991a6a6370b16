"""Planned pauses of a pairing: either partner declares one ("we are pausing until ..."), ends it
early or withdraws it; one longer than the cohort's `pause_max_days` waits for an admin.

Every change locks the pairing's row first, so two declarations at once (or a declaration and
an admin's decision) queue up behind each other and the overlap check sees the other's row.
Dates are days in the person's own time zone: "today" is their today.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from accounts.models import User
from audit.events import admin_event_log
from mentoring.errors import DomainError
from outbox.services import task_enqueue_on_commit
from pairings.models import Pairing, PairingPause
from pairings.selectors.pauses import LIVE
from programmes.selectors import cohort_admins, cohorts_for_admin

PAUSE_LONGEST_DAYS = 365


class PauseRefused(DomainError):
    """A refused pause; `field` names the form field the message belongs beside, if any."""

    def __init__(self, message: str | Promise, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def today_for(user: User) -> date:
    """Today as the person's own calendar reads it."""
    return timezone.now().astimezone(user.zoneinfo).date()


def _day(day: date) -> str:
    return date_format(day, "j F Y")


def _notify(pause: PairingPause, kind: str, *recipients: User, note: str = "") -> None:
    from pairings.tasks.pauses import pause_notify_task

    for recipient in recipients:
        task_enqueue_on_commit(pause_notify_task, pause.pk, kind, recipient.pk, str(note))


def _lock_pairing(pairing: Pairing) -> Pairing:
    """The pairing again, its row locked until commit, with its cohort."""
    return (
        Pairing.objects.select_for_update(of=("self",))
        .select_related("cohort", "mentor", "mentee")
        .get(pk=pairing.pk)
    )


def _require_partner(pairing: Pairing, by: User, message: str) -> None:
    if by.pk not in (pairing.mentor_id, pairing.mentee_id):
        raise PauseRefused(message)


def _status_for(pause: PairingPause, cohort_max_days: int) -> str:
    return (
        PairingPause.Status.AGREED
        if pause.days <= cohort_max_days
        else PairingPause.Status.AWAITING
    )


@transaction.atomic
def pause_declare(
    *,
    pairing: Pairing,
    by: User,
    starts_on: date,
    ends_on: date,
    note: str,
    today: date | None = None,
) -> PairingPause:
    """Plan a pause from `starts_on` to `ends_on` (its last day, included).

    Only the pairing's two partners, only while it is active; it starts today or later (the
    person's own today unless `today` is given), lasts at most a year and overlaps no other
    agreed or awaiting pause of the pairing. Up to the cohort's `pause_max_days` it is agreed
    at once; longer, it waits for the cohort's admins, who are emailed. The partner is emailed.
    Raises PauseRefused. Not idempotent: a second call with the same dates is an overlap.
    """
    _require_partner(pairing, by, _("Only the two partners can plan a pause of their pairing."))
    pairing = _lock_pairing(pairing)
    if pairing.status != Pairing.Status.ACTIVE:
        raise PauseRefused(_("Only an active pairing can pause."))
    today = today or today_for(by)
    if starts_on < today:
        raise PauseRefused(_("A pause cannot start in the past."), field="starts_on")
    if ends_on < starts_on:
        raise PauseRefused(_("The last day cannot come before the first."), field="ends_on")
    pause = PairingPause(
        pairing=pairing,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note.strip(),
        requested_by=by,
    )
    if pause.days > PAUSE_LONGEST_DAYS:
        raise PauseRefused(
            _("A pause can last at most %(days)d days.") % {"days": PAUSE_LONGEST_DAYS},
            field="ends_on",
        )
    if len(pause.note) > PairingPause._meta.get_field("note").max_length:
        raise PauseRefused(_("Keep the note to 500 characters."), field="note")
    other = (
        pairing.pauses.filter(status__in=LIVE, starts_on__lte=ends_on, ends_on__gte=starts_on)
        .order_by("starts_on")
        .first()
    )
    if other is not None:
        raise PauseRefused(
            _(
                "This overlaps the pause already planned from %(start)s until %(end)s. End or "
                "withdraw that one first, or choose other days."
            )
            % {"start": _day(other.starts_on), "end": _day(other.ends_on)}
        )
    pause.status = _status_for(pause, pairing.cohort.pause_max_days)
    pause.save()
    _notify(pause, "declared", pairing.partner_of(by))
    if pause.status == PairingPause.Status.AWAITING:
        _notify(pause, "awaiting", *cohort_admins(cohort=pairing.cohort))
    return pause


@transaction.atomic
def pause_end(*, pause: PairingPause, by: User, today: date | None = None) -> PairingPause:
    """End a pause early (either partner). One that has not started, or started today, is
    withdrawn; one that is running ends yesterday, and if it waited for the programme team but
    is now within the cohort's limit it needs their agreement no more.

    Raises PauseRefused for anyone else, and for a pause that is over, declined or withdrawn.
    """
    pairing = _lock_pairing(pause.pairing)
    _require_partner(pairing, by, _("Only the two partners can end a pause of their pairing."))
    pause = PairingPause.objects.select_for_update().get(pk=pause.pk)
    if pause.status not in LIVE:
        raise PauseRefused(_("This pause is no longer planned: there is nothing to end."))
    today = today or today_for(by)
    if pause.ends_on < today:
        raise PauseRefused(_("This pause is already over."))
    if pause.starts_on >= today:
        pause.status = PairingPause.Status.WITHDRAWN
        pause.save(update_fields=["status"])
        return pause
    pause.ends_on = today - timedelta(days=1)
    if pause.status == PairingPause.Status.AWAITING:
        pause.status = _status_for(pause, pairing.cohort.pause_max_days)
    pause.save(update_fields=["ends_on", "status"])
    return pause


@transaction.atomic
def pause_decide(*, pause: PairingPause, by: User, agree: bool, note: str = "") -> PairingPause:
    """A cohort admin agrees to, or declines, a pause longer than the cohort's limit; both
    partners are emailed the outcome (with `note`, if any).

    Only the cohort's admins; only a pause still waiting, of an active pairing. Raises
    PauseRefused.
    """
    if not cohorts_for_admin(user=by).filter(pk=pause.pairing.cohort_id).exists():
        raise PauseRefused(_("Only the cohort's programme team can agree to a pause."))
    pairing = _lock_pairing(pause.pairing)
    pause = PairingPause.objects.select_for_update().get(pk=pause.pk)
    if pause.status != PairingPause.Status.AWAITING:
        raise PauseRefused(_("This pause is no longer waiting for a decision."))
    if pairing.status != Pairing.Status.ACTIVE:
        raise PauseRefused(_("The pairing is no longer active: there is nothing to decide."))
    note = note.strip()
    pause.status = PairingPause.Status.AGREED if agree else PairingPause.Status.DECLINED
    pause.decided_by = by
    pause.decided_at = timezone.now()
    pause.save(update_fields=["status", "decided_by", "decided_at"])
    if note:
        # The pause has no field for it: the trail keeps it for the other admins.
        admin_event_log(
            instance=pause, cohort_id=pairing.cohort_id, event=f"pause {pause.status}: {note}"
        )
    _notify(pause, "decided", pairing.mentor, pairing.mentee, note=note)
    return pause
