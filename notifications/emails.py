"""The notification email: one person's due messages, materials, opportunities and feedback
requests in one mail.

Times are on the recipient's own clock; each item links to where it lives on the site. A shared
file small enough goes along as an attachment, read from the materials storage; a larger one
(or one the storage cannot give back) is a link that needs signing in.
"""

import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.emails import email_build
from accounts.models import User
from exchange.models import Material, materials_storage
from mentoring.links import absolute
from notifications.models import Notification
from sessions_app.models import Feedback

# Attachments of one email together, at most: base64 makes 8 MB about 11 MB on the wire,
# under the 20-25 MB most mail servers accept. A file past the total goes as a link.
ATTACH_TOTAL_MAX_BYTES = 8 * 1024 * 1024


@dataclass
class DigestItem:
    """One notification as the email shows it."""

    notification: Notification
    kind: str
    who: str
    when: str  # on the recipient's clock
    urgent: bool
    held: bool
    edited: bool
    title: str
    text: str
    link: str
    details: list[str] = field(default_factory=list)  # an opportunity's when, where and link
    attached: bool = False
    download_link: str = ""
    reminder: bool = False  # a feedback request asked again


def _material_bytes(material: Material, *, room: int) -> bytes | None:
    """The shared file's content when it fits the attachment limit and `room`, else None."""
    limit = min(settings.MATERIAL_ATTACH_MAX_BYTES, room)
    if material.kind != Material.Kind.FILE or not material.file.name:
        return None
    storage = materials_storage()
    try:
        size = material.size if material.size is not None else storage.size(material.file.name)
        if size > limit:
            return None
        with storage.open(material.file.name, "rb") as handle:
            content = handle.read(limit + 1)
    except OSError:
        return None  # gone from the storage, or unreadable now: the link still explains
    return content if len(content) <= limit else None


def _feedback_item(notification: Notification, zone: ZoneInfo, common: dict) -> DigestItem:
    """A feedback request (or its reminder): what it asks about, linking to the form."""
    feedback = notification.feedback
    partner = notification.pairing.partner_of(notification.recipient).name
    if feedback.kind == Feedback.Kind.SESSION:
        starts = timezone.localtime(feedback.appointment.starts_at, zone)
        title = _("How was your session with %(who)s on %(when)s?") % {
            "who": partner,
            "when": date_format(starts, "D j M, H:i"),
        }
        text = _(
            "Did it take place, how was it from 1 to 5, and in a few words what went well and "
            "what could be better."
        )
    elif feedback.kind == Feedback.Kind.CHECK_IN:
        title = _("How is your mentoring with %(who)s going?") % {"who": partner}
        text = _(
            "Three short questions: how satisfied you are, whether the contact you agreed is "
            "working, and whether you would like help from the programme team."
        )
    else:
        title = _("Looking back on your mentoring with %(who)s") % {"who": partner}
        text = _("Your pairing has ended. A short reflection helps you both and the programme.")
    text += " " + _(
        "The programme team sees your ratings; your partner sees your words only if you share them."
    )
    return DigestItem(
        **common,
        who=partner,
        urgent=False,
        edited=False,
        title=title,
        text=text,
        link=absolute("sessions_app:feedback_answer", feedback.pk),
        reminder=notification.kind == Notification.Kind.FEEDBACK_REMINDER,
    )


def _item(notification: Notification, zone: ZoneInfo) -> DigestItem:
    when = timezone.localtime(notification.created_at, zone)
    common = {
        "notification": notification,
        "kind": notification.kind,
        "when": date_format(when, "D j M, H:i"),
        "held": notification.held,
    }
    if notification.feedback_id is not None:
        return _feedback_item(notification, zone, common)
    if notification.kind == Notification.Kind.MESSAGE:
        message = notification.message
        return DigestItem(
            **common,
            who=message.sender.name,
            urgent=message.urgent,
            edited=message.edited_at is not None,
            title="",
            text=message.body,  # as it stands now: an edit after sending counts
            link=absolute("exchange:thread", notification.pairing_id),
        )
    if notification.kind == Notification.Kind.MATERIAL:
        material = notification.material
        return DigestItem(
            **common,
            who=material.shared_by.name,
            urgent=False,
            edited=False,
            title=material.title,
            text=material.note,
            link=absolute("exchange:materials", notification.pairing_id),
            details=[material.url] if material.kind == Material.Kind.LINK else [],
            download_link=(
                absolute("exchange:material_download", material.pk)
                if material.kind == Material.Kind.FILE
                else ""
            ),
        )
    opportunity = notification.opportunity.opportunity
    details = [str(opportunity.get_kind_display())]
    if opportunity.starts_at:
        starts = date_format(timezone.localtime(opportunity.starts_at, zone), "D j M Y, H:i")
        if opportunity.ends_at:
            ends = timezone.localtime(opportunity.ends_at, zone)
            starts += "\N{EN DASH}" + date_format(ends, "H:i")
        details.append(starts)
    details += [text for text in (opportunity.location, opportunity.url) if text]
    return DigestItem(
        **common,
        who=opportunity.mentor.name,
        urgent=False,
        edited=False,
        title=opportunity.title,
        text=opportunity.note,
        link=absolute("exchange:opportunity_detail", opportunity.pk),
        details=details,
    )


def _subject(items: list[DigestItem]) -> str:
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
    names = {"who": item.who, "title": item.title}
    if item.kind == Notification.Kind.MESSAGE:
        if item.urgent:
            return _("Urgent message from %(who)s") % names
        return _("New message from %(who)s") % names
    if item.kind == Notification.Kind.MATERIAL:
        return _("%(who)s shared “%(title)s”") % names
    if item.reminder:
        return _("Reminder: %(title)s") % names
    if item.kind == Notification.Kind.FEEDBACK:
        return item.title
    return _("%(who)s passed on an opportunity: %(title)s") % names


def notification_email_build(
    *, recipient: User, notifications: list[Notification]
) -> EmailMultiAlternatives:
    """One email about all of `notifications` (the recipient's, with their subjects loaded):
    urgent messages first, then the rest as they happened."""
    zone = recipient.zoneinfo
    ordered = sorted(
        notifications,
        key=lambda n: (not (n.message_id and n.message.urgent), n.created_at, n.pk),
    )
    items = [_item(notification, zone) for notification in ordered]
    attachments = []
    room = max(ATTACH_TOTAL_MAX_BYTES, settings.MATERIAL_ATTACH_MAX_BYTES)
    for item in items:
        if item.kind != Notification.Kind.MATERIAL:
            continue
        material = item.notification.material
        content = _material_bytes(material, room=room)
        if content is not None:
            room -= len(content)
            item.attached = True
            attachments.append(
                (material.title, content, material.content_type or "application/octet-stream")
            )
    with timezone.override(zone):
        message = email_build(
            template="exchange/notifications",
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
