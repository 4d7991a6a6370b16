"""The notification email: one person's due messages, materials, opportunities and feedback
requests in one mail.

Times are on the recipient's own clock; each item links to where it lives on the site. How each
item reads, its one-item subject line and what it attaches come from its kind, registered by the
app that owns the subject (see notifications.kinds); this module only puts them together: the
order, the shared subject line, the attachments' total and the headers.
"""

import hashlib
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import ngettext

from accounts.emails import email_build
from accounts.models import User
from mentoring.links import absolute
from notifications.kinds import DigestItem, kind_for
from notifications.models import Notification

__all__ = ["ATTACH_TOTAL_MAX_BYTES", "DigestItem", "notification_email_build"]

# Attachments of one email together, at most: base64 makes 8 MB about 11 MB on the wire,
# under the 20-25 MB most mail servers accept. A file past the total goes as a link.
ATTACH_TOTAL_MAX_BYTES = 8 * 1024 * 1024


def _item(notification: Notification, zone: ZoneInfo) -> DigestItem:
    """The notification as its kind shows it, its time on the recipient's clock `zone`."""
    when = timezone.localtime(notification.created_at, zone)
    common = {
        "notification": notification,
        "kind": notification.kind,
        "when": date_format(when, "D j M, H:i"),
        "held": notification.held,
    }
    return kind_for(notification.kind).item(notification, zone, common)


def _subject(items: list[DigestItem]) -> str:
    """The subject line: the count (and urgent count) for several items, the kind's for one."""
    if len(items) > 1:
        subject = ngettext(
            "%(count)d new thing from your mentoring pairings",
            "%(count)d new things from your mentoring pairings",
            len(items),
        ) % {"count": len(items)}
        urgent = sum(item.urgent for item in items)
        if urgent:
            subject += " " + ngettext("(%(count)d urgent)", "(%(count)d urgent)", urgent) % {
                "count": urgent
            }
        return subject
    [item] = items
    return kind_for(item.kind).subject_line(item)


def notification_email_build(
    *, recipient: User, notifications: list[Notification]
) -> EmailMultiAlternatives:
    """One email about all of `notifications` (the recipient's, with their subjects loaded):
    urgent items first, then the rest as they happened."""
    zone = recipient.zoneinfo
    items = sorted(
        (_item(notification, zone) for notification in notifications),
        key=lambda item: (not item.urgent, item.notification.created_at, item.notification.pk),
    )
    attachments = []
    room = max(ATTACH_TOTAL_MAX_BYTES, settings.MATERIAL_ATTACH_MAX_BYTES)
    for item in items:
        attach = kind_for(item.kind).attachment
        attachment = attach(item.notification, room) if attach is not None else None
        if attachment is not None:
            room -= len(attachment[1])
            item.attached = True
            attachments.append(attachment)
    with timezone.override(zone):
        message = email_build(
            template="notifications/digest",
            to=recipient.email,
            subject=_subject(items),
            context={
                "recipient": recipient,
                "items": items,
                "zone": str(zone),
                "any_held": any(item.held for item in items),
                "settings_url": absolute("notifications:notification_settings"),
            },
        )
    for attachment in attachments:
        message.attach(*attachment)
    ids = sorted(n.pk for n in notifications)
    # The same Message-ID on a rare repeat (a worker lost after the server accepted the mail)
    # lets mail systems that deduplicate show it once.
    fingerprint = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:20]
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    message.extra_headers["Message-ID"] = f"<notifications-{recipient.pk}-{fingerprint}@{host}>"
    message.extra_headers["X-Notification-Ids"] = ",".join(map(str, ids))
    return message
