"""Notifications: when an email about a message, material, opportunity or feedback request may
go out, and its sending, once, in one email per person.

The service that creates the thing calls notification_schedule in its own transaction. The
row is due at once when the recipient may be reached now, otherwise when their contact hours
(their own side of the pairing's contact agreement, in their own zone) next open; a digest
choice always waits for the next opening. A row due at once enqueues, after the commit, a
dispatch for its recipient; the rest wait as rows for the scan beat runs every minute. Nothing
waits in the broker.

A dispatch claims due rows with SELECT … FOR UPDATE SKIP LOCKED (scanners running at once
never share one) and enqueues one send per recipient with the claimed ids. The send locks the
rows, skips those that no longer apply (read on the site, deleted, withdrawn, answered, or the
pairing ended; a closing reflection is asked once it has ended), marks the rest sent and keeps
them locked through the SMTP exchange, committing after the server accepted the email: a
duplicate send waits, then finds them sent. A failed send rolls back and leaves them claimed
for the task's retry; a worker killed mid-send leaves them claimed too, and a claim older than
NOTIFICATION_CLAIM_STALE_SECONDS is claimed again by the next scan, so none is lost.

Feedback requests (and their one reminder) have no setting: they go at once within the
recipient's contact hours, and otherwise when those next open.
"""

from collections import defaultdict
from datetime import datetime, time, timedelta
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models, transaction
from django.db.models import Count, Min, Q
from django.utils import timezone, translation

from accounts.models import User
from mentoring.mail import mail_send_kept
from notifications.emails import notification_email_build
from notifications.kinds import kind_for, related_paths
from notifications.models import Delivery, Notification, NotificationSettings
from outbox.services import task_enqueue_on_commit, task_publish
from pairings.models import ContactTerms, Pairing
from pairings.selectors.agreements import (
    TermsView,
    is_within_contact_hours,
    next_contact_window_start,
    terms_for,
)

# Without stated hours a digest goes out at this local hour.
DIGEST_HOUR_WITHOUT_HOURS = 8
# A claim this old most likely belongs to a worker that died. Claiming it again cannot send it
# twice: a send in progress holds the rows (SKIP LOCKED passes them by), a later one finds them
# sent.
CLAIM_STALE_SECONDS = 5 * 60
CLAIM_BATCH = 500
# Claims waiting to be sent, at most; the next scan takes the rest (see notifications_dispatch).
MAX_IN_FLIGHT = 1000

_SETTING_FIELD = {
    Notification.Kind.MESSAGE: "messages",
    Notification.Kind.MATERIAL: "materials",
    Notification.Kind.OPPORTUNITY: "opportunities",
}
_WAITING = (Notification.Status.PENDING, Notification.Status.CLAIMED)


# --- when: rows written with the message, material or opportunity -------------------------


def delivery_for(*, user: User, kind: str) -> str:
    """The user's choice (Delivery) for this kind of notification. Feedback requests and their
    reminder have no choice: at once, within the contact hours."""
    if kind not in _SETTING_FIELD:
        return Delivery.IMMEDIATELY
    chosen = NotificationSettings.objects.filter(user=user).first()
    if chosen is None:
        return Delivery.IMMEDIATELY
    return getattr(chosen, _SETTING_FIELD[kind])


def _next_local_hour(*, zone: ZoneInfo, hour: int, now: datetime) -> datetime:
    local = now.astimezone(zone)
    opening = datetime.combine(local.date(), time(hour), zone)
    if opening <= now:
        opening = datetime.combine(local.date() + timedelta(days=1), time(hour), zone)
    return opening


def _due(
    *, recipient: User, pairing: Pairing, delivery: str, urgent: bool, now: datetime
) -> tuple[datetime | None, bool]:
    """(when an email to `recipient` about something in `pairing` may go out, or None for
    never; whether it is held back by their contact hours).

    Urgent goes at once only if the recipient's terms let urgent messages break through and
    they chose to hear of messages at once; a digest always waits for the next opening. Held
    is only for what arrived outside the recipient's hours; a digest collected inside them
    waits too, but was not held back from them.
    """
    if delivery == Delivery.NEVER:
        return None, False
    terms = terms_for(pairing=pairing, person=recipient)
    if terms is None or not terms.contact_hours:
        if delivery == Delivery.IMMEDIATELY:
            return now, False
        return _next_local_hour(
            zone=recipient.zoneinfo, hour=DIGEST_HOUR_WITHOUT_HOURS, now=now
        ), False
    inside = is_within_contact_hours(terms=terms, at=now)
    if delivery == Delivery.IMMEDIATELY and (inside or (urgent and terms.urgent_breaks_through)):
        return now, False
    return next_contact_window_start(terms=terms, after=now), not inside


def notification_schedule(
    *,
    recipient: User,
    pairing: Pairing,
    kind: str,
    message: models.Model | None = None,
    material: models.Model | None = None,
    opportunity: models.Model | None = None,
    feedback: models.Model | None = None,
    urgent: bool = False,
) -> Notification | None:
    """Write the notification row for `recipient`, due as their contact hours and choice say
    (see _due); None when they chose never. Call it in the transaction that creates the
    subject: a row due now is dispatched once that commits. Safe to repeat: a second call for
    the same subject and person (and, for feedback, kind) returns the first row."""
    now = timezone.now()
    due_at, held = _due(
        recipient=recipient,
        pairing=pairing,
        delivery=delivery_for(user=recipient, kind=kind),
        urgent=urgent,
        now=now,
    )
    if due_at is None:
        return None
    subject = {
        "message": message,
        "material": material,
        "opportunity": opportunity,
        "feedback": feedback,
    }
    subject = {field: value for field, value in subject.items() if value is not None}
    if feedback is not None:
        subject["kind"] = kind  # a feedback request and its reminder: one row each
    notification, created = Notification.objects.get_or_create(
        recipient=recipient,
        **subject,
        defaults={
            "pairing": pairing,
            "kind": kind,
            "due_at": due_at,
            "held": held,
            "created_at": now,
        },
    )
    if created and due_at <= now:
        from notifications.tasks import notifications_dispatch_task

        # Sent now rather than at the next scan; a broker outage only delays it.
        task_enqueue_on_commit(notifications_dispatch_task, recipient.pk)
    return notification


# --- the scan -----------------------------------------------------------------------------


def claim_stale_after() -> timedelta:
    return timedelta(
        seconds=getattr(settings, "NOTIFICATION_CLAIM_STALE_SECONDS", CLAIM_STALE_SECONDS)
    )


def notifications_claim_due(
    *, now: datetime, limit: int = CLAIM_BATCH, recipient_id: int | None = None
) -> dict[int, list[int]]:
    """Mark up to `limit` due notifications (of one recipient, if given) claimed at `now`;
    return their ids by recipient, soonest first.

    Due: pending with due_at reached, or claimed longer ago than the stale timeout (a worker
    died with it). Concurrent scanners never share a row: each skips what another has locked.
    """
    stale_before = now - claim_stale_after()
    due = Notification.objects.select_for_update(skip_locked=True).filter(
        Q(status=Notification.Status.PENDING, due_at__lte=now)
        | Q(status=Notification.Status.CLAIMED, claimed_at__lt=stale_before)
    )
    if recipient_id is not None:
        due = due.filter(recipient_id=recipient_id)
    with transaction.atomic():
        rows = list(due.order_by("due_at", "pk").values_list("pk", "recipient_id")[:limit])
        Notification.objects.filter(pk__in=[pk for pk, _recipient in rows]).update(
            status=Notification.Status.CLAIMED, claimed_at=now
        )
    by_recipient: dict[int, list[int]] = defaultdict(list)
    for pk, recipient in rows:
        by_recipient[recipient].append(pk)
    return dict(by_recipient)


def _enqueue_sends(by_recipient: dict[int, list[int]]) -> None:
    from notifications.tasks import notifications_send_task

    for recipient_id, ids in by_recipient.items():  # the broker down: the claims go stale
        if not task_publish(notifications_send_task, recipient_id, ids):
            return


def notifications_dispatch(*, now: datetime, recipient_id: int | None = None) -> int:
    """Claim due notifications (everyone's, or one recipient's), a batch at a time, and
    enqueue one send per recipient once the claim is committed; return how many rows.
    Safe to run while other dispatches run.

    The scan of everyone's leaves at most NOTIFICATION_MAX_IN_FLIGHT claims unsent at once:
    without the cap a backlog older than the stale timeout would be claimed and queued again
    and again, growing the queue it waits in. One recipient's dispatch (their rows due the
    moment they were written) is a handful of rows and is not held back by others' backlog.
    """
    if recipient_id is None:
        in_flight = Notification.objects.filter(
            status=Notification.Status.CLAIMED, claimed_at__gte=now - claim_stale_after()
        ).count()
        room = getattr(settings, "NOTIFICATION_MAX_IN_FLIGHT", MAX_IN_FLIGHT) - in_flight
    else:
        room = CLAIM_BATCH
    total = 0
    while room > 0:
        with transaction.atomic():
            by_recipient = notifications_claim_due(
                now=now, limit=min(CLAIM_BATCH, room), recipient_id=recipient_id
            )
            transaction.on_commit(partial(_enqueue_sends, by_recipient))
        claimed = sum(len(ids) for ids in by_recipient.values())
        total += claimed
        room -= claimed
        if claimed < CLAIM_BATCH or recipient_id is not None:
            break
    return total


# --- the send -----------------------------------------------------------------------------


def _still_applies(notification: Notification) -> bool:
    """The recipient still has an account, the pairing is as its kind needs (active; closed
    for a closing reflection), and the subject is as it was (its kind says: a message neither
    read on the site nor deleted, a material not withdrawn, an opportunity or feedback request
    not yet answered)."""
    if not notification.recipient.is_active:
        return False
    kind = kind_for(notification.kind)
    if notification.pairing.status != kind.pairing_status(notification):
        return False
    return kind.still_applies(notification)


def notifications_send(*, recipient_id: int, notification_ids: list[int]) -> int:
    """Email the recipient, in one email, those of `notification_ids` that are theirs, claimed,
    and still apply (the others claimed are skipped); return how many this call sent.

    Safe to run twice, at once or later: the rows stay locked from the check to the commit
    after the SMTP exchange, so a second run waits, then finds them sent. A failed send raises
    and rolls back, leaving the rows claimed for the task's retry or, after the stale timeout,
    the next scan.
    """
    with transaction.atomic():
        now = timezone.now()
        rows = list(
            Notification.objects.select_for_update(of=("self",))
            .filter(
                pk__in=notification_ids,
                recipient_id=recipient_id,
                status=Notification.Status.CLAIMED,
            )
            .select_related(
                "recipient", "pairing", "pairing__mentor", "pairing__mentee", *related_paths()
            )
            .order_by("pk")  # every send locks in one order: two sends never deadlock
        )
        keep = [row for row in rows if _still_applies(row)]
        skip = {row.pk for row in rows} - {row.pk for row in keep}
        if skip:
            Notification.objects.filter(pk__in=skip).update(status=Notification.Status.SKIPPED)
        if not keep:
            return 0
        recipient = keep[0].recipient
        with translation.override(recipient.email_language):
            email = notification_email_build(recipient=recipient, notifications=keep)
        # Marked before the SMTP exchange, in the transaction that commits after it: once the
        # server has accepted the email only the COMMIT is left.
        Notification.objects.filter(pk__in=[row.pk for row in keep]).update(
            status=Notification.Status.SENT, sent_at=now
        )
        mail_send_kept([email])
    return len(keep)


# --- the settings page --------------------------------------------------------------------


def notification_settings_initial(*, user: User) -> dict[str, str | bool]:
    """The user's choices as form data; every kind at once, and the weekly health email on,
    when they never chose."""
    chosen = NotificationSettings.objects.filter(user=user).first()
    return {
        **{
            name: getattr(chosen, name) if chosen else Delivery.IMMEDIATELY
            for name in _SETTING_FIELD.values()
        },
        "health_weekly": chosen.health_weekly if chosen else True,
    }


@transaction.atomic
def notification_settings_save(
    *,
    user: User,
    messages: str,
    materials: str,
    opportunities: str,
    health_weekly: bool | None = None,
) -> NotificationSettings:
    """Save how the user hears of each kind by email (and, unless None, whether a programme
    admin gets the weekly health email). A kind set to never skips its emails still waiting,
    at once (a send already under way finishes first); other changes apply to what arrives
    from now on. Safe to repeat."""
    defaults: dict[str, str | bool] = {
        "messages": messages,
        "materials": materials,
        "opportunities": opportunities,
    }
    if health_weekly is not None:
        defaults["health_weekly"] = health_weekly
    chosen, _created = NotificationSettings.objects.update_or_create(user=user, defaults=defaults)
    silenced = [
        kind for kind, name in _SETTING_FIELD.items() if getattr(chosen, name) == Delivery.NEVER
    ]
    if silenced:
        Notification.objects.filter(recipient=user, kind__in=silenced, status__in=_WAITING).update(
            status=Notification.Status.SKIPPED
        )
    return chosen


def notification_settings_context(*, user: User) -> dict:
    """What the settings page shows beside the form (two queries, however many pairings): the
    user's own contact hours in each active pairing and the emails waiting for them. The
    terms come with only what the page shows of them, their pairing and its two people (their
    names): whole rows of five tables were most of the page's reading."""
    terms = (
        ContactTerms.objects.filter(person=user, agreement__pairing__status=Pairing.Status.ACTIVE)
        .select_related("agreement__pairing__mentor", "agreement__pairing__mentee")
        .only(
            "channels",
            "contact_hours",
            "timezone",
            "urgent_breaks_through",
            "agreement__pairing__mentor__display_name",
            "agreement__pairing__mentor__email",
            "agreement__pairing__mentee__display_name",
            "agreement__pairing__mentee__email",
        )
        .order_by("agreement__pairing__created_at", "pk")
    )
    pairings = [
        {
            "pairing": t.agreement.pairing,
            "partner": t.agreement.pairing.partner_of(user),
            "terms": TermsView.of(t),
        }
        for t in terms
    ]
    waiting = Notification.objects.filter(recipient=user, status__in=_WAITING).aggregate(
        count=Count("pk"), next_at=Min("due_at")
    )
    return {"pairings_terms": pairings, "waiting": waiting}
