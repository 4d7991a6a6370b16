"""Notifications: when an email about a message, material or opportunity may go out.

The service that creates the thing calls notification_schedule in its own transaction. The
row is due at once when the recipient may be reached now, otherwise when their contact hours
(their own side of the pairing's contact agreement, in their own zone) next open; a digest
choice always waits for the next opening. Sending — claim, digest, once only — is below.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from programmes.models import Pairing
from programmes.selectors.agreements import (
    is_within_contact_hours,
    next_contact_window_start,
    terms_for,
)

from ..models import (
    Delivery,
    Material,
    Message,
    Notification,
    NotificationSettings,
    OpportunityRecipient,
)

# Without stated hours a digest goes out at this local hour.
DIGEST_HOUR_WITHOUT_HOURS = 8

_SETTING_FIELD = {
    Notification.Kind.MESSAGE: "messages",
    Notification.Kind.MATERIAL: "materials",
    Notification.Kind.OPPORTUNITY: "opportunities",
}


def delivery_for(*, user: User, kind: str) -> str:
    """The user's choice (Delivery) for this kind of notification."""
    chosen = NotificationSettings.objects.filter(user=user).first()
    if chosen is None:
        return Delivery.IMMEDIATELY
    return getattr(chosen, _SETTING_FIELD[kind])


def notification_due_at(
    *, recipient: User, pairing: Pairing, delivery: str, urgent: bool, now: datetime
) -> datetime | None:
    """When an email to `recipient` about something in `pairing` may go out; None for never.

    Urgent goes at once only if the recipient's terms let urgent messages break through.
    """
    if delivery == Delivery.NEVER:
        return None
    terms = terms_for(pairing=pairing, person=recipient)
    if terms is None or not terms.contact_hours:
        if delivery == Delivery.IMMEDIATELY:
            return now
        zone = recipient.zoneinfo
        local = now.astimezone(zone)
        opening = datetime.combine(local.date(), time(DIGEST_HOUR_WITHOUT_HOURS), zone)
        if opening <= now:
            opening = datetime.combine(
                local.date() + timedelta(days=1), time(DIGEST_HOUR_WITHOUT_HOURS), zone
            )
        return opening
    if urgent and terms.urgent_breaks_through and delivery == Delivery.IMMEDIATELY:
        return now
    if delivery == Delivery.IMMEDIATELY and is_within_contact_hours(terms=terms, at=now):
        return now
    return next_contact_window_start(terms=terms, after=now)


def notification_schedule(
    *,
    recipient: User,
    pairing: Pairing,
    kind: str,
    message: Message | None = None,
    material: Material | None = None,
    opportunity: OpportunityRecipient | None = None,
    urgent: bool = False,
) -> Notification | None:
    """Write the notification row for `recipient`, due as notification_due_at says; None when
    they chose never. Call it in the transaction that creates the subject. Safe to repeat:
    a second call for the same subject and person returns the first row."""
    now = timezone.now()
    due_at = notification_due_at(
        recipient=recipient,
        pairing=pairing,
        delivery=delivery_for(user=recipient, kind=kind),
        urgent=urgent,
        now=now,
    )
    if due_at is None:
        return None
    subject = {"message": message, "material": material, "opportunity": opportunity}
    subject = {field: value for field, value in subject.items() if value is not None}
    notification, _created = Notification.objects.get_or_create(
        recipient=recipient,
        **subject,
        defaults={
            "pairing": pairing,
            "kind": kind,
            "due_at": due_at,
            "held": due_at > now,
            "created_at": now,
        },
    )
    return notification
